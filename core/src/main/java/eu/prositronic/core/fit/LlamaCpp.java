package eu.prositronic.core.fit;

import eu.prositronic.core.units.Bytes;

/**
 * The facts of llama.cpp that the fit engine mirrors, each with the source line it comes from. Paths are relative to
 * the llama.cpp tree of the release the pinned images are built from (see catalog images.yaml).
 */
public final class LlamaCpp {
    private LlamaCpp() {}

    /** {@code n_ctx = GGML_PAD(n_ctx, 256)} for the KV cache (src/llama-context.cpp, llama_context ctor). */
    public static final int CTX_PAD = 256;

    /** Default {@code --fit-target}: free memory llama.cpp's --fit leaves on every device (common/common.h). */
    public static final Bytes FIT_TARGET = Bytes.ofMiB(1024);

    /** Default {@code --fit-ctx}: the smallest context --fit will shrink to (common/common.h). */
    public static final int FIT_MIN_CTX = 4096;

    /** Recurrent state tensors are always F32 (src/llama-model.cpp create_memory: GGML_TYPE_F32 for r and s). */
    public static final int RECURRENT_STATE_BYTES_PER_ELEMENT = 4;

    /** Logits are F32: {@code output_reserve} sizes n_vocab × n_outputs × sizeof(float) (src/llama-context.cpp). */
    public static final int LOGIT_BYTES = 4;

    /** The KQ mask is F16 when flash attention is on, F32 otherwise (src/llama-graph.cpp build_attn_inp_kq_mask). */
    public static final int MASK_BYTES_FA = 2;

    public static final int MASK_BYTES_NO_FA = 4;

    /** llama-server keeps {@code --ctx-checkpoints} (default 32 per slot) context checkpoints (common/common.h). */
    public static final int SERVER_DEFAULT_CTX_CHECKPOINTS = 32;

    /** llama-server's {@code --cache-ram} default: 8192 MiB of host RAM for the prompt cache (common/common.h). */
    public static final Bytes SERVER_DEFAULT_CACHE_RAM = Bytes.ofMiB(8192);

    public static long padContext(long nCtx) {
        return (nCtx + CTX_PAD - 1) / CTX_PAD * CTX_PAD;
    }

    public static long roundDownContext(long nCtx) {
        return nCtx / CTX_PAD * CTX_PAD;
    }
}
