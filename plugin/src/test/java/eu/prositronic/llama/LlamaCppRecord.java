package eu.prositronic.llama;

import com.fasterxml.jackson.databind.JsonNode;
import eu.prositronic.TestSupport;
import eu.prositronic.core.catalog.ModelSpec;
import eu.prositronic.core.fit.Layout;
import eu.prositronic.core.fit.LlamaCpp;
import eu.prositronic.core.fit.MemoryModel;
import eu.prositronic.core.fit.RunSettings;
import eu.prositronic.core.fit.WeightModel;
import eu.prositronic.core.inventory.CacheType;
import eu.prositronic.core.units.Bytes;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One context llama.cpp created, as tools/llama-measure records it (a JSON line), next to the engine's prediction for
 * the same settings. A line names its catalog model by {@code model} (the Qwen3.5 lines of results/qwen35-cpu.jsonl
 * by their {@code size} label only). Harnesses: {@code node-llama-cpp} (its own context settings), {@code
 * llama-server} and {@code llama-server-dry-run} (the real server, log lines rounded to 0.01 MiB) and {@code
 * ctxprobe-dry-run} (contexts made as llama-server makes them, exact bytes of llama_get_memory_breakdown, with the
 * host weights of the file: {@code file_bytes}, {@code weights}); a line with a {@code real} object was allocated.
 * {@code weights} and {@code predictedWeights} are 0 where a line has no model bytes.
 */
record LlamaCppRecord(
        String harness,
        String model,
        String arch,
        String size,
        String config,
        String command,
        boolean tied,
        long kv,
        long rs,
        long compute,
        long output,
        long weights,
        long predictedKv,
        long predictedRs,
        long predictedCompute,
        long predictedOutput,
        long predictedWeights,
        long predictedOutputWeights) {

    /** The catalog id of a Qwen3.5 size label: {@code 35B-A3B} → {@code qwen3-5-35b-a3b}. */
    static String modelId(String size) {
        return "qwen3-5-" + size.toLowerCase(Locale.ROOT).replace('.', '-');
    }

    /** The catalog model of a line: {@code model}, or the Qwen3.5 size label of the older lines. */
    static String modelOf(JsonNode line) {
        return line.hasNonNull("model")
                ? line.path("model").asText()
                : modelId(line.path("size").asText());
    }

    /**
     * The engine's quant of a synthetic file's weight types: {@code q5_0} → {@code Q5_0}; routed experts at MXFP4
     * ({@code q5_0+mxfp4}) → {@code MXFP4}, the name of llama-quantize's MXFP4_MOE.
     */
    static String quantOf(String weights) {
        String w = weights.toUpperCase(Locale.ROOT);
        return w.endsWith("+MXFP4") ? "MXFP4" : w;
    }

    static LlamaCppRecord of(JsonNode line) {
        String harness = line.path("harness").asText();
        JsonNode measured = harness.equals("node-llama-cpp")
                ? line
                : line.path("real").isObject() ? line.path("real") : line.path("dry_run");
        JsonNode c = line.path("config");
        JsonNode cp = measured.path("cparams");
        String modelId = modelOf(line);
        ModelSpec m = TestSupport.catalog().model(modelId).orElseThrow();
        int nSeq = cp.path("n_seq_max").asInt();
        boolean unified = cp.path("kv_unified").asText().equals("true");
        // llama-server reserves one output per slot; node-llama-cpp leaves n_outputs_max at n_batch
        int outputsMax = harness.equals("node-llama-cpp") ? cp.path("n_batch").asInt() : nSeq;
        long nCtx = harness.equals("node-llama-cpp")
                ? cp.path("n_ctx").asLong()
                : LlamaCpp.padContext(c.path("ctx").asLong());
        RunSettings s = new RunSettings(
                nCtx,
                cp.path("n_ubatch").asInt(),
                cp.path("n_batch").asInt(),
                nSeq,
                CacheType.fromFlag(c.path("ctk").asText()),
                CacheType.fromFlag(c.path("ctv").asText()),
                cp.path("flash_attn").asText().equals("enabled"),
                unified,
                0,
                0,
                Bytes.ZERO,
                outputsMax);
        JsonNode b = measured.path("bytes");
        long weights = b.path("model").asLong();
        boolean hasWeights = weights > 0 && line.path("file_bytes").asLong() > 0;
        ModelSpec.QuantFile q = hasWeights
                ? new ModelSpec.QuantFile(
                        quantOf(line.path("weights").asText()),
                        "synthetic",
                        modelId + "-" + line.path("weights").asText() + ".gguf",
                        Bytes.of(line.path("file_bytes").asLong()),
                        Optional.empty(),
                        "tools/llama-measure probe.mjs (test kit, sparse)",
                        Optional.empty())
                : m.quantizations().get(0);
        MemoryModel mm = new MemoryModel(m.architecture(), WeightModel.of(m.architecture(), q));
        long predictedWeights = 0;
        if (hasWeights) {
            // the engine's host weights of a CPU-only run (no GPU)
            predictedWeights = mm.devices(
                            s,
                            Layout.cpuOnly(),
                            List.of(),
                            List.of(),
                            Bytes.of(Long.MAX_VALUE / 4),
                            Bytes.ZERO,
                            Bytes.ZERO)
                    .get(0)
                    .weights()
                    .value();
        }
        return new LlamaCppRecord(
                harness,
                modelId,
                m.architecture().ggufArchitecture(),
                line.path("size").asText(),
                c.toString(),
                line.path("command").asText(),
                m.architecture().tiedEmbeddings(),
                b.path("kv").asLong(),
                b.path("rs").asLong(),
                b.path("compute").asLong(),
                b.path("output").asLong(),
                hasWeights ? weights : 0,
                mm.kvBytes(s),
                mm.recurrentBytes(s),
                mm.graphBytesCpuOnly(s),
                mm.outputBufferBytes(s),
                predictedWeights,
                mm.weights().output().value());
    }

    /** Whether llama.cpp's figures are exact bytes (not log lines rounded to 0.01 MiB). */
    boolean exact() {
        return harness.equals("ctxprobe-dry-run");
    }

    double weightsError() {
        return error(predictedWeights, weights);
    }

    /**
     * Host weights within 2 %. On a CPU-only host a tied model's output is token_embd itself (TENSOR_DUPLICATED creates
     * no second buffer) and the engine counts it once, so tied models need no exception.
     */
    boolean weightsWithinTarget() {
        return Math.abs(weightsError()) <= 2.0;
    }

    /** Relative error of a prediction, in per cent; 0 when both are 0. */
    static double error(long predicted, long measured) {
        if (measured == 0) {
            return predicted == 0 ? 0 : 100;
        }
        return 100.0 * (predicted - measured) / measured;
    }

    double kvAndStateError() {
        return error(predictedKv + predictedRs, kv + rs);
    }

    double computeError() {
        return error(predictedCompute, compute);
    }

    /**
     * The compute target: within 5 % for every llama-server context (exact records from ctxprobe and the real
     * llama-server's log lines), every family. node-llama-cpp reserves logits for every ubatch token
     * (n_outputs_max = n_batch), and whether ggml-alloc reuses the KQ mask's block for them varies between models: the
     * measurement lies between the engine's figure (logits placed low) and that figure plus the mask (each within 10
     * %). llama-server reserves one output per slot.
     */
    boolean computeWithinTarget() {
        if (harness.equals("node-llama-cpp")) {
            JsonNode c = configNode();
            long mask = 2L
                    * c.path("ctx").asLong()
                    * Math.max(1, c.path("np").asLong())
                    * c.path("ub").asLong();
            return compute >= predictedCompute * 0.9 && compute <= (predictedCompute + mask) * 1.1;
        }
        return Math.abs(computeError()) <= 5.0;
    }

    private JsonNode configNode() {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(config);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A row of the comparison table. */
    String row() {
        return String.format(
                Locale.ROOT,
                "| %s | %s | %s | %.2f | %.2f | %+.2f %% | %.2f | %.2f | %+.2f %% | %s |",
                harness,
                model,
                config,
                (kv + rs) / (double) Bytes.MIB,
                (predictedKv + predictedRs) / (double) Bytes.MIB,
                kvAndStateError(),
                compute / (double) Bytes.MIB,
                predictedCompute / (double) Bytes.MIB,
                computeError(),
                weights == 0
                        ? "–"
                        : String.format(
                                Locale.ROOT,
                                "%.2f / %.2f (%+.2f %%)",
                                weights / (double) Bytes.MIB,
                                predictedWeights / (double) Bytes.MIB,
                                weightsError()));
    }

    static final String TABLE_HEADER =
            "| harness | model | configuration | KV+RS llama.cpp MiB | KV+RS ours MiB | error |"
                    + " compute llama.cpp MiB | compute ours MiB | error | host weights llama.cpp / ours MiB |\n"
                    + "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |";
}
