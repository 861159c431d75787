package eu.prositronic.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import eu.prositronic.TestSupport;
import eu.prositronic.core.emit.ValuesEmitter;
import eu.prositronic.core.fit.DeploymentPlan;
import eu.prositronic.core.ggml.GgmlType;
import eu.prositronic.core.units.Bytes;
import eu.prositronic.core.verify.LlamaLog;
import eu.prositronic.testkit.SyntheticGguf;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real llama-server of the pinned llama.cpp (built once per source by tools/llama-measure/build-llama-server.sh from
 * the source node-llama-cpp bundles, CPU only, cached outside the clone) started on every command line the example
 * produces: the chart's container args (real {@code helm template} of each release as the fleet helmfile installs it,
 * and of each values file alone as {@code --state-values-file} installs it), the llama_server role's unit (real Ansible
 * renders its {@code ExecStart}, with an API key) and plan.json's {@code args}. Each must serve {@code /health} (503
 * while loading, then 200), {@code /v1/models} (the alias), {@code /props} (the planned context per slot and slot
 * count), {@code /metrics} exactly when {@code --metrics} is on, require its API key where it has one (401 without, 200
 * with; {@code /health}, which the chart's probes call, stays open), and log KV and recurrent-state buffers equal to
 * the plan to the MiB (to the 0.01 MiB llama.cpp prints).
 *
 * <p>What differs from a cluster, and why: the model files are the test kit's synthetic GGUFs (every tensor shape of
 * the catalog model, zero weights, sparse) at Q1_0 instead of the planned quant, which changes neither the KV cache nor
 * the recurrent state nor any flag (Q1_0 has no CPU repack on x86, so the file stays memory-mapped and a 27B model
 * costs under 4 GB of page cache); paths under {@code /models} and {@code /etc/llama-server} or {@code /run/secrets}
 * are taken below a temporary folder (the volumes' mount points); {@code --port} is a free port. Everything else is the
 * generated command line, contexts included (the log verbosity is raised through {@code LLAMA_ARG_LOG_VERBOSITY=4}:
 * at the pin's default llama-server does not print libllama's buffer lines); a GPU plan runs on the CPU build, so its
 * KV cache (all of it, in host
 * memory) is compared as a total. A command line whose KV cache, recurrent state and compute buffers do not fit the
 * machine's available memory fails with the numbers rather than run with a smaller context.
 *
 * <p>{@code -Dprositronic.llamaServer=<binary>} runs another llama-server build (a CUDA one on a GPU machine) instead of
 * building; {@code -Dprositronic.llama.cases=<text>[,<text>...]} runs only the command lines whose source contains one
 * of the texts.
 */
@Tag("live") // builds (once) and runs the real llama-server: run by scripts/test, not by a plain mvn test
class RealLlamaServerTest {
    @TempDir
    static Path out;

    static Path server;

    static final String API_KEY = "prositronic-test-key";

    /** One command line to run: where it comes from, the plan it must serve, its arguments as generated. */
    record Case(String source, DeploymentPlan plan, List<String> args) {}

    static final List<Case> CASES = new ArrayList<>();

    @BeforeAll
    static void buildServerAndCollectCommandLines() throws Exception {
        server = buildServer();
        Path root = out.resolve("root"); // stands for the container's and the unit's filesystem
        GeneratedExample.Output k8s = GeneratedExample.writeTo(out.resolve("k8s"));
        Path chart = k8s.dir().resolve("charts/llama-server");
        for (DeploymentPlan p : k8s.plan().deployments()) {
            CASES.add(new Case(
                    "chart release " + p.name() + " (" + p.valuesFile() + " + " + ValuesEmitter.releaseFile(p) + ")",
                    p,
                    chartArgs(
                            chart,
                            p.name(),
                            k8s.dir().resolve(p.valuesFile()),
                            k8s.dir().resolve(ValuesEmitter.releaseFile(p)))));
        }
        for (var page : k8s.plan().catalogPages().entrySet()) {
            CASES.add(new Case(
                    "chart values file " + page.getKey() + " alone",
                    page.getValue(),
                    chartArgs(chart, "page", k8s.dir().resolve(page.getKey()))));
        }
        GeneratedExample.Output units = GeneratedExample.writeSystemdServedTo(out.resolve("systemd"));
        Path ansible = units.dir().resolve("ansible");
        for (DeploymentPlan p : units.plan().deployments()) {
            String unit =
                    SystemdUnitFlagsTest.render(out, ansible, p, "podman", Map.of("llama_server_api_key", API_KEY));
            List<String> argv = SystemdUnitFlagsTest.execStart(unit, "llama-server-" + p.name() + ".service");
            int image = argv.indexOf(p.image().reference());
            assertThat(image).as(unit).isPositive();
            CASES.add(new Case(
                    "systemd unit llama-server-" + p.name() + ".service (with an API key)",
                    p,
                    argv.subList(image + 1, argv.size())));
        }
        JsonNode planJson =
                new ObjectMapper().readTree(units.dir().resolve("plan.json").toFile());
        for (DeploymentPlan p : units.plan().deployments()) {
            JsonNode d = null;
            for (JsonNode n : planJson.path("deployments")) {
                if (n.path("name").asText().equals(p.name())) {
                    d = n;
                }
            }
            assertThat(d).as(p.name() + " in plan.json").isNotNull();
            List<String> args = new ArrayList<>(List.of(
                    "--host",
                    "0.0.0.0",
                    "--port",
                    d.path("port").asText(),
                    "-m",
                    GeneratedExample.systemdCommandLine(p).get(5)));
            d.path("args").forEach(a -> args.add(a.asText()));
            CASES.add(new Case("plan.json " + p.name() + " (model file as the role downloads it)", p, args));
        }
        // the model files and the API key files where the command lines look for them
        Map<String, Path> ggufs = new LinkedHashMap<>();
        for (Case c : CASES) {
            String id = c.plan().model().id();
            if (!ggufs.containsKey(id)) {
                Path gguf = out.resolve("gguf/" + id + "-q1_0.gguf");
                Files.createDirectories(gguf.getParent());
                SyntheticGguf.writer(c.plan().model(), GgmlType.Q1_0).write(gguf);
                ggufs.put(id, gguf);
            }
            for (int i = 0; i + 1 < c.args().size(); i++) {
                String flag = c.args().get(i);
                Path at = mapped(root, c.args().get(i + 1));
                if ((flag.equals("--model") || flag.equals("-m")) && !Files.exists(at)) {
                    Files.createDirectories(at.getParent());
                    Files.createSymbolicLink(at, ggufs.get(id));
                } else if (flag.equals("--spec-draft-model") && !Files.exists(at)) {
                    // the draft model: a zero-weight file of its catalog model, like the target's
                    var draft = c.plan().deployment().draft().orElseThrow().model();
                    Path file = out.resolve("gguf/" + draft.id() + "-draft-q1_0.gguf");
                    if (!Files.exists(file)) {
                        SyntheticGguf.writer(draft, GgmlType.Q1_0).write(file);
                    }
                    Files.createDirectories(at.getParent());
                    Files.createSymbolicLink(at, file);
                } else if (flag.equals("--api-key-file") && !Files.exists(at)) {
                    Files.createDirectories(at.getParent());
                    Files.writeString(at, API_KEY + "\n");
                }
            }
        }
        assertThat(CASES)
                .hasSizeGreaterThanOrEqualTo(4 * k8s.plan().deployments().size());
    }

    /** Builds llama-server, or finds it built for this source; a failed build fails the test (CI included). */
    static Path buildServer() throws Exception {
        String given = System.getProperty("prositronic.llamaServer", "");
        if (!given.isEmpty()) {
            assertThat(Path.of(given)).as("-Dprositronic.llamaServer").isExecutable();
            return Path.of(given);
        }
        Path script = TestSupport.repoRoot().resolve("tools/llama-measure/build-llama-server.sh");
        Path log = out.resolve("build-llama-server.log");
        Process p = new ProcessBuilder("sh", script.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        // a cold build takes about 10 minutes on 2 cores; a loaded machine may need longer
        if (!p.waitFor(60, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail("building llama-server took over an hour\n" + Files.readString(log));
        }
        List<String> lines = Files.readAllLines(log);
        assertThat(p.exitValue())
                .as("tools/llama-measure/build-llama-server.sh (node-llama-cpp's bundled source; run"
                        + " scripts/install-test-tools.sh for it, cmake and g++)\n" + String.join("\n", lines))
                .isZero();
        Path bin = Path.of(lines.get(lines.size() - 1).trim());
        assertThat(bin).isExecutable();
        System.out.println("llama-server: " + bin);
        return bin;
    }

    static List<String> chartArgs(Path chart, String release, Path... values) throws Exception {
        List<String> command = new ArrayList<>(List.of("helm", "template", release, chart.toString()));
        for (Path v : values) {
            command.add("-f");
            command.add(v.toString());
        }
        ExternalTool.Run r = ExternalTool.run(out, command.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.output()).isZero();
        for (JsonNode doc : HelmChartTest.documents(r.output())) {
            if (doc.path("kind").asText().equals("Deployment")) {
                List<String> args = new ArrayList<>();
                doc.at("/spec/template/spec/containers/0/args").forEach(a -> args.add(a.asText()));
                JsonNode container = doc.at("/spec/template/spec/containers/0");
                assertThat(container.path("command").isMissingNode()
                                || container.path("command").isEmpty())
                        .as("the image's entrypoint (llama-server) runs the args")
                        .isTrue();
                return args;
            }
        }
        return fail("no Deployment in\n" + r.output());
    }

    /** A path of the container or unit taken below {@code root}; anything else unchanged. */
    static Path mapped(Path root, String value) {
        for (String prefix : List.of("/models/", "/etc/llama-server/", "/run/secrets/")) {
            if (value.startsWith(prefix)) {
                return root.resolve(value.substring(1));
            }
        }
        return Path.of(value);
    }

    @TestFactory
    Stream<DynamicTest> everyGeneratedCommandLineServesAsPlanned() {
        assertThat(CASES).isNotEmpty();
        String only = System.getProperty("prositronic.llama.cases", "");
        return CASES.stream()
                .filter(c -> only.isEmpty() || List.of(only.split(",")).stream().anyMatch(c.source()::contains))
                .map(c -> DynamicTest.dynamicTest(c.source(), () -> run(c)));
    }

    static void run(Case c) throws Exception {
        Path root = out.resolve("root");
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(server.toString());
        boolean apiKey = false;
        boolean metrics = false;
        for (int i = 0; i < c.args().size(); i++) {
            String a = c.args().get(i);
            boolean pathValue = i > 0
                    && List.of("--model", "-m", "--api-key-file", "--spec-draft-model")
                            .contains(c.args().get(i - 1));
            if (i > 0 && c.args().get(i - 1).equals("--port")) {
                command.add(String.valueOf(port));
            } else if (a.equals("--mmproj") || a.equals("--no-mmproj-offload")) {
                // no synthetic vision projector is built here (tools/llama-measure/mmproj_stub.py needs gguf-py and
                // numpy): the projector's flags are replaced by --no-mmproj, the rest runs as generated
                if (a.equals("--mmproj")) {
                    i++;
                    command.add("--no-mmproj");
                }
            } else if (pathValue) {
                command.add(mapped(root, a).toString());
            } else {
                command.add(a);
            }
            apiKey |= a.equals("--api-key-file");
            metrics |= a.equals("--metrics");
        }
        assertThat(c.args()).as("the generated port").contains("--port");
        DeploymentPlan p = c.plan();
        Bytes needed = p.memory().kvCache().plus(p.memory().recurrentState());
        for (var d : p.memory().devices()) {
            needed = needed.plus(d.compute());
        }
        needed = needed.plus(Bytes.ofMiB(768)); // the runtime, output buffer and page cache of the file's header
        long available = memAvailable();
        assertThat(available)
                .as(c.source() + ": the generated context needs " + needed.value() / Bytes.MIB
                        + " MiB of host memory (KV, recurrent state, compute) and the machine has "
                        + available / Bytes.MIB + " MiB available; this test runs the generated context, never a"
                        + " smaller one: free memory or run it on a larger machine")
                .isGreaterThanOrEqualTo(needed.value());

        // kept after the run: plugin/target/real-llama-server/<source>.log
        Path log = TestSupport.repoRoot()
                .resolve("plugin/target/real-llama-server/" + c.source().replaceAll("[^A-Za-z0-9.-]+", "_") + ".log");
        Files.createDirectories(log.getParent());
        long t0 = System.nanoTime();
        ProcessBuilder pb =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        // libllama's buffer lines are INFO, which llama-server's log shows from verbosity 4 (trace) at the pin
        // (common/log.cpp common_log_get_verbosity); the environment raises it and leaves the flags as generated
        pb.environment().put("LLAMA_ARG_LOG_VERBOSITY", "4");
        Process proc = pb.start();
        String context = c.source() + "\n" + String.join(" ", command);
        try {
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(2))
                    .build();
            String base = "http://127.0.0.1:" + port;
            // /health: 503 while the model loads, then 200
            List<Integer> health = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
            while (true) {
                if (!proc.isAlive()) {
                    fail(context + "\nllama-server exited with " + proc.exitValue() + "\n" + tail(log));
                }
                if (System.nanoTime() > deadline) {
                    fail(context + "\nnot healthy after 300 s: " + health + "\n" + tail(log));
                }
                Integer status = status(http, base + "/health", null);
                if (status != null
                        && (health.isEmpty() || !health.get(health.size() - 1).equals(status))) {
                    health.add(status);
                }
                if (status != null && status == 200) {
                    break;
                }
                Thread.sleep(20);
            }
            assertThat(health)
                    .as(context + "\n/health while loading, then loaded")
                    .containsExactly(503, 200);
            String key = apiKey ? API_KEY : null;

            HttpResponse<String> models = get(http, base + "/v1/models", key);
            assertThat(models.statusCode()).as(context + "\n" + models.body()).isEqualTo(200);
            JsonNode m = new ObjectMapper().readTree(models.body());
            assertThat(m.at("/data/0/id").asText())
                    .as(context)
                    .isEqualTo(p.model().id());

            HttpResponse<String> props = get(http, base + "/props", key);
            assertThat(props.statusCode()).as(context + "\n" + props.body()).isEqualTo(200);
            JsonNode pr = new ObjectMapper().readTree(props.body());
            assertThat(pr.at("/default_generation_settings/n_ctx").asLong())
                    .as(context + ": n_ctx per slot")
                    .isEqualTo(p.ctxPerSlot());
            assertThat(pr.path("total_slots").asInt())
                    .as(context + ": slots")
                    .isEqualTo(p.settings().nSeq());

            HttpResponse<String> metricsResponse = get(http, base + "/metrics", key);
            if (metrics) {
                assertThat(metricsResponse.statusCode()).as(context).isEqualTo(200);
                assertThat(metricsResponse.body()).as(context).contains("llamacpp:");
            } else {
                assertThat(metricsResponse.statusCode())
                        .as(context + ": /metrics without --metrics")
                        .isNotEqualTo(200);
            }

            if (apiKey) {
                for (String path : List.of("/v1/models", "/props", "/slots", "/metrics")) {
                    assertThat(status(http, base + path, null))
                            .as(context + ": " + path + " without the API key")
                            .isEqualTo(401);
                    assertThat(status(http, base + path, "wrong-" + API_KEY))
                            .as(context + ": " + path + " with a wrong API key")
                            .isEqualTo(401);
                }
                assertThat(status(http, base + "/health", null))
                        .as(context + ": the probes' /health needs no key")
                        .isEqualTo(200);
            } else {
                assertThat(status(http, base + "/props", null)).as(context).isEqualTo(200);
            }
        } finally {
            proc.destroy();
            if (!proc.waitFor(30, TimeUnit.SECONDS)) {
                proc.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
        LlamaLog parsed = LlamaLog.parse(Files.readAllLines(log, StandardCharsets.UTF_8));
        assertThat(parsed.nCtx()).as(context).contains(p.ctxSize());
        long kv = parsed.kv().values().stream().mapToLong(Long::longValue).sum();
        long rs =
                parsed.recurrent().values().stream().mapToLong(Long::longValue).sum();
        assertThat(parsed.kv()).as(context + "\n" + tail(log)).isNotEmpty();
        assertThat(kv)
                .as(context + ": KV cache in llama.cpp's log (" + parsed.kv() + ") against the plan")
                .isCloseTo(p.memory().kvCache().value(), org.assertj.core.data.Offset.offset(Bytes.MIB / 100));
        assertThat(rs)
                .as(context + ": recurrent state in llama.cpp's log (" + parsed.recurrent() + ") against the plan")
                .isCloseTo(p.memory().recurrentState().value(), org.assertj.core.data.Offset.offset(Bytes.MIB / 100));
        System.out.printf(
                "%s: healthy, KV %.2f MiB, RS %.2f MiB as planned, n_ctx %d, %d s%n",
                c.source(),
                kv / (double) Bytes.MIB,
                rs / (double) Bytes.MIB,
                p.ctxSize(),
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0));
    }

    static HttpResponse<String> get(HttpClient http, String url, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .GET();
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The status of a GET, or null while nothing listens. */
    static Integer status(HttpClient http, String url, String key) throws Exception {
        try {
            return get(http, url, key).statusCode();
        } catch (IOException e) {
            return null;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static long memAvailable() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemAvailable:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return Long.MAX_VALUE;
    }

    static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
