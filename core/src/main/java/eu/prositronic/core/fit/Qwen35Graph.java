package eu.prositronic.core.fit;

import eu.prositronic.core.catalog.Architecture;
import eu.prositronic.core.catalog.LayerKind;

/**
 * The compute buffer of a Qwen3.5 graph ({@code qwen35}, {@code qwen35moe}): the graph's tensors, allocated and freed
 * in the order ggml-alloc meets them, replayed through {@link GgmlAllocator}. Its high-water mark depends on where
 * each tensor lands, not only on which are alive together: with several sequences the gated delta net's state read
 * ({@code n_embd_s × n_seqs}) and output ({@code d_inner × (n_tokens + n_embd_s/d_inner × n_seqs)}) no longer fit the
 * holes the conv stage leaves, and an attention block leaves a hole one residual row wide that pushes the FFN stage
 * after it up. A closed formula over stages missed both (up to −7 % and −11 %); this replay matches llama.cpp
 * v0.5.0's buffer to within 0.7 % on every recorded Qwen3.5 context (RecordedLlamaCppTest).
 *
 * <p>The order and the sizes are those of the graph builders, read at the pin and checked against ggml-alloc's own
 * allocation trace (a build of ggml-alloc.c with {@code GGML_ALLOCATOR_DEBUG}, tools/llama-measure README, "Where the
 * compute buffer's bytes go"). F32 activations, {@code T} tokens ({@code n_seq_tokens × n_seqs}), {@code E} = n_embd:
 *
 * <ul>
 *   <li>inputs, never or late freed: token ids, the input-embedding row ({@code 4·E·T}, the unused branch of {@code
 *       ggml_build_forward_select}), positions (4 per token, M-RoPE), K and V row indices (V per element without
 *       flash attention), the KQ mask and, with a quantized cache, the Hadamard rotations ({@code build_input_k_rot});
 *   <li>a linear-attention block (qwen35.cpp {@code build_layer_attn_linear}, delta-net-base.cpp {@code
 *       build_conv_state}, {@code build_recurrent_attn}): conv states, the QKV projection, the conv input with the
 *       states in front, the SSM state read, the conv output, q and k L2-normed, gate and beta, the fused gated delta
 *       net's output with the new states, the gated norm, z, its SiLU and the output projection;
 *   <li>a full-attention block (qwen35.cpp {@code build_layer_attn}, llama-graph.cpp {@code build_attn_mha}): Q with
 *       its gate, the Q/K norms, K, V, then flash attention's output, or without it the F32 scores {@code
 *       4·n_head·n_kv·T} and KQV; the gate and the output projection;
 *   <li>the FFN (qwen35.cpp {@code build_layer_ffn}: gate, up, SwiGLU, down) or the routed experts with the shared
 *       expert (qwen35moe.cpp {@code build_layer_ffn}, llama-graph.cpp {@code build_moe_ffn}).
 * </ul>
 *
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/models/qwen35.cpp#L133-L225">src/models/qwen35.cpp graph L133-L225</a>
 */
final class Qwen35Graph {
    private final Architecture a;

    Qwen35Graph(Architecture a) {
        this.a = a;
    }

    /**
     * The buffer's bytes for the worst-case ubatch of {@code sched_reserve}.
     *
     * @param nKv KV cells of one stream: the width of the KQ mask and of the scores
     * @param withOutput whether the device also runs the output projection
     */
    long bytes(RunSettings s, long nKv, boolean withOutput) {
        int seqs = Math.max(1, s.nSeq());
        long t = GraphInputs.tokens(s);
        long e = a.embeddingLength();
        long outs = s.graphOutputs();
        var at = a.attention();
        long q = (long) at.headCount() * at.keyLength();
        long kv = (long) at.headCountKv() * at.keyLength();
        boolean fa = s.flashAttn();
        boolean rotK = GraphInputs.rotatesK(a, s);
        boolean rotV = GraphInputs.rotatesV(a, s);
        GgmlAllocator m = new GgmlAllocator();

        // inputs: llama-graph.cpp build_inp_embd, build_inp_mem_hybrid (build_inp_rs, build_attn_inp_kv_impl),
        // build_inp_pos, build_inp_out_ids; llama-kv-cache.cpp build_input_k_idxs / v_idxs (L1409-L1430) and
        // build_input_k_rot / v_rot (L1440-L1478)
        // https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-graph.cpp#L2818-L2841
        // https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-kv-cache.cpp#L1409-L1478
        m.alloc("inp_tokens", 4 * t);
        m.alloc("inp_embd", 4 * e * t);
        m.alloc("rs_s_copy", 4L * seqs);
        m.alloc("k_rot", rotK ? GraphInputs.kRotationBytes(at.keyLength()) : 0);
        m.alloc("inp_pos", 16 * t);
        m.alloc("v_rot", rotV ? GraphInputs.V_ROTATION_BYTES : 0);
        m.alloc("k_idxs", 8 * t);
        m.alloc("v_idxs", fa ? 8 * t : 8 * kv * t);
        m.alloc("kq_mask", (fa ? LlamaCpp.MASK_BYTES_FA : LlamaCpp.MASK_BYTES_NO_FA) * nKv * t);
        m.alloc("out_ids", 4 * outs);
        m.alloc("residual", 4 * e * t);
        m.free("inp_tokens");

        int lastFull = -1;
        int lastRecurrent = -1;
        for (int il = 0; il < a.blockCount(); il++) {
            if (a.layerKind(il) == LayerKind.RECURRENT) {
                lastRecurrent = il;
            } else {
                lastFull = il;
            }
        }
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
            m.alloc("attn_norm", 4 * e * t);
            if (a.layerKind(il) == LayerKind.RECURRENT) {
                linearAttention(m, s, t, seqs, il == lastRecurrent);
            } else {
                attention(m, t, q, kv, nKv, fa, rotK, rotV, il == lastFull);
            }
            ffn(m, t);
        }
        long graph = m.maxSize();
        return withOutput ? Math.max(graph, GraphInputs.outputStage(a, s)) : graph;
    }

    /**
     * One linear-attention block: the conv stage, the fused gated delta net and the gated norm. The residual add is
     * in place in the residual (its other operand is a reshaped view).
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/models/qwen35.cpp#L335-L468">src/models/qwen35.cpp build_layer_attn_linear L335-L468</a>
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/models/delta-net-base.cpp#L449-L606">src/models/delta-net-base.cpp build_conv_state, build_recurrent_attn L449-L606</a>
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/ggml/src/ggml.c#L6366-L6420">ggml/src/ggml.c ggml_gated_delta_net L6366-L6420</a>
     */
    private void linearAttention(GgmlAllocator m, RunSettings s, long t, int seqs, boolean last) {
        var x = a.ssm().orElseThrow();
        long dInner = x.innerSize();
        long keyDim = (long) x.groupCount() * x.stateSize();
        long conv = 2 * keyDim + dInner;
        long vHeads = x.timeStepRank();
        long headV = dInner / vHeads;
        long nEmbdS = (long) x.stateSize() * dInner;
        long kernel = x.convKernel();
        m.alloc("conv_states", 4 * (kernel - 1) * conv * seqs);
        m.alloc("qkv_mixed", 4 * conv * t);
        // ggml_concat(conv_states, qkv_mixed): n_seq_tokens + kernel - 1 columns per sequence
        m.alloc("conv_input", 4 * conv * (t + (kernel - 1) * seqs));
        m.free("conv_states");
        m.free("qkv_mixed");
        m.alloc("state", 4 * nEmbdS * seqs);
        if (last) {
            m.free("rs_s_copy");
        }
        m.alloc("conv_output", 4 * conv * t);
        m.free("conv_input");
        m.alloc("q_conv", 4 * keyDim * t);
        m.alloc("k_conv", 4 * keyDim * t);
        m.alloc("alpha", 4 * vHeads * t);
        m.alloc("gate", 4 * vHeads * t);
        m.free("alpha");
        m.alloc("beta_proj", 4 * vHeads * t);
        m.alloc("beta", 4 * vHeads * t);
        m.free("beta_proj");
        // the fused op's output: the tokens' outputs, then (n_rs_seq + 1) new states per sequence
        m.alloc("gdn", 4 * dInner * (t + (1L + s.nRsSeq()) * headV * seqs));
        for (String n : new String[] {"q_conv", "k_conv", "conv_output", "gate", "beta", "state"}) {
            m.free(n);
        }
        m.alloc("gdn_norm", 4 * dInner * t);
        m.free("gdn");
        m.alloc("z", 4 * dInner * t);
        m.free("attn_norm");
        m.alloc("z_silu", 4 * dInner * t);
        m.free("z");
        m.free("z_silu");
        m.alloc("linear_attn_out", 4L * a.embeddingLength() * t);
        m.free("gdn_norm");
        m.free("linear_attn_out");
    }

    /**
     * One full-attention block. The residual add is in place in the output projection, which becomes the residual.
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/models/qwen35.cpp#L254-L333">src/models/qwen35.cpp build_layer_attn L254-L333</a>
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-graph.cpp#L2602-L2706">src/llama-graph.cpp build_attn_mha L2602-L2706</a>
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-graph.cpp#L2851-L2915">build_attn with the Hadamard rotations L2851-L2915</a>
     */
    private void attention(
            GgmlAllocator m, long t, long q, long kv, long nKv, boolean fa, boolean rotK, boolean rotV, boolean last) {
        long e = a.embeddingLength();
        m.alloc("q_full", 4 * 2 * q * t);
        m.alloc("q_norm", 4 * q * t);
        if (rotK) {
            m.alloc("q_rot", 4 * q * t);
            m.free("q_norm");
            m.inPlace("q_rot", "q_norm");
        }
        m.alloc("v", 4 * kv * t);
        if (rotV) {
            m.alloc("v_rotated", 4 * kv * t);
            m.free("v");
            m.inPlace("v_rotated", "v");
        }
        m.alloc("k", 4 * kv * t);
        m.free("attn_norm");
        m.alloc("k_norm", 4 * kv * t);
        m.free("k");
        if (rotK) {
            m.alloc("k_rotated", 4 * kv * t);
            m.free("k_norm");
            m.free("k_rotated");
        } else {
            m.free("k_norm");
        }
        m.free("v");
        if (fa) {
            m.alloc("attn", 4 * q * t);
            m.free("q_norm");
            if (rotV) {
                m.alloc("attn_rot", 4 * q * t);
                m.free("attn");
                m.inPlace("attn_rot", "attn");
            }
            m.alloc("gate", 4 * q * t);
            m.free("q_full");
            m.free("attn");
            if (last) {
                freeAttentionInputs(m);
            }
            m.alloc("attn_output", 4 * e * t);
            m.free("gate");
        } else {
            // the F32 scores of all heads: n_kv × n_seq_tokens × n_head × n_stream
            m.alloc("kq", 4L * a.attention().headCount() * nKv * t);
            m.free("q_norm");
            m.alloc("kqv", 4 * q * t);
            m.free("kq");
            m.alloc("attn_pregate", 4 * q * t);
            m.free("kqv");
            m.alloc("gate", 4 * q * t);
            m.free("q_full");
            m.free("gate");
            if (last) {
                freeAttentionInputs(m);
            }
            m.alloc("attn_output", 4 * e * t);
            m.free("attn_pregate");
        }
        m.free("residual");
        m.inPlace("attn_output", "residual");
    }

    private static void freeAttentionInputs(GgmlAllocator m) {
        for (String n : new String[] {"kq_mask", "inp_pos", "k_idxs", "v_idxs"}) {
            m.free(n);
        }
    }

    /**
     * The FFN after a block; its result becomes the residual (the add is in place).
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/models/qwen35.cpp#L470-L483">src/models/qwen35.cpp build_layer_ffn L470-L483</a>
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/models/qwen35moe.cpp#L494-L545">src/models/qwen35moe.cpp build_layer_ffn L494-L545</a>
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-graph.cpp#L1993-L2359">src/llama-graph.cpp build_moe_ffn L1993-L2359</a>
     */
    private void ffn(GgmlAllocator m, long t) {
        long e = a.embeddingLength();
        m.alloc("attn_post_norm", 4 * e * t);
        if (a.moe().isEmpty()) {
            long ff = a.feedForwardLength();
            m.alloc("ffn_gate", 4 * ff * t);
            m.alloc("ffn_up", 4 * ff * t);
            m.free("attn_post_norm");
            m.alloc("ffn_swiglu", 4 * ff * t);
            m.free("ffn_gate");
            m.free("ffn_up");
            m.alloc("ffn_out", 4 * e * t);
            m.free("ffn_swiglu");
        } else {
            var x = a.moe().get();
            long k = x.expertUsedCount();
            long experts = x.expertCount();
            long ff = x.expertFeedForwardLength();
            long shared = x.sharedExpertFeedForwardLength();
            m.alloc("moe_logits", 4 * experts * t);
            m.alloc("moe_argsort", 4 * experts * t);
            m.alloc("moe_weights", 4 * k * t);
            m.free("moe_logits");
            m.alloc("moe_weights_sum", 4 * t);
            m.alloc("moe_weights_norm", 4 * k * t);
            m.free("moe_weights");
            m.free("moe_weights_sum");
            m.alloc("moe_gate", 4 * ff * k * t);
            m.alloc("moe_up", 4 * ff * k * t);
            m.alloc("moe_swiglu", 4 * ff * k * t);
            m.free("moe_gate");
            m.free("moe_up");
            m.alloc("moe_down", 4 * e * k * t);
            m.free("moe_swiglu");
            m.free("moe_argsort");
            m.free("moe_weights_norm");
            // the sum over the selected experts' weighted rows
            m.alloc("ffn_out", 4 * e * t);
            m.free("moe_down");
            if (shared > 0) {
                m.alloc("shexp_gate", 4 * shared * t);
                m.alloc("shexp_up", 4 * shared * t);
                m.alloc("shexp_swiglu", 4 * shared * t);
                m.free("shexp_gate");
                m.free("shexp_up");
                m.alloc("shexp", 4 * e * t);
                m.free("shexp_swiglu");
                m.alloc("shared_expert_gate", 4 * t);
                m.free("attn_post_norm");
                m.free("shared_expert_gate");
                m.free("shexp");
            } else {
                m.free("attn_post_norm");
            }
        }
        m.free("residual");
        m.inPlace("ffn_out", "residual");
    }
}
