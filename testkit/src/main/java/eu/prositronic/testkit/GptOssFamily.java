package eu.prositronic.testkit;

import eu.prositronic.core.catalog.Architecture;
import eu.prositronic.testkit.ModelTensors.Kind;
import eu.prositronic.testkit.ModelTensors.Spec;
import java.util.ArrayList;
import java.util.List;

/**
 * gpt-oss ({@code gpt-oss}, llama.cpp's {@code LLM_ARCH_OPENAI_MOE}): untied output, attention with q/k/v/o biases
 * and per-head attention sinks, routed experts with biases and no shared expert, sliding-window attention on every
 * other layer. Tensors of {@code llama_model_openai_moe::load_arch_tensors} in src/models/openai-moe.cpp at the pin:
 * attn_norm, post_attention_norm, attn_q/k/v {E, H*hd / Hkv*hd} with biases (create_tensor_qkv), attn_output {H*hd,
 * E} and its bias, attn_sinks {H}, ffn_gate_inp {E, X} and its bias {X}, ffn_gate_exps/ffn_up_exps {E, f, X},
 * ffn_down_exps {f, E, X} and their biases {f, X} / {E, X}. Real files store the experts as MXFP4 (ggml type 39).
 *
 * <p>Metadata ({@code load_arch_hparams}): {@code expert_feed_forward_length}, {@code attention.sliding_window} (128);
 * without a pattern key llama.cpp's default pattern 2 makes the even layers sliding.
 *
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/models/openai-moe.cpp#L3-L59">src/models/openai-moe.cpp L3-L59</a>
 */
final class GptOssFamily implements Family {
    @Override
    public List<String> architectures() {
        return List.of("gpt-oss");
    }

    @Override
    public void metadata(GgufWriter w, Architecture a) {
        String k = a.ggufArchitecture();
        Architecture.Moe m = moe(a);
        w.putFloat32(k + ".attention.layer_norm_rms_epsilon", 1.0e-5f);
        w.putUint32(k + ".rope.dimension_count", a.attention().keyLength());
        w.putFloat32(k + ".rope.freq_base", 150000.0f);
        w.putUint32(k + ".expert_count", m.expertCount());
        w.putUint32(k + ".expert_used_count", m.expertUsedCount());
        w.putUint32(k + ".expert_feed_forward_length", m.expertFeedForwardLength());
        w.putUint32(k + ".attention.sliding_window", a.attention().slidingWindow());
    }

    private static Architecture.Moe moe(Architecture a) {
        return a.moe().orElseThrow(() -> new IllegalArgumentException("gpt-oss needs the `moe` sizes"));
    }

    @Override
    public List<Spec> tensors(Architecture a) {
        Architecture.Moe m = moe(a);
        Architecture.Attention at = a.attention();
        List<Spec> out = new ArrayList<>();
        LlamaFamily.header(out, a);
        long e = a.embeddingLength();
        long x = m.expertCount();
        long f = m.expertFeedForwardLength();
        long q = (long) at.headCount() * at.keyLength();
        long kv = (long) at.headCountKv() * at.keyLength();
        for (int il = 0; il < a.blockCount(); il++) {
            String p = "blk." + il + ".";
            out.add(new Spec(p + "attn_norm.weight", Kind.NORM, e));
            out.add(new Spec(p + "post_attention_norm.weight", Kind.NORM, e));
            out.add(new Spec(p + "attn_q.weight", Kind.MATRIX, e, q));
            out.add(new Spec(p + "attn_k.weight", Kind.MATRIX, e, kv));
            out.add(new Spec(p + "attn_v.weight", Kind.MATRIX, e, kv));
            out.add(new Spec(p + "attn_q.bias", Kind.VECTOR, q));
            out.add(new Spec(p + "attn_k.bias", Kind.VECTOR, kv));
            out.add(new Spec(p + "attn_v.bias", Kind.VECTOR, kv));
            out.add(new Spec(p + "attn_output.weight", Kind.MATRIX, q, e));
            out.add(new Spec(p + "attn_output.bias", Kind.VECTOR, e));
            out.add(new Spec(p + "attn_sinks.weight", Kind.VECTOR, at.headCount()));
            out.add(new Spec(p + "ffn_gate_inp.weight", Kind.ROUTER, e, x));
            out.add(new Spec(p + "ffn_gate_inp.bias", Kind.VECTOR, x));
            out.add(new Spec(p + "ffn_gate_exps.weight", Kind.EXPERTS, e, f, x));
            out.add(new Spec(p + "ffn_down_exps.weight", Kind.EXPERTS, f, e, x));
            out.add(new Spec(p + "ffn_up_exps.weight", Kind.EXPERTS, e, f, x));
            out.add(new Spec(p + "ffn_gate_exps.bias", Kind.VECTOR, f, x));
            out.add(new Spec(p + "ffn_down_exps.bias", Kind.VECTOR, e, x));
            out.add(new Spec(p + "ffn_up_exps.bias", Kind.VECTOR, f, x));
        }
        return out;
    }
}
