package eu.prositronic.testkit;

import eu.prositronic.core.catalog.Architecture;
import eu.prositronic.testkit.ModelTensors.Kind;
import eu.prositronic.testkit.ModelTensors.Spec;
import java.util.ArrayList;
import java.util.List;

/**
 * Llama 3 ({@code llama}): pre-norm blocks with grouped-query attention and a SwiGLU FFN. Tensors of {@code
 * llama_model_llama::load_arch_tensors} in src/models/llama.cpp (at the pin; no longer an {@code LLM_ARCH_LLAMA} case
 * of src/llama-model.cpp load_tensors): attn_norm, attn_q {E, H*hd}, attn_k {E, Hkv*hd}, attn_v {E, Hkv*hdv},
 * attn_output {H*hdv, E}, ffn_norm, ffn_gate/ffn_up {E, F}, ffn_down {F, E}. The optional rope_freqs of Llama 3.1's
 * RoPE scaling is left out (TENSOR_NOT_REQUIRED).
 *
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/models/llama.cpp#L34-L92">src/models/llama.cpp L34-L92</a>
 */
final class LlamaFamily implements Family {
    @Override
    public List<String> architectures() {
        return List.of("llama");
    }

    @Override
    public void metadata(GgufWriter w, Architecture a) {
        String k = a.ggufArchitecture();
        w.putFloat32(k + ".attention.layer_norm_rms_epsilon", 1.0e-5f);
        w.putUint32(k + ".rope.dimension_count", a.attention().keyLength());
        w.putFloat32(k + ".rope.freq_base", 500000.0f);
    }

    @Override
    public List<Spec> tensors(Architecture a) {
        List<Spec> out = new ArrayList<>();
        header(out, a);
        for (int il = 0; il < a.blockCount(); il++) {
            String p = "blk." + il + ".";
            out.add(new Spec(p + "attn_norm.weight", Kind.NORM, a.embeddingLength()));
            attention(out, p, a, false);
            out.add(new Spec(p + "ffn_norm.weight", Kind.NORM, a.embeddingLength()));
            long e = a.embeddingLength();
            long ff = a.feedForwardLength();
            out.add(new Spec(p + "ffn_gate.weight", Kind.MATRIX, e, ff));
            out.add(new Spec(p + "ffn_down.weight", Kind.MATRIX, ff, e));
            out.add(new Spec(p + "ffn_up.weight", Kind.MATRIX, e, ff));
        }
        return out;
    }

    /** token_embd, output_norm and (untied) output. */
    static void header(List<Spec> out, Architecture a) {
        out.add(new Spec("token_embd.weight", Kind.TOKEN_EMBD, a.embeddingLength(), a.vocabSize()));
        out.add(new Spec("output_norm.weight", Kind.NORM, a.embeddingLength()));
        if (!a.tiedEmbeddings()) {
            out.add(new Spec("output.weight", Kind.OUTPUT, a.embeddingLength(), a.vocabSize()));
        }
    }

    /** Separate q, k, v and output projections, with per-head q/k RMS norms where {@code qkNorm}. */
    static void attention(List<Spec> out, String p, Architecture a, boolean qkNorm) {
        Architecture.Attention at = a.attention();
        long e = a.embeddingLength();
        out.add(new Spec(p + "attn_q.weight", Kind.MATRIX, e, (long) at.headCount() * at.keyLength()));
        out.add(new Spec(p + "attn_k.weight", Kind.MATRIX, e, (long) at.headCountKv() * at.keyLength()));
        out.add(new Spec(p + "attn_v.weight", Kind.MATRIX, e, (long) at.headCountKv() * at.valueLength()));
        out.add(new Spec(p + "attn_output.weight", Kind.MATRIX, (long) at.headCount() * at.valueLength(), e));
        if (qkNorm) {
            out.add(new Spec(p + "attn_q_norm.weight", Kind.NORM, at.keyLength()));
            out.add(new Spec(p + "attn_k_norm.weight", Kind.NORM, at.keyLength()));
        }
    }
}
