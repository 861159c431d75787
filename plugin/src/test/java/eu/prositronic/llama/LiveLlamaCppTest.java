package eu.prositronic.llama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import eu.prositronic.TestSupport;
import eu.prositronic.core.ggml.GgmlType;
import eu.prositronic.testkit.SyntheticGguf;
import eu.prositronic.tools.ExternalTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real llama.cpp that node-llama-cpp ships (release v0.5.0) on GGUFs with the exact tensor shapes of every
 * Qwen3.5 size (weights all zero, sparse files, Q5_0: neither the x86 repack nor the AMX kernels copy Q5_0 weights into
 * RAM, ggml-cpu/repack.cpp ggml_repack_get_optimal_repack_type and ggml-cpu/amx/common.h qtype_has_amx_kernels; at
 * Q8_0 a CPU with AMX copies the 27B's 28 GB into anonymous memory and the load fails), creates contexts at several
 * sizes, ubatches, cache types and slot counts, reads llama.cpp's own accounting and compares it with the engine.
 * Prints the table (and writes it to target/llama-cpp-comparison.md): this is also the benchmark command, see
 * tools/llama-measure/README.md. Set {@code -Dprositronic.llama.sizes=0.8B,4B} to run fewer sizes. The other test
 * covers every catalog model of every family through ctxprobe (llama.cpp's no-alloc dry run, as llama-server's
 * {@code --fit} makes it).
 */
@Tag("live") // runs the real llama.cpp (minutes): run by scripts/test, not by a plain mvn test
class LiveLlamaCppTest {
    /** The ctxprobe grid: five contexts a model (tools/llama-measure/probe.mjs grid "ci"). */
    static final String PROBE_GRID = "ci";

    /**
     * Every catalog model, every family: llama.cpp's no-alloc accounting (ctxprobe, contexts made as llama-server makes
     * them, exact bytes) on shape-exact Q5_0 files from the test kit against the engine: KV exact, compute within 5 %
     * ({@link LlamaCppRecord#computeWithinTarget()}), host weights within 2 %. By default the smallest model of every GGUF architecture in the catalog (six models,
     * about 30 s on 2 cores); {@code -Dprositronic.llama.models=all} runs every catalog model (about 5 minutes: the
     * 397B's tensor table alone takes a minute to load), or a comma-separated list of ids. Writes
     * plugin/target/llama-cpp-every-family.md.
     */
    /** The smallest catalog model (by parameters) of every GGUF architecture. */
    static List<String> smallestOfEveryFamily() {
        java.util.Map<String, eu.prositronic.core.catalog.ModelSpec> smallest = new java.util.TreeMap<>();
        for (var m : TestSupport.catalog().models().values()) {
            smallest.merge(
                    m.architecture().ggufArchitecture(),
                    m,
                    (x, y) -> x.parametersTotal() <= y.parametersTotal() ? x : y);
        }
        return smallest.values().stream()
                .map(eu.prositronic.core.catalog.ModelSpec::id)
                .toList();
    }

    @Test
    void theEngineMatchesLlamaCppForEveryFamily() throws Exception {
        Path measure = TestSupport.repoRoot().resolve("tools/llama-measure");
        if (!Files.isDirectory(measure.resolve("node_modules/node-llama-cpp"))) {
            fail("node-llama-cpp is not installed in tools/llama-measure; run scripts/install-test-tools.sh");
        }
        if (!Files.isExecutable(measure.resolve("build/ctxprobe"))) {
            ExternalTool.Run build = ExternalTool.run(measure, "sh", "build-ctxprobe.sh");
            assertThat(build.exitCode())
                    .as("build-ctxprobe.sh\n" + build.output())
                    .isZero();
        }
        String wanted = System.getProperty("prositronic.llama.models", "smallest");
        List<String> models = wanted.equals("smallest")
                ? smallestOfEveryFamily()
                : wanted.equals("all")
                        ? TestSupport.catalog().models().keySet().stream()
                                .sorted()
                                .toList()
                        : List.of(wanted.split(","));
        ObjectMapper json = new ObjectMapper();
        List<LlamaCppRecord> records = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (String id : models) {
            Path gguf = dir.resolve(id + "-q5_0.gguf");
            SyntheticGguf.writer(TestSupport.catalog().model(id).orElseThrow(), GgmlType.Q5_0)
                    .write(gguf);
            ExternalTool.Run run = ExternalTool.run(
                    measure,
                    "node",
                    "probe.mjs",
                    "--models",
                    id,
                    "--weights",
                    "q5_0",
                    "--grid",
                    PROBE_GRID,
                    "--keep",
                    dir.toString(),
                    "--print");
            Files.delete(gguf);
            assertThat(run.exitCode()).as(id + "\n" + run.output()).isZero();
            int lines = 0;
            for (String line : run.output().split("\n")) {
                if (!line.startsWith("{")) {
                    continue;
                }
                JsonNode out = json.readTree(line);
                assertThat(out.path("context_ok").asBoolean())
                        .as(id + " " + out.path("config") + ": " + out.path("error"))
                        .isTrue();
                LlamaCppRecord r = LlamaCppRecord.of(out);
                records.add(r);
                lines++;
                if (r.kv() + r.rs() != r.predictedKv() + r.predictedRs()
                        || !r.computeWithinTarget()
                        || !r.weightsWithinTarget()) {
                    failures.add(r.row());
                }
            }
            assertThat(lines).as(id + ": one line per context\n" + run.output()).isEqualTo(5);
        }
        StringBuilder table = new StringBuilder(
                "# The fit engine against llama.cpp v0.5.0 (ctxprobe, contexts as llama-server makes them, CPU)\n\n");
        table.append(LlamaCppRecord.TABLE_HEADER).append('\n');
        records.forEach(r -> table.append(r.row()).append('\n'));
        System.out.println(table);
        Path report = TestSupport.repoRoot().resolve("plugin/target/llama-cpp-every-family.md");
        Files.createDirectories(report.getParent());
        Files.writeString(report, table);
        assertThat(failures).as("contexts outside the target").isEmpty();
    }

    static final String SIZES = "0.8B,2B,4B,9B,27B,35B-A3B,122B-A10B,397B-A17B";

    /** ctx (total), batch (= ubatch in node-llama-cpp), parallel, K, V, flash attention. */
    static final List<Map<String, Object>> CONFIGS = List.of(
            Map.of(
                    "ctx",
                    4096,
                    "batch",
                    512,
                    "parallel",
                    1,
                    "cacheTypeK",
                    "f16",
                    "cacheTypeV",
                    "f16",
                    "flashAttn",
                    "on"),
            Map.of(
                    "ctx",
                    32768,
                    "batch",
                    512,
                    "parallel",
                    1,
                    "cacheTypeK",
                    "q8_0",
                    "cacheTypeV",
                    "q8_0",
                    "flashAttn",
                    "on"),
            Map.of(
                    "ctx",
                    16384,
                    "batch",
                    256,
                    "parallel",
                    4,
                    "cacheTypeK",
                    "q4_0",
                    "cacheTypeV",
                    "q4_0",
                    "flashAttn",
                    "on"),
            Map.of(
                    "ctx",
                    4096,
                    "batch",
                    1024,
                    "parallel",
                    1,
                    "cacheTypeK",
                    "f16",
                    "cacheTypeV",
                    "f16",
                    "flashAttn",
                    "off"));

    @TempDir
    Path dir;

    @Test
    void theEngineMatchesLlamaCppForEveryQwen35Size() throws Exception {
        Path measure = TestSupport.repoRoot().resolve("tools/llama-measure");
        if (!Files.isDirectory(measure.resolve("node_modules/node-llama-cpp"))) {
            fail("node-llama-cpp is not installed in tools/llama-measure; run scripts/install-test-tools.sh");
        }
        ObjectMapper json = new ObjectMapper();
        Path sweep = dir.resolve("sweep.json");
        json.writeValue(sweep.toFile(), CONFIGS);
        List<LlamaCppRecord> records = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (String size : System.getProperty("prositronic.llama.sizes", SIZES).split(",")) {
            Path gguf = dir.resolve("qwen35-" + size + "-q5_0.gguf");
            SyntheticGguf.writer(
                            TestSupport.catalog()
                                    .model(LlamaCppRecord.modelId(size))
                                    .orElseThrow(),
                            GgmlType.Q5_0)
                    .write(gguf);
            ExternalTool.Run run =
                    ExternalTool.run(measure, "node", "measure.mjs", gguf.toString(), "--sweep", sweep.toString());
            Files.delete(gguf);
            int lines = 0;
            for (String line : run.output().split("\n")) {
                if (!line.startsWith("{")) {
                    continue;
                }
                JsonNode out = json.readTree(line);
                assertThat(out.path("error").isNull() || out.path("error").isMissingNode())
                        .as(size + ": " + out.path("error"))
                        .isTrue();
                assertThat(out.path("context_ok").asBoolean())
                        .as(size + " " + out.path("options"))
                        .isTrue();
                JsonNode o = out.path("options");
                ObjectNode line2 = (ObjectNode) out;
                line2.put("harness", "node-llama-cpp");
                line2.put("size", size);
                line2.set(
                        "config",
                        json.valueToTree(Map.of(
                                "ctk", o.path("cacheTypeK").asText(),
                                "ctv", o.path("cacheTypeV").asText(),
                                "fa", o.path("flashAttn").asText(),
                                "np", o.path("parallel").asInt(),
                                "kvu", false,
                                "ctx",
                                        o.path("ctx").asInt()
                                                / o.path("parallel").asInt(),
                                "ub", o.path("batch").asInt())));
                LlamaCppRecord r = LlamaCppRecord.of(line2);
                records.add(r);
                lines++;
                if (Math.abs(r.kvAndStateError()) > 1.0 || !r.computeWithinTarget()) {
                    failures.add(r.row());
                }
            }
            assertThat(lines)
                    .as(size + ": one line per context\n" + run.output())
                    .isEqualTo(CONFIGS.size());
        }
        StringBuilder table =
                new StringBuilder("# The fit engine against llama.cpp v0.5.0 (node-llama-cpp 3.22.1, CPU)\n\n");
        table.append(LlamaCppRecord.TABLE_HEADER).append('\n');
        records.forEach(r -> table.append(r.row()).append('\n'));
        System.out.println(table);
        Path report = TestSupport.repoRoot().resolve("plugin/target/llama-cpp-comparison.md");
        Files.createDirectories(report.getParent());
        Files.writeString(report, table);
        assertThat(failures).as("contexts outside the target").isEmpty();
    }
}
