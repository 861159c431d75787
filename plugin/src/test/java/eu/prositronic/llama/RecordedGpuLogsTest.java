package eu.prositronic.llama;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import eu.prositronic.TestSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The engine against llama.cpp on GPUs: the public logs of tools/llama-measure/results/gpu-public-logs.jsonl (real
 * loads and --fit test allocations, CUDA and Vulkan) and the GPU kit's records (tools/gpu-measure/results/*.jsonl,
 * once a GPU machine has run tools/gpu-measure/run.sh). Prints one table row per context (see the test output) and
 * asserts the KV cache plus recurrent state per device exactly, the GPU compute (the issue's "Done when": within 10 %
 * of the GPU evidence), the host compute and the GPU weights of every context within {@link #BOUNDS}. Pass {@code
 * -Dprositronic.gpuReplay.bound.<term>=<per cent>} to try a bound.
 */
class RecordedGpuLogsTest {
    /** Per term: the largest relative error allowed, per cent; null = printed, not asserted. */
    static final Map<String, Double> BOUNDS = bounds(
            "gpuCompute", 10.0,
            "hostCompute", 5.0,
            "gpuWeights", 2.0);

    /** The contexts whose compute and weights the bounds apply to: all of them. */
    static final Predicate<GpuContext> COVERED = c -> true;

    /** Term, default, term, default, ...; a system property overrides a default. */
    private static Map<String, Double> bounds(Object... termsAndDefaults) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < termsAndDefaults.length; i += 2) {
            String term = (String) termsAndDefaults[i];
            String p = System.getProperty("prositronic.gpuReplay.bound." + term);
            double b = p != null ? Double.parseDouble(p) : (Double) termsAndDefaults[i + 1];
            out.put(term, Double.isNaN(b) ? null : b);
        }
        return out;
    }

    static List<GpuContext> contexts() throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<GpuContext> out = new ArrayList<>();
        Path logs = TestSupport.repoRoot().resolve("tools/llama-measure/results/gpu-public-logs.jsonl");
        for (String line : Files.readAllLines(logs)) {
            out.addAll(GpuContext.fromPublicLog(json.readTree(line)));
        }
        Path kit = TestSupport.repoRoot().resolve("tools/gpu-measure/results");
        if (Files.isDirectory(kit)) {
            try (Stream<Path> files = Files.list(kit)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".jsonl"))
                        .sorted()
                        .toList()) {
                    for (String line : Files.readAllLines(f)) {
                        JsonNode n = json.readTree(line);
                        GpuContext.fromKit(n).ifPresent(out::add);
                    }
                }
            }
        }
        return out;
    }

    @Test
    void kvCacheExactOnEveryDeviceAndTheOtherTermsWithinTheirBounds() throws IOException {
        List<GpuContext> contexts = contexts();
        StringBuilder table = new StringBuilder(GpuContext.TABLE_HEADER).append('\n');
        List<String> misses = new ArrayList<>();
        int covered = 0;
        for (GpuContext c : contexts) {
            table.append(c.row()).append('\n');
            if (COVERED.test(c)) {
                covered++;
                check(
                        misses,
                        c,
                        "gpuCompute",
                        c.predicted()[GpuContext.GPU].compute(),
                        c.measured()[GpuContext.GPU].compute());
                check(
                        misses,
                        c,
                        "hostCompute",
                        c.predicted()[GpuContext.HOST].compute(),
                        c.measured()[GpuContext.HOST].compute());
                check(
                        misses,
                        c,
                        "gpuWeights",
                        c.predicted()[GpuContext.GPU].weights(),
                        c.measured()[GpuContext.GPU].weights());
            }
            for (int dev : new int[] {GpuContext.GPU, GpuContext.HOST}) {
                if (!c.contextMatches(dev)) {
                    misses.add(String.format(
                            Locale.ROOT,
                            "%s %s: KV+RS %.2f MiB logged, %.2f predicted",
                            c.source(),
                            dev == GpuContext.GPU ? "GPU" : "host",
                            c.measured()[dev].context(),
                            c.predicted()[dev].context()));
                }
            }
        }
        System.out.println("RecordedGpuLogsTest: the engine against llama.cpp on GPUs (MiB); " + covered
                + " contexts covered by the bounds " + BOUNDS + "\n" + table);
        // the public logs alone: 4 real loads of Qwen3.5 9B (Vulkan), 1 of Llama 3.1 8B (CUDA) and its 4 --fit
        // test allocations, at full and partial offload
        assertThat(contexts).hasSizeGreaterThanOrEqualTo(9);
        assertThat(contexts).anyMatch(c -> c.ngl() < 33).anyMatch(c -> c.backend()
                .equals("cuda"));
        assertThat(misses).isEmpty();
    }

    /**
     * The kit's record format, read as the kit writes it: a real load of tools/gpu-measure/test/fake_llama_server.py
     * (the figures of a public Qwen3.5 9B log, named CUDA0) with the fake nvidia-smi beside it (6420 MiB for the
     * process), made by the kit's runner (gpu-kit-fake-record.jsonl; regenerate it with the runner test's setup).
     */
    @Test
    void aKitRecordIsReplayedWithItsRuntimeReserve() throws IOException {
        JsonNode line;
        try (var in = RecordedGpuLogsTest.class.getResourceAsStream("gpu-kit-fake-record.jsonl")) {
            line = new ObjectMapper().readTree(in);
        }
        GpuContext c = GpuContext.fromKit(line).orElseThrow();
        assertThat(c.modelId()).isEqualTo("qwen3-5-9b");
        assertThat(c.ngl()).isEqualTo(33);
        assertThat(c.measured()[GpuContext.GPU].context()).isEqualTo(306.25);
        assertThat(c.contextMatches(GpuContext.GPU)).isTrue();
        assertThat(c.contextMatches(GpuContext.HOST)).isTrue();
        assertThat(c.measured()[GpuContext.GPU].compute())
                .isCloseTo(416.16, org.assertj.core.data.Offset.offset(0.005));
        assertThat(c.measured()[GpuContext.HOST].compute())
                .isCloseTo(96.07 + 0.95, org.assertj.core.data.Offset.offset(0.005));
        assertThat(c.reserveMiB())
                .isCloseTo(6420 - 5133.63 - 306.25 - 416.16, org.assertj.core.data.Offset.offset(0.01));
        assertThat(c.row()).contains("| 564.0 |");
    }

    /**
     * The kit's records are tools/llama-measure's: its --fit dry runs with a CPU build of the bundled llama-server
     * (Qwen3.5 0.8B Q8_0, ctx 8192 and 32768, ub 512 and 2048, on the CPU machine: run.sh --server-bin ... --backend
     * cpu --models qwen3-5-0-8b --tiers core; gpu-kit-cpu-records.jsonl) read as {@link LlamaCppRecord}s, with KV
     * cache + recurrent state within 1 % and compute within the CPU replay's target.
     */
    @Test
    void theKitsRecordsOfACpuBuildReadAsTheCpuRecords() throws IOException {
        List<String> lines;
        try (var in = RecordedGpuLogsTest.class.getResourceAsStream("gpu-kit-cpu-records.jsonl")) {
            lines = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .lines()
                    .toList();
        }
        ObjectMapper json = new ObjectMapper();
        List<String> misses = new ArrayList<>();
        for (String line : lines) {
            LlamaCppRecord r = LlamaCppRecord.of(json.readTree(line));
            if (Math.abs(r.kvAndStateError()) > 1.0 || !r.computeWithinTarget()) {
                misses.add(r.row());
            }
        }
        assertThat(lines).hasSize(7);
        assertThat(misses).isEmpty();
    }

    private static void check(List<String> misses, GpuContext c, String term, double predicted, double measured) {
        Double bound = BOUNDS.get(term);
        Double error = GpuContext.error(predicted, measured);
        if (bound != null && error != null && Math.abs(error) > bound) {
            misses.add(String.format(
                    Locale.ROOT,
                    "%s %s: %.2f logged, %.2f predicted (%+.1f %%, bound %.0f %%)",
                    c.source(),
                    term,
                    measured,
                    predicted,
                    error,
                    bound));
        }
    }
}
