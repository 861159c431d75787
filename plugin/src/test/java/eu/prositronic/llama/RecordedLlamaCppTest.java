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

    /**
     * Within 10 % everywhere, with two cases the model does not reach, each bounded by its own check:
     *
     * <ul>
     *   <li>flash attention off with one KV stream per slot (several slots): the attention stage of the multi-stream
     *       graph is not modelled; measured misses are underestimates of at most 11 % (the planner never chooses
     *       flash attention off by itself);
     *   <li>node-llama-cpp reserves logits for every ubatch token (n_outputs_max = n_batch), and whether ggml-alloc
     *       reuses the KQ mask's block for them varies between models: the measurement lies between the largest
     *       stage and the largest stage plus the mask (each within 10 %). llama-server reserves one output per slot and never hits this.
     * </ul>
     */
    @Test
    void computeBufferWithinTenPerCentForEverySize() throws Exception {
        List<String> misses = new ArrayList<>();
        int checked = 0;
        for (LlamaCppRecord r : records()) {
            com.fasterxml.jackson.databind.JsonNode c = new ObjectMapper().readTree(r.config());
            boolean faOffMultiStream = c.path("fa").asText().equals("off")
                    && c.path("np").asInt() > 1
                    && !c.path("kvu").asBoolean();
            boolean nodeManyOutputs = r.harness().equals("node-llama-cpp");
            double error = r.computeError();
            boolean ok;
            if (faOffMultiStream) {
                ok = error >= -11.0 && error <= 10.0;
            } else if (nodeManyOutputs) {
                long ctx = c.path("ctx").asLong() * Math.max(1, c.path("np").asLong());
                long mask = 2L * ctx * c.path("ub").asLong();
                ok = r.compute() >= r.predictedCompute() * 0.9 && r.compute() <= (r.predictedCompute() + mask) * 1.1;
            } else {
                ok = Math.abs(error) <= 10.0;
            }
            checked++;
            if (!ok) {
                misses.add(String.format(
                        java.util.Locale.ROOT,
                        "%s %s %s: compute %d measured, %d predicted (%+.1f %%)",
                        r.harness(),
                        r.size(),
                        r.config(),
                        r.compute(),
                        r.predictedCompute(),
                        error));
            }
        }
        assertThat(checked).isGreaterThan(1000);
        assertThat(misses).isEmpty();
    }
}
