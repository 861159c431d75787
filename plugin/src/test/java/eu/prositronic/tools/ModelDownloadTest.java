package eu.prositronic.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import eu.prositronic.TestSupport;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's model init container, run for real: the script and environment that {@code helm template} renders are
 * run by {@code sh} with {@code curl}, {@code sha256sum} and {@code stat} (what the download image has) against a
 * loopback server laid out like the hub or a mirror ({@code <base>/<repo>/resolve/<revision>/<path>}); only the
 * volume's root is moved from {@code /models} to a temporary folder. This is what a pod does before llama-server
 * starts; no cluster runs here.
 */
@Tag("tool") // drives the real helm, sh and curl
class ModelDownloadTest {
    static final String REPO = "acme/Tiny-GGUF";
    static final String REVISION = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    Path dir;

    HttpServer hub;
    final Map<String, byte[]> files = new LinkedHashMap<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<String> authorizations = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startHub() throws Exception {
        hub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hub.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requests.add(path);
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add(auth == null ? "" : auth);
            byte[] body = files.get(path);
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(body);
                }
            }
            exchange.close();
        });
        hub.start();
        publish("Tiny-00001-of-00002.gguf", "first shard ".repeat(1000));
        publish("Tiny-00002-of-00002.gguf", "second shard ".repeat(700));
    }

    @AfterEach
    void stopHub() {
        hub.stop(0);
    }

    void publish(String path, String content) {
        files.put("/hub/" + REPO + "/resolve/" + REVISION + "/" + path, content.getBytes(StandardCharsets.UTF_8));
    }

    byte[] published(String path) {
        return files.get("/hub/" + REPO + "/resolve/" + REVISION + "/" + path);
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    String base() {
        return "http://127.0.0.1:" + hub.getAddress().getPort() + "/hub";
    }

    /** The values of a two-shard model, each shard with its exact size and sha256 (or a wrong one where asked). */
    Path values(String mode, String wrongSha, long wrongSize) throws Exception {
        StringBuilder v = new StringBuilder();
        v.append("model:\n  huggingFaceRepo: ").append(REPO).append("\n  file: Tiny-00001-of-00002.gguf\n");
        v.append("  sizeBytes: 20000\n  sha256: \"\"\n  revision: \"")
                .append(REVISION)
                .append("\"\n  shards:\n");
        for (String path : List.of("Tiny-00001-of-00002.gguf", "Tiny-00002-of-00002.gguf")) {
            byte[] b = published(path);
            String sha = path.equals(wrongSha) ? "0".repeat(64) : sha256(b);
            long size = path.contains("00002-of") && wrongSize > 0 ? wrongSize : b.length;
            v.append("    - {path: ").append(path).append(", sizeBytes: ").append(size);
            v.append(", sha256: \"").append(sha).append("\"}\n");
        }
        v.append("  source:\n    mode: ")
                .append(mode)
                .append("\n    baseUrl: ")
                .append(base())
                .append('\n');
        v.append("    tokenSecret: {name: hf-token, key: token}\n");
        Path file = dir.resolve("values-" + mode + ".yaml");
        Files.writeString(file, v.toString());
        return file;
    }

    record Result(int exitCode, String output) {}

    /** Renders the chart and runs its model init container's script with its environment, the volume at root. */
    Result runInitContainer(Path values, Path root) throws Exception {
        Path chart = TestSupport.repoRoot().resolve("charts/llama-server");
        ExternalTool.Run r = ExternalTool.run(dir, "helm", "template", "r", chart.toString(), "-f", values.toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        JsonNode deployment = HelmChartTest.documents(r.output()).stream()
                .filter(d -> d.path("kind").asText().equals("Deployment"))
                .findFirst()
                .orElseThrow();
        JsonNode init = deployment.at("/spec/template/spec/initContainers/0");
        assertThat(init.path("name").asText()).isEqualTo("model");
        assertThat(init.at("/command/0").asText()).isEqualTo("/bin/sh");
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode e : init.path("env")) {
            if (e.has("value")) {
                env.put(e.path("name").asText(), e.path("value").asText());
            } else {
                // the Secret's value, as the kubelet would put it in
                assertThat(e.at("/valueFrom/secretKeyRef/name").asText()).isEqualTo("hf-token");
                env.put(e.path("name").asText(), "hf_secret_token");
            }
        }
        assertThat(env.get("MODELS_ROOT")).isEqualTo("/models");
        env.put("MODELS_ROOT", root.toString());
        List<String> command = new ArrayList<>();
        init.path("command").forEach(c -> command.add(c.asText()));
        init.path("args").forEach(c -> command.add(c.asText()));
        ExternalTool.Run run = ExternalTool.run(dir, env, command.toArray(String[]::new));
        return new Result(run.exitCode(), run.output());
    }

    Path folder(Path root) {
        return root.resolve("gguf/models--acme--Tiny-GGUF--" + REVISION);
    }

    @Test
    void downloadsEveryShardFromTheRevisionVerifiesItAndRenamesIt() throws Exception {
        Path root = dir.resolve("volume");
        Files.createDirectories(root.resolve("gguf/models--acme--Old-GGUF--main"));
        Files.writeString(root.resolve("gguf/models--acme--Old-GGUF--main/old.gguf"), "an older quant");

        Result r = runInitContainer(values("download", "", 0), root);

        assertThat(r.exitCode()).as(r.output()).isZero();
        for (String path : List.of("Tiny-00001-of-00002.gguf", "Tiny-00002-of-00002.gguf")) {
            assertThat(folder(root).resolve(path)).hasBinaryContent(published(path));
            assertThat(folder(root).resolve(path + ".part")).doesNotExist();
        }
        assertThat(root.resolve("gguf/models--acme--Old-GGUF--main"))
                .as("another model's folder is removed so that the new one fits")
                .doesNotExist();
        assertThat(requests)
                .containsExactly(
                        "/hub/" + REPO + "/resolve/" + REVISION + "/Tiny-00001-of-00002.gguf",
                        "/hub/" + REPO + "/resolve/" + REVISION + "/Tiny-00002-of-00002.gguf");
        assertThat(authorizations).containsOnly("Bearer hf_secret_token");

        requests.clear();
        Result again = runInitContainer(values("download", "", 0), root);
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(requests).as("a restart downloads nothing that is in place").isEmpty();
    }

    @Test
    void aWrongHashLeavesNoFileAndFailsThePod() throws Exception {
        Path root = dir.resolve("volume");
        Result r = runInitContainer(values("download", "Tiny-00002-of-00002.gguf", 0), root);
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.output()).contains("does not have sha256 " + "0".repeat(64));
        assertThat(folder(root).resolve("Tiny-00002-of-00002.gguf")).doesNotExist();
        assertThat(folder(root).resolve("Tiny-00002-of-00002.gguf.part")).doesNotExist();
    }

    @Test
    void aWrongSizeLeavesNoFileAndFailsThePod() throws Exception {
        Path root = dir.resolve("volume");
        Result r = runInitContainer(values("download", "", 123), root);
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.output()).contains("the catalog says 123");
        assertThat(folder(root).resolve("Tiny-00002-of-00002.gguf")).doesNotExist();
    }

    @Test
    void airGappedReadsAPreStagedVerifiedFileAndNeverTheNetwork() throws Exception {
        Path root = dir.resolve("volume");
        Files.createDirectories(folder(root));
        for (String path : List.of("Tiny-00001-of-00002.gguf", "Tiny-00002-of-00002.gguf")) {
            Files.write(folder(root).resolve(path), published(path));
        }
        Result r = runInitContainer(values("prestaged", "", 0), root);
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains(": OK");
        assertThat(requests).isEmpty();
    }

    @Test
    void airGappedSaysWhereToCopyAMissingFileAndRefusesACorruptOne() throws Exception {
        Path root = dir.resolve("volume");
        Result missing = runInitContainer(values("prestaged", "", 0), root);
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.output())
                .contains("copy " + REPO + "@" + REVISION
                        + "/Tiny-00001-of-00002.gguf into the volume at gguf/models--acme--Tiny-GGUF--" + REVISION
                        + "/Tiny-00001-of-00002.gguf");

        Files.createDirectories(folder(root));
        for (String path : List.of("Tiny-00001-of-00002.gguf", "Tiny-00002-of-00002.gguf")) {
            byte[] b = published(path).clone();
            b[0] ^= 1; // same size, other bytes
            Files.write(folder(root).resolve(path), b);
        }
        Result corrupt = runInitContainer(values("prestaged", "", 0), root);
        assertThat(corrupt.exitCode()).isNotZero();
        assertThat(corrupt.output()).contains("does not have sha256");
        assertThat(requests).isEmpty();
    }

    static final String VISION_REPO = "acme/Tiny-Vision-GGUF";
    static final String VISION_REVISION = "fedcba9876543210fedcba9876543210fedcba98";

    /** The two-shard model plus a vision projector from another repository and revision. */
    Path valuesWithMmproj(String mode, String sha) throws Exception {
        byte[] mm = "projector ".repeat(900).getBytes(StandardCharsets.UTF_8);
        files.put("/hub/" + VISION_REPO + "/resolve/" + VISION_REVISION + "/mmproj-F16.gguf", mm);
        Path file = values(mode, "", 0);
        String v = Files.readString(file)
                .replace(
                        "  source:\n",
                        "  mmproj:\n    file: mmproj-F16.gguf\n    huggingFaceRepo: " + VISION_REPO
                                + "\n    revision: \"" + VISION_REVISION + "\"\n    sizeBytes: " + mm.length
                                + "\n    sha256: \"" + (sha == null ? sha256(mm) : sha) + "\"\n  source:\n");
        Files.writeString(file, v);
        return file;
    }

    Path visionFolder(Path root) {
        return root.resolve("gguf/models--acme--Tiny-Vision-GGUF--" + VISION_REVISION);
    }

    @Test
    void downloadsTheVisionProjectorBesideTheModelVerifiesItAndKeepsBothFolders() throws Exception {
        Path root = dir.resolve("volume");
        Files.createDirectories(root.resolve("gguf/models--acme--Old-GGUF--main"));

        Result r = runInitContainer(valuesWithMmproj("download", null), root);

        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(visionFolder(root).resolve("mmproj-F16.gguf"))
                .hasBinaryContent(
                        files.get("/hub/" + VISION_REPO + "/resolve/" + VISION_REVISION + "/mmproj-F16.gguf"));
        assertThat(folder(root).resolve("Tiny-00001-of-00002.gguf")).exists();
        assertThat(root.resolve("gguf/models--acme--Old-GGUF--main")).doesNotExist();
        assertThat(requests)
                .containsExactly(
                        "/hub/" + REPO + "/resolve/" + REVISION + "/Tiny-00001-of-00002.gguf",
                        "/hub/" + REPO + "/resolve/" + REVISION + "/Tiny-00002-of-00002.gguf",
                        "/hub/" + VISION_REPO + "/resolve/" + VISION_REVISION + "/mmproj-F16.gguf");

        requests.clear();
        Result again = runInitContainer(valuesWithMmproj("download", null), root);
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(requests)
                .as("a restart keeps the projector's folder and downloads nothing")
                .isEmpty();
        assertThat(visionFolder(root).resolve("mmproj-F16.gguf")).exists();
    }

    @Test
    void aVisionProjectorWithAWrongHashLeavesNoFileAndFailsThePod() throws Exception {
        Path root = dir.resolve("volume");
        Result r = runInitContainer(valuesWithMmproj("download", "1".repeat(64)), root);
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.output()).contains("mmproj-F16.gguf does not have sha256 " + "1".repeat(64));
        assertThat(visionFolder(root).resolve("mmproj-F16.gguf")).doesNotExist();
        assertThat(visionFolder(root).resolve("mmproj-F16.gguf.part")).doesNotExist();
    }

    @Test
    void theChartPassesTheVerifiedProjectorToLlamaServer() throws Exception {
        Path chart = TestSupport.repoRoot().resolve("charts/llama-server");
        ExternalTool.Run r = ExternalTool.run(
                dir,
                "helm",
                "template",
                "r",
                chart.toString(),
                "-f",
                valuesWithMmproj("download", null).toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        JsonNode deployment = HelmChartTest.documents(r.output()).stream()
                .filter(d -> d.path("kind").asText().equals("Deployment"))
                .findFirst()
                .orElseThrow();
        List<String> args = new ArrayList<>();
        deployment.at("/spec/template/spec/containers/0/args").forEach(a -> args.add(a.asText()));
        int at = args.indexOf("--mmproj");
        assertThat(at).as(String.join(" ", args)).isPositive();
        assertThat(args.get(at + 1))
                .isEqualTo("/models/gguf/models--acme--Tiny-Vision-GGUF--" + VISION_REVISION + "/mmproj-F16.gguf");
        assertThat(args).doesNotContain("--no-mmproj");
    }
}
