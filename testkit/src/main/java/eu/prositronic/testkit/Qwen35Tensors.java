package eu.prositronic.testkit;

import eu.prositronic.core.ggml.GgmlType;
import java.util.ArrayList;
import java.util.List;

/**
 * The tensor table llama.cpp's loader expects for {@code qwen35} / {@code qwen35moe}, generated from the
 * hyperparameters. Names and shapes follow {@code load_arch_tensors} in src/models/qwen35.cpp and
 * src/models/qwen35moe.cpp (llama.cpp v0.5.0 as bundled with node-llama-cpp 3.22.1) and the tensor names in
 * src/llama-arch.cpp. Shapes are in ggml order (ne0 = input dimension first).
 *
 * <p>Per layer: attn_norm, post_attention_norm; attention layers ((il+1) % 4 == 0): attn_q {E, 2*H*256} (query
 * plus output gate), attn_k, attn_v {E, Hkv*256}, attn_output {H*256, E}, attn_q_norm, attn_k_norm {256};
 * linear-attention layers: attn_qkv {E, 2*16*128 + V*128}, attn_gate {E, V*128}, ssm_conv1d {4, conv_dim},
 * ssm_dt.bias {V}, ssm_a {V}, ssm_beta {E, V}, ssm_alpha {E, V}, ssm_norm {128}, ssm_out {V*128, E}; dense FFN
 * ffn_gate/ffn_up {E, F}, ffn_down {F, E}; MoE ffn_gate_inp {E, X}, ffn_gate_exps/ffn_up_exps {E, f, X},
 * ffn_down_exps {f, E, X}, ffn_gate_inp_shexp {E}, ffn_gate_shexp/ffn_up_shexp {E, s}, ffn_down_shexp {s, E}.
 * attn_qkv and attn_gate are TENSOR_NOT_REQUIRED in the loader but the graph uses them, and converted models
 * have them. No MTP (NextN) block is generated.
 */
public final class Qwen35Tensors {
    private Qwen35Tensors() {}

    /** What a tensor is, so a type policy can choose per role. */
    public enum Kind {
        TOKEN_EMBD,
        OUTPUT,
        NORM,
        VECTOR,
        CONV,
        MATRIX,
        ROUTER,
        EXPERTS
    }

    /** One tensor to create: name, ggml-order shape, role. */
    public static final class Spec {
        public final String name;
        public final long[] shape;
        public final Kind kind;

        Spec(String name, Kind kind, long... shape) {
            this.name = name;
            this.kind = kind;
            this.shape = shape;
        }

        public long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    /** Chooses the ggml type of each tensor. */
    public interface TypePolicy {
        GgmlType typeFor(Spec spec);
    }

    /**
     * llama-quantize-like uniform policy: 1-D tensors and ssm_conv1d (ne0 = 4) F32, every other tensor
     * {@code weights}; falls back to F16 when a row is not a multiple of the block size.
     */
    public static TypePolicy uniform(GgmlType weights) {
        return spec -> {
            if (spec.kind == Kind.NORM || spec.kind == Kind.VECTOR || spec.kind == Kind.CONV) {
                return GgmlType.F32;
            }
            if (spec.shape[0] % weights.blockSize() != 0) {
                return GgmlType.F16;
            }
            return weights;
        };
    }

    public static List<Spec> generate(Qwen35Config c) {
        List<Spec> out = new ArrayList<>();
        long e = c.nEmbd;
        long hd = c.headDim;
        long keyDim = (long) c.ssmStateSize * c.ssmGroupCount;
        long valueDim = (long) c.ssmStateSize * c.ssmTimeStepRank;
        long convDim = 2 * keyDim + valueDim;

        out.add(new Spec("token_embd.weight", Kind.TOKEN_EMBD, e, c.nVocab));
        out.add(new Spec("output_norm.weight", Kind.NORM, e));
        if (!c.tiedEmbeddings) {
            out.add(new Spec("output.weight", Kind.OUTPUT, e, c.nVocab));
        }
        for (int il = 0; il < c.nLayer; il++) {
            String p = "blk." + il + ".";
            out.add(new Spec(p + "attn_norm.weight", Kind.NORM, e));
            out.add(new Spec(p + "post_attention_norm.weight", Kind.NORM, e));
            if (!c.isRecurrent(il)) {
                out.add(new Spec(p + "attn_q.weight", Kind.MATRIX, e, hd * c.nHead * 2));
                out.add(new Spec(p + "attn_k.weight", Kind.MATRIX, e, hd * c.nHeadKv));
                out.add(new Spec(p + "attn_v.weight", Kind.MATRIX, e, hd * c.nHeadKv));
                out.add(new Spec(p + "attn_output.weight", Kind.MATRIX, hd * c.nHead, e));
                out.add(new Spec(p + "attn_q_norm.weight", Kind.NORM, hd));
                out.add(new Spec(p + "attn_k_norm.weight", Kind.NORM, hd));
            } else {
                out.add(new Spec(p + "attn_qkv.weight", Kind.MATRIX, e, convDim));
                out.add(new Spec(p + "attn_gate.weight", Kind.MATRIX, e, valueDim));
                out.add(new Spec(p + "ssm_conv1d.weight", Kind.CONV, c.ssmConvKernel, convDim));
                out.add(new Spec(p + "ssm_dt.bias", Kind.VECTOR, c.ssmTimeStepRank));
                out.add(new Spec(p + "ssm_a", Kind.VECTOR, c.ssmTimeStepRank));
                out.add(new Spec(p + "ssm_beta.weight", Kind.MATRIX, e, c.ssmTimeStepRank));
                out.add(new Spec(p + "ssm_alpha.weight", Kind.MATRIX, e, c.ssmTimeStepRank));
                out.add(new Spec(p + "ssm_norm.weight", Kind.NORM, c.ssmStateSize));
                out.add(new Spec(p + "ssm_out.weight", Kind.MATRIX, valueDim, e));
            }
            if (!c.isMoe()) {
                out.add(new Spec(p + "ffn_gate.weight", Kind.MATRIX, e, c.nFf));
                out.add(new Spec(p + "ffn_down.weight", Kind.MATRIX, c.nFf, e));
                out.add(new Spec(p + "ffn_up.weight", Kind.MATRIX, e, c.nFf));
            } else {
                out.add(new Spec(p + "ffn_gate_inp.weight", Kind.ROUTER, e, c.nExpert));
                out.add(new Spec(p + "ffn_gate_exps.weight", Kind.EXPERTS, e, c.nFfExp, c.nExpert));
                out.add(new Spec(p + "ffn_down_exps.weight", Kind.EXPERTS, c.nFfExp, e, c.nExpert));
                out.add(new Spec(p + "ffn_up_exps.weight", Kind.EXPERTS, e, c.nFfExp, c.nExpert));
                out.add(new Spec(p + "ffn_gate_inp_shexp.weight", Kind.VECTOR, e));
                out.add(new Spec(p + "ffn_gate_shexp.weight", Kind.MATRIX, e, c.nFfShexp));
                out.add(new Spec(p + "ffn_up_shexp.weight", Kind.MATRIX, e, c.nFfShexp));
                out.add(new Spec(p + "ffn_down_shexp.weight", Kind.MATRIX, c.nFfShexp, e));
            }
        }
        return out;
    }

    /** Total parameter count of the generated table (token_embd counted once even when tied). */
    public static long parameterCount(Qwen35Config c) {
        long n = 0;
        for (Spec s : generate(c)) {
            n += s.elements();
        }
        return n;
    }
}
