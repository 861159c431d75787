package eu.prositronic.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.sun.net.httpserver.HttpServer;
import eu.prositronic.TestSupport;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's verify features rendered by the real helm (ci/verify-values.yaml) and their scripts run for real here:
 * the helm test pod's script against a stand-in llama-server that answers /props and /metrics in the pinned build's
 * shape (tools/server/server-context.cpp get_res_props: default_generation_settings.n_ctx, total_slots), and the
 * init container's preflight against a stand-in nvidia-smi. No cluster here: the pods themselves have not run.
 */
@Tag("tool")
class HelmVerifyTest {
    static final Path CHART = TestSupport.repoRoot().resolve("charts/llama-server");

    static List<JsonNode> render(Path dir, String... set) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                "helm",
                "template",
                "r",
                CHART.toString(),
                "-f",
                CHART.resolve("ci/verify-values.yaml").toString()));
        for (String s : set) {
            cmd.addAll(List.of("--set", s));
        }
        ExternalTool.Run r = ExternalTool.run(dir, cmd.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.output()).isZero();
        List<JsonNode> docs = new ArrayList<>();
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        try (YAMLParser p = new YAMLFactory().createParser(r.output())) {
            yaml.readValues(p, JsonNode.class).forEachRemaining(d -> {
                if (d != null && !d.isNull() && !d.isEmpty()) {
                    docs.add(d);
                }
            });
        }
        return docs;
    }

    static JsonNode doc(List<JsonNode> docs, String kind, String name) {
        return docs.stream()
                .filter(d -> d.path("kind").asText().equals(kind)
                        && d.path("metadata").path("name").asText().equals(name))
                .findFirst()
                .orElseThrow();
    }

    static HttpServer server(String props) throws Exception {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/props", x -> {
            byte[] b = props.getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        s.createContext("/metrics", x -> {
            byte[] b = "# HELP llamacpp:prompt_tokens_total x\nllamacpp:prompt_tokens_total 0\n"
                    .getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        s.start();
        return s;
    }

    static ExternalTool.Run runTestPod(Path dir, List<JsonNode> docs, int port) throws Exception {
        JsonNode pod = doc(docs, "Pod", "r-llama-server-test-verify");
        String script = pod.path("spec")
                .path("containers")
                .get(0)
                .path("args")
                .get(0)
                .asText()
                .replace("http://r-llama-server:8080", "http://127.0.0.1:" + port);
        Path file = dir.resolve("verify-test.sh");
        Files.writeString(file, script);
        return ExternalTool.run(dir, Map.of(), "sh", file.toString());
    }

    static String props(int nCtx, int slots) {
        return "{\"default_generation_settings\":{\"params\":{\"n_predict\":-1,\"temperature\":0.8},\"n_ctx\":" + nCtx
                + "},\"total_slots\":" + slots + ",\"model_alias\":\"qwen3-5-4b\",\"build_info\":\"b7000\"}";
    }

    @Test
    void theHelmTestPassesWhenTheServerRunsThePlannedContextAndSlots(@TempDir Path dir) throws Exception {
        List<JsonNode> docs = render(dir);
        HttpServer s = server(props(131072, 2));
        try {
            ExternalTool.Run r = runTestPod(dir, docs, s.getAddress().getPort());
            assertThat(r.exitCode()).as(r.output()).isZero();
            assertThat(r.output())
                    .contains("context per slot: 131072 as planned", "slots: 2 as planned", "metrics: served");
        } finally {
            s.stop(0);
        }
    }

    @Test
    void theHelmTestFailsWithBothNumbersWhenTheServerRunsSomethingElse(@TempDir Path dir) throws Exception {
        List<JsonNode> docs = render(dir);
        HttpServer s = server(props(65536, 4));
        try {
            ExternalTool.Run r = runTestPod(dir, docs, s.getAddress().getPort());
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.output()).contains("context per slot: plan 131072, server 65536", "slots: plan 2, server 4");
        } finally {
            s.stop(0);
        }
    }

    @Test
    void theInitContainerRefusesWithTheNumbersWhenTheGpuIsTooFull(@TempDir Path dir) throws Exception {
        JsonNode deployment = doc(render(dir), "Deployment", "r-llama-server");
        JsonNode init = deployment
                .path("spec")
                .path("template")
                .path("spec")
                .path("initContainers")
                .get(0);
        assertThat(init.path("name").asText()).isEqualTo("gpu-preflight");
        assertThat(init.path("resources").path("limits").path("nvidia.com/gpu").asInt())
                .isEqualTo(1);
        ArrayNode args = (ArrayNode) init.path("args");
        Path bin = dir.resolve("bin");
        Files.createDirectories(bin);
        Path smi = bin.resolve("nvidia-smi");
        Files.writeString(smi, "#!/bin/sh\nprintf '%s\\n' '0, 10240, 24576'\n");
        Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
        ExternalTool.Run r = ExternalTool.run(
                dir,
                Map.of("PATH", bin + ":" + System.getenv("PATH")),
                "sh",
                "-c",
                args.get(0).asText(),
                args.get(1).asText(),
                args.get(2).asText(),
                args.get(3).asText(),
                args.get(4).asText());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.output().strip())
                .isEqualTo("r-llama-server: GPU 0 has 10240 MiB free of 24576 MiB; the plan"
                        + " needs 12195 MiB plus a reserve of 1024 MiB (13219 MiB). Stop what else uses the GPU (nvidia-smi"
                        + " lists it) or compile a plan that fits what is free.");
    }

    @Test
    void withoutVerifyThereIsNeitherInitContainerNorTestPod(@TempDir Path dir) throws Exception {
        List<JsonNode> docs = render(dir, "verify.enabled=false");
        JsonNode init = doc(docs, "Deployment", "r-llama-server")
                .path("spec")
                .path("template")
                .path("spec")
                .path("initContainers");
        // the model download may run as an init container; the preflight must not
        init.forEach(c -> assertThat(c.path("name").asText()).isNotEqualTo("gpu-preflight"));
        assertThat(docs).noneMatch(d -> d.path("metadata").path("name").asText().endsWith("test-verify"));
    }

    @Test
    void theChartAndTheAnsibleRoleShipTheSamePreflight() throws Exception {
        assertThat(Files.readString(CHART.resolve("files/gpu-preflight.sh")))
                .isEqualTo(Files.readString(
                        TestSupport.repoRoot().resolve("playbooks/roles/llama_server/files/llama-server-preflight")));
    }
}
