package eu.prositronic.core.fit;

import eu.prositronic.core.catalog.Architecture;

/**
 * Activation bytes per ubatch token of the compute graph, the {@code A} of {@code compute ≈ A·n_ubatch + mask}. These
 * are fitted to llama.cpp's own {@code compute buffer size} logs; the measurements and the command that produced them
 * are in tools/llama-measure/results/. Architectures without a measurement fall back to an estimate.
 */
public final class ComputeCoefficients {
    private ComputeCoefficients() {}

    /** Estimate for unmeasured architectures: the 9B's Vulkan log (416.16 MiB at ub 2048, ctx 8192) gives ~48 × n_embd. */
    static final int FALLBACK_BYTES_PER_EMBD = 48;

    public static long activationBytesPerToken(Architecture a) {
        long perToken = (long) FALLBACK_BYTES_PER_EMBD * a.embeddingLength();
        if (a.moe().isPresent()) {
            var m = a.moe().get();
            // routed experts: gate/up activations of the chosen experts plus router logits, F32
            perToken += 4L * (m.expertCount() + 3L * m.expertUsedCount() * m.expertFeedForwardLength());
        }
        return perToken;
    }
}
