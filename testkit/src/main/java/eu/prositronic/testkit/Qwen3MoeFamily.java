package eu.prositronic.testkit;

import eu.prositronic.core.catalog.Architecture;
import eu.prositronic.testkit.ModelTensors.Kind;
import eu.prositronic.testkit.ModelTensors.Spec;
import java.util.ArrayList;
import java.util.List;

/**
 * Qwen3 MoE ({@code qwen3moe}): full-attention blocks with per-head q/k norms and routed experts, no shared expert.
 * Tensors of {@code llama_model_qwen3moe::load_arch_tensors} in src/models/qwen3moe.cpp (at the pin; no longer an
 * {@code LLM_ARCH_QWEN3MOE} case of src/llama-model.cpp load_tensors): attn_norm, attn_q/k/v/output, attn_q_norm and
 * attn_k_norm {hd}, ffn_norm, ffn_gate_inp {E, X}, ffn_gate_exps/ffn_up_exps {E, f, X}, ffn_down_exps {f, E, X}.
 *
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/models/qwen3moe.cpp#L14-L56">src/models/qwen3moe.cpp L14-L56</a>
 */
final class Qwen3MoeFamily implements Family {
    @Override
    public List<String> architectures() {
        return List.of("qwen3moe");
    }

    @Override
    public void metadata(GgufWriter w, Architecture a) {
        String k = a.ggufArchitecture();
        Architecture.Moe m = moe(a);
        w.putFloat32(k + ".attention.layer_norm_rms_epsilon", 1.0e-6f);
        w.putUint32(k + ".rope.dimension_count", a.attention().keyLength());
        w.putFloat32(k + ".rope.freq_base", 1.0e6f);
        w.putUint32(k + ".expert_count", m.expertCount());
        w.putUint32(k + ".expert_used_count", m.expertUsedCount());
        w.putUint32(k + ".expert_feed_forward_length", m.expertFeedForwardLength());
    }

    private static Architecture.Moe moe(Architecture a) {
        return a.moe().orElseThrow(() -> new IllegalArgumentException("qwen3moe needs the `moe` sizes"));
    }

    @Override
    public List<Spec> tensors(Architecture a) {
        Architecture.Moe m = moe(a);
        List<Spec> out = new ArrayList<>();
        LlamaFamily.header(out, a);
        long e = a.embeddingLength();
        long x = m.expertCount();
        long f = m.expertFeedForwardLength();
        for (int il = 0; il < a.blockCount(); il++) {
            String p = "blk." + il + ".";
            out.add(new Spec(p + "attn_norm.weight", Kind.NORM, e));
            LlamaFamily.attention(out, p, a, true);
            out.add(new Spec(p + "ffn_norm.weight", Kind.NORM, e));
            out.add(new Spec(p + "ffn_gate_inp.weight", Kind.ROUTER, e, x));
            out.add(new Spec(p + "ffn_gate_exps.weight", Kind.EXPERTS, e, f, x));
            out.add(new Spec(p + "ffn_down_exps.weight", Kind.EXPERTS, f, e, x));
            out.add(new Spec(p + "ffn_up_exps.weight", Kind.EXPERTS, e, f, x));
        }
        return out;
    }
}
