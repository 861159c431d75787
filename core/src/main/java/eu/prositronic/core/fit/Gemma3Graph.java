package eu.prositronic.core.fit;

import eu.prositronic.core.catalog.Architecture;
import eu.prositronic.core.catalog.LayerKind;

/**
 * The compute buffer of a Gemma 3 graph ({@code gemma3}): its tensors in the order ggml-alloc meets them, replayed
 * through {@link GgmlAllocator} (see {@link Qwen35Graph} for why a replay). The stage formula of the other families
 * left the attention block's hole before the FFN to a constant per model, which without flash attention and with
 * several slots is one residual row for the 12B but {@code n_embd + 2·n_head·head_dim} for the 4B and the 27B (best
 * fit decides); the replay matches llama.cpp v0.5.0 to the byte on the recorded contexts (RecordedLlamaCppTest).
 *
 * <p>Inputs: token ids, the input-embedding row, positions, and for each of the two KV caches (sliding window and full,
 * {@code build_attn_inp_kv_iswa}) its K and V row indices (V per element without flash attention), its KQ mask and,
 * with a quantized cache, its Hadamard rotations. A block: the attention norm, Q and K with their norms, V, then flash
 * attention's output, or the F32 scores {@code 4·n_head·n_kv·T} (n_kv of the layer's cache), KQV and its copy; the
 * output projection (the post-attention norm and the residual add are in place); the FFN norm, gate, up, GELU product
 * and down (post-FFN norm and add in place).
 *
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/models/gemma3.cpp#L82-L223">src/models/gemma3.cpp graph L82-L223</a>
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-graph.cpp#L3391-L3421">src/llama-graph.cpp build_attn_inp_kv_iswa L3391-L3421</a>
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-graph.cpp#L3089-L3174">build_attn (iSWA) with the Hadamard rotations L3089-L3174</a>
 */
final class Gemma3Graph {
    private final Architecture a;

    Gemma3Graph(Architecture a) {
        this.a = a;
    }

    /**
     * @param nKv KV cells of one stream of the full-attention cache
     * @param nKvSwa KV cells of one stream of the sliding-window cache
     */
    long bytes(RunSettings s, long nKv, long nKvSwa, boolean withOutput) {
        long t = GraphInputs.tokens(s);
        long e = a.embeddingLength();
        long ff = a.feedForwardLength();
        long outs = s.graphOutputs();
        var at = a.attention();
        long q = (long) at.headCount() * at.keyLength();
        long kv = (long) at.headCountKv() * at.keyLength();
        boolean fa = s.flashAttn();
        boolean rotK = GraphInputs.rotatesK(a, s);
        boolean rotV = GraphInputs.rotatesV(a, s);
        long maskBytes = fa ? LlamaCpp.MASK_BYTES_FA : LlamaCpp.MASK_BYTES_NO_FA;
        GgmlAllocator m = new GgmlAllocator();
        m.alloc("inp_tokens", 4 * t);
        m.alloc("inp_embd", 4 * e * t);
        m.alloc("inp_pos", 4 * t);
        for (String cache : new String[] {"swa", "full"}) {
            m.alloc("k_rot_" + cache, rotK ? GraphInputs.kRotationBytes(at.keyLength()) : 0);
            m.alloc("v_rot_" + cache, rotV ? GraphInputs.V_ROTATION_BYTES : 0);
            m.alloc("k_idxs_" + cache, 8 * t);
            m.alloc("v_idxs_" + cache, fa ? 8 * t : 8 * kv * t);
            m.alloc("kq_mask_" + cache, maskBytes * (cache.equals("swa") ? nKvSwa : nKv) * t);
        }
        m.alloc("out_ids", 4 * outs);
        // the embedding rows, scaled by sqrt(n_embd) in place: the first residual
        m.alloc("residual", 4 * e * t);
        m.free("inp_tokens");
        int period = a.attention().layerPattern().size();
        String before = null;
        for (int il = 0; il < a.blockCount(); il++) {
            if (il % period == 0 && il + period < a.blockCount()) {
                // the blocks repeat with the layer pattern: once a period starts from the state the previous one
                // started from, every later period repeats it; only the last period differs, by the frees of the
                // inputs after their last consumer, which open holes (no recorded context peaks there)
                String now = m.state();
                if (now.equals(before)) {
                    break;
                }
                before = now;
            }
            long cells = a.layerKind(il) == LayerKind.SLIDING ? nKvSwa : nKv;
            m.alloc("attn_norm", 4 * e * t);
            m.alloc("q", 4 * q * t);
            m.alloc("q_norm", 4 * q * t);
            m.free("q");
            if (rotK) {
                m.alloc("q_rot", 4 * q * t);
                m.free("q_norm");
                m.inPlace("q_rot", "q_norm");
            }
            m.alloc("k", 4 * kv * t);
            m.alloc("k_norm", 4 * kv * t);
            m.free("k");
            if (rotK) {
                m.alloc("k_rot", 4 * kv * t);
                m.free("k_norm");
                m.inPlace("k_rot", "k_norm");
            }
            m.alloc("v", 4 * kv * t);
            m.free("attn_norm");
            if (rotV) {
                m.alloc("v_rot", 4 * kv * t);
                m.free("v");
                m.inPlace("v_rot", "v");
            }
            m.free("k_norm");
            m.free("v");
            if (fa) {
                m.alloc("attn", 4 * q * t);
                m.free("q_norm");
                if (rotV) {
                    m.alloc("attn_rot", 4 * q * t);
                    m.free("attn");
                    m.inPlace("attn_rot", "attn");
                }
                m.alloc("attn_output", 4 * e * t);
                m.free("attn");
            } else {
                m.alloc("kq", 4L * at.headCount() * cells * t);
                m.free("q_norm");
                m.alloc("kqv", 4 * q * t);
                m.free("kq");
                m.alloc("kqv_out", 4 * q * t);
                m.free("kqv");
                m.alloc("attn_output", 4 * e * t);
                m.free("kqv_out");
            }
            m.free("residual");
            m.inPlace("attn_output", "residual");
            m.alloc("ffn_norm", 4 * e * t);
            m.alloc("ffn_gate", 4 * ff * t);
            m.alloc("ffn_up", 4 * ff * t);
            m.free("ffn_norm");
            m.alloc("ffn_geglu", 4 * ff * t);
            m.free("ffn_gate");
            m.free("ffn_up");
            m.alloc("ffn_out", 4 * e * t);
            m.free("ffn_geglu");
            m.free("residual");
            m.inPlace("ffn_out", "residual");
        }
        long graph = m.maxSize();
        return withOutput ? Math.max(graph, GraphInputs.outputStage(a, s)) : graph;
    }
}
