package eu.prositronic.core.fit;

import java.util.Locale;

/**
 * The ggml types llama.cpp's quantizer gives the two tensors that matter for placement: the token embedding (always on
 * the host) and the output projection (on the last device). From {@code llama_tensor_get_type} in src/llama-quant.cpp:
 * the output (or, for tied models, the token embedding that doubles as output) becomes Q6_K unless the file type is
 * Q8_0 or better; an untied token embedding keeps the file type's base type. Bits per weight are the ggml block sizes
 * of ggml/src/ggml-common.h.
 */
public final class QuantMix {
    private QuantMix() {}

    /** Bits per weight of the file type's base tensor type (e.g. Q4_K for Q4_K_M). */
    public static double baseBitsPerWeight(String quant) {
        String q = quant.toUpperCase(Locale.ROOT).replaceFirst("^UD-", "");
        if (q.startsWith("Q8_0")) {
            return 8.5;
        }
        if (q.startsWith("Q6_K")) {
            return 6.5625;
        }
        if (q.startsWith("Q5_K")) {
            return 5.5;
        }
        if (q.startsWith("Q5_0")) {
            return 5.5;
        }
        if (q.startsWith("Q5_1")) {
            return 6.0;
        }
        if (q.startsWith("Q4_K")) {
            return 4.5;
        }
        if (q.startsWith("Q4_0") || q.startsWith("IQ4_NL")) {
            return 4.5;
        }
        if (q.startsWith("Q4_1")) {
            return 5.0;
        }
        if (q.startsWith("IQ4_XS") || q.startsWith("MXFP4")) {
            return 4.25;
        }
        if (q.startsWith("Q3_K") || q.startsWith("IQ3_S")) {
            return 3.4375;
        }
        if (q.startsWith("IQ3_XXS")) {
            return 3.0625;
        }
        if (q.startsWith("Q2_K")) {
            return 2.625;
        }
        if (q.startsWith("IQ2")) {
            return 2.3125;
        }
        if (q.startsWith("IQ1")) {
            return 1.75;
        }
        if (q.startsWith("F32")) {
            return 32;
        }
        return 16; // F16, BF16
    }

    /** Bits per weight of the output projection: Q6_K unless the file type is Q8_0 or wider. */
    public static double outputBitsPerWeight(String quant) {
        double base = baseBitsPerWeight(quant);
        return base >= 8.5 ? base : 6.5625;
    }

    /** Bits per weight of the token embedding; tied models use the output rule because it doubles as the output. */
    public static double tokenEmbeddingBitsPerWeight(String quant, boolean tied) {
        return tied ? outputBitsPerWeight(quant) : baseBitsPerWeight(quant);
    }
}
