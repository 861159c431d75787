package eu.prositronic.core.fit;

import eu.prositronic.core.units.Bytes;

/**
 * The facts of llama.cpp that the fit engine mirrors, each with the source line it comes from. Paths are relative to
 * the llama.cpp tree of the release the pinned images are built from (see catalog images.yaml).
 *
 * <p>The pin: llama.cpp build {@code b11146}, release tag {@code v0.5.0}, commit
 * {@code 7fe450e19305b828c199d602c23a8337aaa1f03b} (the images' {@code /props} build_info reads b11146-7fe450e19).
 * Every llama.cpp citation in the fit engine, the inventory and docs/fit-engine.md is a permalink at that commit with
 * its line range. Rule: when the pin moves, re-verify every constant that links this commit (grep the hash).
 *
 * @see <a href="https://github.com/ggml-org/llama.cpp/releases/tag/b11146">llama.cpp b11146</a>
 */
public final class LlamaCpp {
    private LlamaCpp() {}

    /**
     * {@code n_ctx = GGML_PAD(n_ctx, 256)} for the KV cache (src/llama-context.cpp, llama_context ctor).
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-context.cpp#L288-L289">src/llama-context.cpp L288-L289</a>
     */
    public static final int CTX_PAD = 256;

    /**
     * Default {@code --fit-target}: free memory llama.cpp's --fit leaves on every device (common/common.h).
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/common/common.h#L480-L481">common/common.h L480-L481</a>
     */
    public static final Bytes FIT_TARGET = Bytes.ofMiB(1024);

    /**
     * Default {@code --fit-ctx}: the smallest context --fit will shrink to (common/common.h), per KV stream
     * (common/fit.cpp multiplies it by the number of streams).
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/common/common.h#L478-L478">common/common.h L478</a>
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/common/fit.cpp#L266-L268">common/fit.cpp L266-L268</a>
     */
    public static final int FIT_MIN_CTX = 4096;

    /**
     * Recurrent state tensors are always F32 (src/llama-model.cpp create_memory: GGML_TYPE_F32 for r and s).
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-model.cpp#L2634-L2651">src/llama-model.cpp L2634-L2651</a>
     */
    public static final int RECURRENT_STATE_BYTES_PER_ELEMENT = 4;

    /**
     * Logits are F32: {@code output_reserve} sizes n_vocab × n_outputs × sizeof(float) (src/llama-context.cpp).
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-context.cpp#L2107-L2158">src/llama-context.cpp L2107-L2158</a>
     */
    public static final int LOGIT_BYTES = 4;

    /**
     * The KQ mask is F16 when flash attention is on, F32 otherwise (src/llama-graph.cpp build_attn_inp_kq_mask).
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-graph.cpp#L38-L39">src/llama-graph.cpp L38-L39</a>
     */
    public static final int MASK_BYTES_FA = 2;

    public static final int MASK_BYTES_NO_FA = 4;

    /**
     * llama-server keeps {@code --ctx-checkpoints} (default 32 per slot) context checkpoints (common/common.h).
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/common/common.h#L629-L629">common/common.h L629</a>
     */
    public static final int SERVER_DEFAULT_CTX_CHECKPOINTS = 32;

    /**
     * {@code checkpoint_min_step}: llama-server's minimum spacing in tokens between ordinary context checkpoints
     * (common/common.h).
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/common/common.h#L631-L631">common/common.h L631</a>
     */
    public static final int CHECKPOINT_MIN_STEP = 8192;

    /**
     * Checkpoints llama-server may take closer than the minimum step: at the start of the last user message and
     * before the last {@code 4 + n_ubatch} and the last 4 prompt tokens (tools/server/server-context.cpp).
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/tools/server/server-context.cpp#L3550-L3576">tools/server/server-context.cpp L3550-L3576</a>
     */
    public static final int CHECKPOINTS_NEAR_PROMPT_END = 3;

    /**
     * llama-server's {@code --cache-ram} default: 8192 MiB of host RAM for the prompt cache (common/common.h).
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/common/common.h#L632-L632">common/common.h L632</a>
     */
    public static final Bytes SERVER_DEFAULT_CACHE_RAM = Bytes.ofMiB(8192);

    /**
     * The batch from which a GPU backend takes over ops whose weights sit in host memory ("op offload"): the weights
     * are copied into the GPU's compute buffer for the op. {@code GGML_OP_OFFLOAD_MIN_BATCH}, default 32
     * (ggml-cuda.cu; the scheduler asks the first GPU first, ggml-backend.cpp).
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/ggml/src/ggml-cuda/ggml-cuda.cu#L5599-L5618">ggml/src/ggml-cuda/ggml-cuda.cu L5599-L5618</a>
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/ggml/src/ggml-cuda/ggml-cuda.cu#L5788-L5788">ggml/src/ggml-cuda/ggml-cuda.cu L5788</a>
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/ggml/src/ggml-backend.cpp#L961-L981">ggml/src/ggml-backend.cpp L961-L981</a>
     */
    public static final int OP_OFFLOAD_MIN_BATCH = 32;

    public static long padContext(long nCtx) {
        return (nCtx + CTX_PAD - 1) / CTX_PAD * CTX_PAD;
    }

    public static long roundDownContext(long nCtx) {
        return nCtx / CTX_PAD * CTX_PAD;
    }
}
