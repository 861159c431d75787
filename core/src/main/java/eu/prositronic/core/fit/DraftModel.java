package eu.prositronic.core.fit;

import eu.prositronic.core.inventory.Deployment;
import eu.prositronic.core.inventory.DraftSetting;
import java.util.Optional;

/**
 * The draft model of speculative decoding as llama-server loads it: a second model ({@code --spec-draft-model}) on
 * the target's devices with {@code --spec-draft-ngl} of its units offloaded, and a second context whose KV cache holds
 * as many cells per sequence as the target's ({@code cparams.n_ctx = llama_n_ctx(ctx_tgt)}), with the same slots,
 * batch sizes and flash attention, its own cache types ({@code --spec-draft-type-k/-v}, which the plan sets to the
 * target's), one output per slot ({@code n_outputs_max = n_parallel}) and no recurrent snapshots ({@code n_rs_seq =
 * 0}). Its memory is computed by the same engine as the target's: weights, KV, recurrent state and compute on every
 * device, without a second runtime reserve (one process).
 *
 * @param model the draft model's memory model (catalog architecture and quantization)
 * @param gpuLayers the draft's {@code -ngl} units on the GPUs (0 on a CPU-only node)
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/common/speculative.cpp#L2466-L2501">common/speculative.cpp L2466-L2501 (common_base_params_to_speculative)</a>
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/common/speculative.cpp#L2542-L2576">common/speculative.cpp L2542-L2576 (the draft context: the target's n_ctx)</a>
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/tools/server/server-context.cpp#L1120-L1151">tools/server/server-context.cpp L1120-L1151 (load_model: spec_init)</a>
 */
public record DraftModel(MemoryModel model, DraftSetting setting, int gpuLayers) {

    public static Optional<DraftModel> of(Deployment d) {
        return d.draft().map(s -> {
            MemoryModel mm = new MemoryModel(
                    s.model().architecture(), WeightModel.of(s.model().architecture(), s.quant()));
            int ngl = d.node().hasGpu() ? s.gpuLayers().orElse(mm.allUnits()) : 0;
            return new DraftModel(mm, s, ngl);
        });
    }

    /** The draft context's settings, from the target's: same cells, slots, batches and flash attention. */
    RunSettings settings(RunSettings target) {
        return new RunSettings(
                target.nCtx(),
                target.nUbatch(),
                target.nBatch(),
                target.nSeq(),
                target.cacheTypeK(),
                target.cacheTypeV(),
                target.flashAttn(),
                target.kvUnified(),
                0,
                0,
                eu.prositronic.core.units.Bytes.ZERO,
                target.nSeq());
    }
}
