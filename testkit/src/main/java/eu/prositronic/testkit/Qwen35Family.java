package eu.prositronic.testkit;

import eu.prositronic.core.catalog.Architecture;
import eu.prositronic.core.catalog.LayerKind;
import eu.prositronic.core.gguf.GgufValue;
import eu.prositronic.testkit.ModelTensors.Kind;
import eu.prositronic.testkit.ModelTensors.Spec;
import java.util.ArrayList;
import java.util.List;

/**
 * Qwen3.5 ({@code qwen35}, {@code qwen35moe}): Gated DeltaNet blocks with a full gated-attention block every
 * {@code full_attention_interval}. Names and shapes follow {@code load_arch_tensors} in src/models/qwen35.cpp and
 * src/models/qwen35moe.cpp (llama.cpp v0.5.0 as bundled with node-llama-cpp 3.22.1), metadata keys those of
 * conversion/qwen.py (Qwen3_5TextModel).
 *
 * <p>Per layer: attn_norm, post_attention_norm; attention layers: attn_q {E, 2*H*hd} (query plus output gate), attn_k,
 * attn_v {E, Hkv*hd}, attn_output {H*hd, E}, attn_q_norm, attn_k_norm {hd}; linear-attention layers: attn_qkv {E,
 * 2*G*S + V*S}, attn_gate {E, V*S}, ssm_conv1d {K, conv_dim}, ssm_dt.bias {V}, ssm_a {V}, ssm_beta {E, V}, ssm_alpha
 * {E, V}, ssm_norm {S}, ssm_out {V*S, E}; dense FFN ffn_gate/ffn_up {E, F}, ffn_down {F, E}; MoE ffn_gate_inp {E, X},
 * ffn_gate_exps/ffn_up_exps {E, f, X}, ffn_down_exps {f, E, X}, ffn_gate_inp_shexp {E}, ffn_gate_shexp/ffn_up_shexp
 * {E, s}, ffn_down_shexp {s, E}. No MTP (NextN) block is generated.
 *
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/models/qwen35.cpp#L33-L124">src/models/qwen35.cpp L33-L124</a>
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/models/qwen35moe.cpp#L36-L147">src/models/qwen35moe.cpp L36-L147</a>
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/conversion/qwen.py#L637-L641">conversion/qwen.py L637-L641</a>
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/conversion/qwen.py#L375-L392">conversion/qwen.py L375-L392</a>
 */
final class Qwen35Family implements Family {
    /** Constants of every Qwen3.5 size (config.json): partial RoPE over 64 dims, theta 1e7, RMS eps 1e-6. */
    static final int ROPE_DIMENSION_COUNT = 64;

    static final float ROPE_FREQ_BASE = 1.0e7f;
    static final float RMS_EPS = 1.0e-6f;

    @Override
    public List<String> architectures() {
        return List.of("qwen35", "qwen35moe");
    }

    /** Block il is full attention where the catalog's pattern says so: {@code (il+1) % interval == 0}. */
    static int fullAttentionInterval(Architecture a) {
        List<LayerKind> p = a.attention().layerPattern();
        if (p.get(p.size() - 1) != LayerKind.FULL || p.subList(0, p.size() - 1).contains(LayerKind.FULL)) {
            throw new IllegalArgumentException(a.ggufArchitecture() + " needs a layer pattern of recurrent blocks"
                    + " ending in one full block, not " + p);
        }
        return p.size();
    }

    @Override
    public void metadata(GgufWriter w, Architecture a) {
        String k = a.ggufArchitecture();
        Architecture.Ssm s = ssm(a);
        w.putFloat32(k + ".attention.layer_norm_rms_epsilon", RMS_EPS);
        w.putUint32(k + ".rope.dimension_count", ROPE_DIMENSION_COUNT);
        w.putFloat32(k + ".rope.freq_base", ROPE_FREQ_BASE);
        w.put(k + ".rope.dimension_sections", GgufValue.int32Array(11, 11, 10, 0));
        w.putUint32(k + ".ssm.conv_kernel", s.convKernel());
        w.putUint32(k + ".ssm.state_size", s.stateSize());
        w.putUint32(k + ".ssm.group_count", s.groupCount());
        w.putUint32(k + ".ssm.time_step_rank", s.timeStepRank());
        w.putUint32(k + ".ssm.inner_size", s.innerSize());
        w.putUint32(k + ".full_attention_interval", fullAttentionInterval(a));
        a.moe().ifPresent(m -> {
            w.putUint32(k + ".expert_count", m.expertCount());
            w.putUint32(k + ".expert_used_count", m.expertUsedCount());
            w.putUint32(k + ".expert_feed_forward_length", m.expertFeedForwardLength());
            w.putUint32(k + ".expert_shared_feed_forward_length", m.sharedExpertFeedForwardLength());
        });
    }

    private static Architecture.Ssm ssm(Architecture a) {
        return a.ssm().orElseThrow(() -> new IllegalArgumentException(a.ggufArchitecture() + " needs the `ssm` sizes"));
    }

    @Override
    public List<Spec> tensors(Architecture a) {
        fullAttentionInterval(a);
        Architecture.Ssm s = ssm(a);
        Architecture.Attention at = a.attention();
        List<Spec> out = new ArrayList<>();
        long e = a.embeddingLength();
        long hd = at.keyLength();
        long keyDim = (long) s.stateSize() * s.groupCount();
        long valueDim = (long) s.stateSize() * s.timeStepRank();
        long convDim = 2 * keyDim + valueDim;

        out.add(new Spec("token_embd.weight", Kind.TOKEN_EMBD, e, a.vocabSize()));
        out.add(new Spec("output_norm.weight", Kind.NORM, e));
        if (!a.tiedEmbeddings()) {
            out.add(new Spec("output.weight", Kind.OUTPUT, e, a.vocabSize()));
        }
        for (int il = 0; il < a.blockCount(); il++) {
            String p = "blk." + il + ".";
            out.add(new Spec(p + "attn_norm.weight", Kind.NORM, e));
            out.add(new Spec(p + "post_attention_norm.weight", Kind.NORM, e));
            if (a.layerKind(il) != LayerKind.RECURRENT) {
                out.add(new Spec(p + "attn_q.weight", Kind.MATRIX, e, hd * at.headCount() * 2));
                out.add(new Spec(p + "attn_k.weight", Kind.MATRIX, e, hd * at.headCountKv()));
                out.add(new Spec(p + "attn_v.weight", Kind.MATRIX, e, hd * at.headCountKv()));
                out.add(new Spec(p + "attn_output.weight", Kind.MATRIX, hd * at.headCount(), e));
                out.add(new Spec(p + "attn_q_norm.weight", Kind.NORM, hd));
                out.add(new Spec(p + "attn_k_norm.weight", Kind.NORM, hd));
            } else {
                out.add(new Spec(p + "attn_qkv.weight", Kind.MATRIX, e, convDim));
                out.add(new Spec(p + "attn_gate.weight", Kind.MATRIX, e, valueDim));
                out.add(new Spec(p + "ssm_conv1d.weight", Kind.CONV, s.convKernel(), convDim));
                out.add(new Spec(p + "ssm_dt.bias", Kind.VECTOR, s.timeStepRank()));
                out.add(new Spec(p + "ssm_a", Kind.VECTOR, s.timeStepRank()));
                out.add(new Spec(p + "ssm_beta.weight", Kind.MATRIX, e, s.timeStepRank()));
                out.add(new Spec(p + "ssm_alpha.weight", Kind.MATRIX, e, s.timeStepRank()));
                out.add(new Spec(p + "ssm_norm.weight", Kind.NORM, s.stateSize()));
                out.add(new Spec(p + "ssm_out.weight", Kind.MATRIX, valueDim, e));
            }
            if (a.moe().isEmpty()) {
                long ff = a.feedForwardLength();
                out.add(new Spec(p + "ffn_gate.weight", Kind.MATRIX, e, ff));
                out.add(new Spec(p + "ffn_down.weight", Kind.MATRIX, ff, e));
                out.add(new Spec(p + "ffn_up.weight", Kind.MATRIX, e, ff));
            } else {
                Architecture.Moe m = a.moe().get();
                long x = m.expertCount();
                long f = m.expertFeedForwardLength();
                long sh = m.sharedExpertFeedForwardLength();
                out.add(new Spec(p + "ffn_gate_inp.weight", Kind.ROUTER, e, x));
                out.add(new Spec(p + "ffn_gate_exps.weight", Kind.EXPERTS, e, f, x));
                out.add(new Spec(p + "ffn_down_exps.weight", Kind.EXPERTS, f, e, x));
                out.add(new Spec(p + "ffn_up_exps.weight", Kind.EXPERTS, e, f, x));
                out.add(new Spec(p + "ffn_gate_inp_shexp.weight", Kind.VECTOR, e));
                out.add(new Spec(p + "ffn_gate_shexp.weight", Kind.MATRIX, e, sh));
                out.add(new Spec(p + "ffn_up_shexp.weight", Kind.MATRIX, e, sh));
                out.add(new Spec(p + "ffn_down_shexp.weight", Kind.MATRIX, sh, e));
            }
        }
        return out;
    }
}
