package eu.prositronic.llama;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import eu.prositronic.TestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The engine against every context llama.cpp v0.5.0 logged in tools/llama-measure/results/qwen35-cpu.jsonl (real
 * llama-server, its no-alloc --fit dry runs, and node-llama-cpp; each line holds the command that produced it):
 * KV cache + recurrent state within 1 %, compute buffer within 10 %, for every Qwen3.5 size.
 */
class RecordedLlamaCppTest {
    static List<LlamaCppRecord> records() throws Exception {
        Path file = TestSupport.repoRoot().resolve("tools/llama-measure/results/qwen35-cpu.jsonl");
        ObjectMapper json = new ObjectMapper();
        List<LlamaCppRecord> out = new ArrayList<>();
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
        return out;
    }

    @Test
    void kvCacheAndRecurrentStateWithinOnePerCentForEverySize() throws Exception {
        List<LlamaCppRecord> records = records();
        Set<String> sizes = new TreeSet<>();
        List<String> misses = new ArrayList<>();
        for (LlamaCppRecord r : records) {
            sizes.add(r.size());
            if (Math.abs(r.kvAndStateError()) > 1.0) {
                misses.add(r.size() + " " + r.config() + ": KV+RS " + (r.kv() + r.rs()) + " measured, "
                        + (r.predictedKv() + r.predictedRs()) + " predicted");
            }
            assertThat(r.predictedOutput())
                    .as("output buffer " + r.config())
                    .isCloseTo(r.output(), org.assertj.core.data.Offset.offset(6000L));
        }
        assertThat(sizes)
                .containsExactlyInAnyOrder("0.8B", "2B", "4B", "9B", "27B", "35B-A3B", "122B-A10B", "397B-A17B");
        assertThat(records).hasSizeGreaterThan(1000);
        assertThat(misses).isEmpty();
    }

    /** Within 10 % everywhere, but for the two cases {@link LlamaCppRecord#computeWithinTarget()} bounds apart. */
    @Test
    void computeBufferWithinTenPerCentForEverySize() throws Exception {
        List<String> misses = new ArrayList<>();
        List<LlamaCppRecord> records = records();
        for (LlamaCppRecord r : records) {
            if (!r.computeWithinTarget()) {
                misses.add(r.row());
            }
        }
        assertThat(records).hasSizeGreaterThan(1000);
        assertThat(misses).isEmpty();
    }
}
