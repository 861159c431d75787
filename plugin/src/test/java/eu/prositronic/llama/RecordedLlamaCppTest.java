package eu.prositronic.llama;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import eu.prositronic.TestSupport;
import eu.prositronic.core.catalog.ModelSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The engine against every context llama.cpp v0.5.0 logged in tools/llama-measure/results/*.jsonl (each line holds
 * the command that produced it): Qwen3.5 through the real llama-server, its no-alloc --fit dry runs and
 * node-llama-cpp (qwen35-cpu.jsonl, log lines rounded to 0.01 MiB: KV + recurrent state within 1 %, compute within
 * 5 %); every catalog model through ctxprobe (results/&lt;arch&gt;-cpu.jsonl, qwen35-ctxprobe-cpu.jsonl, exact bytes:
 * KV exact, compute within 5 %, host weights within 2 %). Records of other harnesses in the same format (the GPU kit's) are replayed
 * too. Writes the per-model summary to plugin/target/llama-cpp-recorded.md.
 */
class RecordedLlamaCppTest {
    static List<LlamaCppRecord> records() throws Exception {
        Path dir = TestSupport.repoRoot().resolve("tools/llama-measure/results");
        ObjectMapper json = new ObjectMapper();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith("-cpu.jsonl")).sorted().toList();
        }
        List<LlamaCppRecord> out = new ArrayList<>();
        for (Path file : files) {
            for (String line : Files.readAllLines(file)) {
                JsonNode n = json.readTree(line);
                JsonNode measured = n.path("harness").asText().equals("node-llama-cpp")
                        ? n
                        : n.path("real").isObject() ? n.path("real") : n.path("dry_run");
                // contexts llama.cpp refused (a quantized V cache without flash attention) have no accounting
                boolean created = measured.path("cparams").path("n_seq_max").asInt() > 0;
                if (created
                        && measured.path("bytes").path("kv").isNumber()
                        && !n.path("config").path("npAuto").asBoolean()) {
                    out.add(LlamaCppRecord.of(n));
                }
            }
        }
        return out;
    }

    @Test
    void everyCatalogModelIsMeasured() throws Exception {
        Set<String> measured = new TreeSet<>();
        records().forEach(r -> measured.add(r.model()));
        assertThat(measured)
                .containsAll(TestSupport.catalog().models().values().stream()
                        .map(ModelSpec::id)
                        .toList());
    }

    @Test
    void kvCacheExactAndRecurrentStateWithinOnePerCentForEveryModel() throws Exception {
        List<LlamaCppRecord> records = records();
        List<String> misses = new ArrayList<>();
        for (LlamaCppRecord r : records) {
            long measured = r.kv() + r.rs();
            long predicted = r.predictedKv() + r.predictedRs();
            boolean ok = r.exact() ? predicted == measured : Math.abs(r.kvAndStateError()) <= 1.0;
            if (!ok) {
                misses.add(r.model() + " " + r.config() + ": KV+RS " + measured + " measured, " + predicted
                        + " predicted");
            }
            assertThat(r.predictedOutput())
                    .as("output buffer " + r.model() + " " + r.config())
                    .isCloseTo(r.output(), org.assertj.core.data.Offset.offset(6000L));
        }
        assertThat(records).hasSizeGreaterThan(1300);
        assertThat(misses).isEmpty();
    }

    /**
     * Within 5 % for every llama-server context of every family;
     * node-llama-cpp's in its band (see the record).
     */
    @Test
    void computeBufferWithinTargetForEveryModel() throws Exception {
        List<String> misses = new ArrayList<>();
        List<LlamaCppRecord> records = records();
        for (LlamaCppRecord r : records) {
            if (!r.computeWithinTarget()) {
                misses.add(r.row());
            }
        }
        Files.createDirectories(TestSupport.repoRoot().resolve("plugin/target"));
        Files.writeString(TestSupport.repoRoot().resolve("plugin/target/llama-cpp-recorded.md"), summary(records));
        assertThat(records).hasSizeGreaterThan(1300);
        assertThat(misses).isEmpty();
    }

    @Test
    void hostWeightsWithinTwoPerCentForEveryModel() throws Exception {
        List<String> misses = new ArrayList<>();
        int withWeights = 0;
        for (LlamaCppRecord r : records()) {
            if (r.weights() == 0) {
                continue;
            }
            withWeights++;
            if (!r.weightsWithinTarget()) {
                misses.add(r.row());
            }
        }
        assertThat(withWeights).isGreaterThan(300);
        assertThat(misses).isEmpty();
    }

    /** Per model: contexts, the largest KV miss, the compute error range and the host weights' error. */
    static String summary(List<LlamaCppRecord> records) {
        Map<String, List<LlamaCppRecord>> byModel = new TreeMap<>();
        for (LlamaCppRecord r : records) {
            byModel.computeIfAbsent(r.model(), k -> new ArrayList<>()).add(r);
        }
        StringBuilder b = new StringBuilder(
                "| model | harness | contexts | KV+RS largest miss | compute error min … max | compute largest miss |"
                        + " compute beyond ±5 % |"
                        + " host weights error |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        byModel.forEach((model, rs) -> {
            Map<String, List<LlamaCppRecord>> byHarness = new TreeMap<>();
            rs.forEach(r -> byHarness
                    .computeIfAbsent(r.harness(), k -> new ArrayList<>())
                    .add(r));
            byHarness.forEach((harness, list) -> {
                long kvMiss = list.stream()
                        .mapToLong(r -> Math.abs(r.kv() + r.rs() - r.predictedKv() - r.predictedRs()))
                        .max()
                        .orElse(0);
                double lo = list.stream()
                        .mapToDouble(LlamaCppRecord::computeError)
                        .min()
                        .orElse(0);
                double hi = list.stream()
                        .mapToDouble(LlamaCppRecord::computeError)
                        .max()
                        .orElse(0);
                String w = list.stream()
                        .filter(r -> r.weights() > 0)
                        .findFirst()
                        .map(r ->
                                String.format(Locale.ROOT, "%+.2f %%", r.weightsError()) + (r.tied() ? " (tied)" : ""))
                        .orElse("–");
                b.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %d | %s | %+.2f … %+.2f %% | %d B | %d | %s |%n",
                        model,
                        harness,
                        list.size(),
                        kvMiss == 0 ? "0 B" : kvMiss + " B",
                        lo,
                        hi,
                        list.stream()
                                .mapToLong(r -> Math.abs(r.predictedCompute() - r.compute()))
                                .max()
                                .orElse(0),
                        list.stream()
                                .filter(r -> Math.abs(r.computeError()) > 5.0)
                                .count(),
                        w));
            });
        });
        return b.toString();
    }
}
