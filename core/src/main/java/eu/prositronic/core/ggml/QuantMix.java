package eu.prositronic.core.ggml;

import java.util.List;
import java.util.Locale;

/**
 * The ggml types llama.cpp's quantizer gives the two tensors that matter for placement: the token embedding (always on
 * the host) and the output projection (on the last device). From {@code llama_tensor_get_type} in src/llama-quant.cpp
 * (which calls {@code llama_tensor_get_type_impl} for quantized file types only): the output (or, for tied models, the
 * token embedding that doubles as output) becomes Q6_K unless the file type is Q8_0 or wider; an untied token
 * embedding keeps the file type's base type.
 *
 * <p>Known gap: that is the common case only. At the pin {@code llama_tensor_get_type_impl} makes the output (or
 * tied embedding) Q8_0 for MXFP4_MOE files or when its rows are not a multiple of the block size, and Q5_K for IQ1_S,
 * IQ1_M, IQ2_XXS, IQ2_XS, IQ2_S, IQ2_M and IQ3_XXS files; an untied token embedding becomes Q2_K for IQ1_S, IQ1_M,
 * IQ2_XXS and IQ2_XS files, IQ3_S for IQ2_S, IQ2_M and IQ3_XXS files, and Q4_K for TQ1_0, TQ2_0 and Q2_0 files. So
 * {@link #outputBitsPerWeight} and {@link #tokenEmbeddingBitsPerWeight} are wrong for those file types.
 *
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-quant.cpp#L454-L508">src/llama-quant.cpp L454-L508</a>
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-quant.cpp#L683-L739">src/llama-quant.cpp L683-L739</a>
 */
public final class QuantMix {
    private QuantMix() {}

    /** File-type prefixes and their base tensor type, longest prefixes first (Q4_K_M → Q4_K, IQ3_XXS → IQ3_XXS). */
    private static final List<String[]> BASE = List.of(
            new String[] {"IQ3_XXS", "IQ3_XXS"},
            new String[] {"IQ2_XXS", "IQ2_XXS"},
            new String[] {"IQ4_XS", "IQ4_XS"},
            new String[] {"IQ4_NL", "IQ4_NL"},
            new String[] {"IQ3_S", "IQ3_S"},
            new String[] {"IQ3_M", "IQ3_S"},
            new String[] {"IQ2_XS", "IQ2_XS"},
            new String[] {"IQ2_S", "IQ2_S"},
            new String[] {"IQ2_M", "IQ2_S"},
            new String[] {"IQ1_S", "IQ1_S"},
            new String[] {"IQ1_M", "IQ1_M"},
            new String[] {"MXFP4", "MXFP4"},
            new String[] {"TQ1_0", "TQ1_0"},
            new String[] {"TQ2_0", "TQ2_0"},
            new String[] {"Q2_K", "Q2_K"},
            new String[] {"Q3_K", "Q3_K"},
            new String[] {"Q4_K", "Q4_K"},
            new String[] {"Q5_K", "Q5_K"},
            new String[] {"Q6_K", "Q6_K"},
            new String[] {"Q4_0", "Q4_0"},
            new String[] {"Q4_1", "Q4_1"},
            new String[] {"Q5_0", "Q5_0"},
            new String[] {"Q5_1", "Q5_1"},
            new String[] {"Q8_0", "Q8_0"},
            new String[] {"BF16", "BF16"},
            new String[] {"F16", "F16"},
            new String[] {"F32", "F32"});

    /** The base tensor type of a file type such as {@code Q4_K_M} or {@code UD-Q4_K_XL}; F16 when unknown. */
    public static GgmlType baseType(String quant) {
        String q = quant.toUpperCase(Locale.ROOT).replaceFirst("^UD-", "");
        for (String[] entry : BASE) {
            if (q.startsWith(entry[0])) {
                return GgmlType.fromName(entry[1]);
            }
        }
        return GgmlType.F16;
    }

    public static double baseBitsPerWeight(String quant) {
        return baseType(quant).bitsPerWeight();
    }

    /** Bits per weight of the output projection: Q6_K unless the file type is Q8_0 or wider. */
    public static double outputBitsPerWeight(String quant) {
        return outputType(quant).bitsPerWeight();
    }

    /**
     * The output projection's type: Q6_K unless the file type is Q8_0 or wider; Q8_0 for MXFP4_MOE files, whose
     * non-expert tensors are Q8_0.
     */
    public static GgmlType outputType(String quant) {
        GgmlType base = baseType(quant);
        if (base == GgmlType.MXFP4) {
            return GgmlType.Q8_0;
        }
        return base.bitsPerWeight() >= GgmlType.Q8_0.bitsPerWeight() ? base : GgmlType.Q6_K;
    }

    /** The type of a block's dense tensors (attention, shared FFN): the base type, Q8_0 in MXFP4_MOE files. */
    public static GgmlType denseType(String quant) {
        GgmlType base = baseType(quant);
        return base == GgmlType.MXFP4 ? GgmlType.Q8_0 : base;
    }

    /** Bits per weight of the token embedding; tied models use the output rule because it doubles as the output. */
    public static double tokenEmbeddingBitsPerWeight(String quant, boolean tied) {
        return tied ? outputBitsPerWeight(quant) : denseType(quant).bitsPerWeight();
    }
}
