package eu.prositronic.core.fit;

import eu.prositronic.core.catalog.Architecture;

/**
 * What every replayed graph (Qwen35Graph, Gemma3Graph) and the stage formulas (ComputeModel) read the same way: the
 * tokens a graph is reserved for, whether the KV cache rotates K or V, the rotation matrices' bytes, and the output
 * stage.
 */
final class GraphInputs {
    private GraphInputs() {}

    /**
     * The tokens of a reserved graph: graph_reserve rounds n_tokens up to a multiple of n_seqs.
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-context.cpp#L2492-L2495">src/llama-context.cpp L2492-L2495</a>
     */
    static long tokens(RunSettings s) {
        int seqs = Math.max(1, s.nSeq());
        return (s.graphTokens() + seqs - 1) / seqs * seqs;
    }

    /**
     * A quantized K cache with a head size that is a multiple of 64 is Hadamard-rotated ({@code attn_rot_k}).
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-kv-cache.cpp#L321-L338">src/llama-kv-cache.cpp attn_rot_k, attn_rot_v L321-L338</a>
     */
    static boolean rotatesK(Architecture a, RunSettings s) {
        return s.cacheTypeK().quantized() && a.attention().keyLength() % 64 == 0;
    }

    /** The same for a quantized V cache ({@code attn_rot_v}). */
    static boolean rotatesV(Architecture a, RunSettings s) {
        return s.cacheTypeV().quantized() && a.attention().valueLength() % 64 == 0;
    }

    /** The K rotation matrix (F32): its side is the largest power of two from 64 up that divides the head size. */
    static long kRotationBytes(int headSize) {
        long side = 64;
        do {
            side *= 2;
        } while (headSize % side == 0);
        side /= 2;
        return 4 * side * side;
    }

    /** The V rotation matrix (F32, 64 × 64). */
    static final long V_ROTATION_BYTES = 4 * 64 * 64;

    /**
     * The output stage, placed low (the blocks' tensors are freed by then): the input-embedding row, the last
     * residual, out_ids, result_norm of the outputs and the F32 logits; the same in both replayed families.
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/models/qwen35.cpp#L204-L224">src/models/qwen35.cpp L204-L224</a>
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/models/gemma3.cpp#L198-L222">src/models/gemma3.cpp L198-L222</a>
     */
    static long outputStage(Architecture a, RunSettings s) {
        long t = tokens(s);
        long e = a.embeddingLength();
        long outs = s.graphOutputs();
        return 8 * e * t + 4 * outs + 4 * outs * (a.vocabSize() + e);
    }
}
