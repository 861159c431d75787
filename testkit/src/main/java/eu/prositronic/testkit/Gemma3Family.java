package eu.prositronic.testkit;

import eu.prositronic.core.catalog.Architecture;
import eu.prositronic.testkit.ModelTensors.Kind;
import eu.prositronic.testkit.ModelTensors.Spec;
import java.util.ArrayList;
import java.util.List;

/**
 * Gemma 3 ({@code gemma3}): tied embeddings (no {@code output.weight}: llama.cpp loads token_embd a second time,
 * TENSOR_DUPLICATED), per-head q/k RMS norms, a post-attention and a post-FFN norm in every block, and interleaved
 * sliding-window attention. Tensors of {@code llama_model_gemma3::load_arch_tensors} in src/models/gemma3.cpp at the
 * pin: attn_norm, attn_q/k/v (create_tensor_qkv), attn_output {H*hd, E}, post_attention_norm, attn_k_norm and
 * attn_q_norm {hd}, ffn_norm, ffn_gate/ffn_up {E, F}, ffn_down {F, E}, post_ffw_norm.
 *
 * <p>Metadata ({@code load_arch_hparams}): {@code gemma3.attention.sliding_window} (the catalog's window, 1024) makes
 * the model SWA; no {@code sliding_window_pattern} key is written, so llama.cpp's default pattern 6 applies (layer
 * {@code il} is global iff {@code il % 6 == 5}), which is the catalog's five sliding layers and one full.
 *
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/models/gemma3.cpp#L3-L71">src/models/gemma3.cpp L3-L71</a>
 */
final class Gemma3Family implements Family {
    @Override
    public List<String> architectures() {
        return List.of("gemma3");
    }

    @Override
    public void metadata(GgufWriter w, Architecture a) {
        String k = a.ggufArchitecture();
        w.putFloat32(k + ".attention.layer_norm_rms_epsilon", 1.0e-6f);
        w.putUint32(k + ".rope.dimension_count", a.attention().keyLength());
        w.putFloat32(k + ".rope.freq_base", 1.0e6f);
        w.putUint32(k + ".attention.sliding_window", a.attention().slidingWindow());
    }

    @Override
    public List<Spec> tensors(Architecture a) {
        List<Spec> out = new ArrayList<>();
        LlamaFamily.header(out, a);
        long e = a.embeddingLength();
        long ff = a.feedForwardLength();
        long hd = a.attention().keyLength();
        for (int il = 0; il < a.blockCount(); il++) {
            String p = "blk." + il + ".";
            out.add(new Spec(p + "attn_norm.weight", Kind.NORM, e));
            LlamaFamily.attention(out, p, a, false);
            out.add(new Spec(p + "post_attention_norm.weight", Kind.NORM, e));
            out.add(new Spec(p + "attn_k_norm.weight", Kind.NORM, hd));
            out.add(new Spec(p + "attn_q_norm.weight", Kind.NORM, hd));
            out.add(new Spec(p + "ffn_norm.weight", Kind.NORM, e));
            out.add(new Spec(p + "ffn_gate.weight", Kind.MATRIX, e, ff));
            out.add(new Spec(p + "ffn_up.weight", Kind.MATRIX, e, ff));
            out.add(new Spec(p + "ffn_down.weight", Kind.MATRIX, ff, e));
            out.add(new Spec(p + "post_ffw_norm.weight", Kind.NORM, e));
        }
        return out;
    }
}
