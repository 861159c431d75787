package eu.prositronic.testkit;

import eu.prositronic.core.catalog.Architecture;
import eu.prositronic.core.ggml.GgmlType;
import java.util.List;

/**
 * The tensor table llama.cpp's loader expects for a model, generated from the catalog's {@link Architecture} by its
 * {@link Family}. Shapes are in ggml order (ne0 = input dimension first).
 */
public final class ModelTensors {
    private ModelTensors() {}

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

    /**
     * {@link #uniform(GgmlType)} with the routed experts ({@code ffn_*_exps}) at {@code experts}, as in gpt-oss's
     * MXFP4 files (llama-quantize's {@code MXFP4_MOE}: experts MXFP4, the rest as the base type).
     */
    public static TypePolicy withExperts(GgmlType weights, GgmlType experts) {
        TypePolicy base = uniform(weights);
        return spec ->
                spec.kind == Kind.EXPERTS && spec.shape[0] % experts.blockSize() == 0 ? experts : base.typeFor(spec);
    }

    /** The tensors of {@code a}; throws for a family the test kit has no table for. */
    public static List<Spec> generate(Architecture a) {
        return Family.of(a.ggufArchitecture()).tensors(a);
    }

    /** Total parameter count of the generated table (token_embd counted once even when tied). */
    public static long parameterCount(Architecture a) {
        long n = 0;
        for (Spec s : generate(a)) {
            n += s.elements();
        }
        return n;
    }
}
