package eu.prositronic.core.fit;

/**
 * The expected speed of one stream of a deployment: a calibrated estimate (SpeedModel), never a measurement.
 *
 * @param generationTokensPerSecond the central generation estimate
 * @param promptTokensPerSecond the central prompt estimate
 * @param depth the tokens already in the context when the generation figure holds
 * @param promptTokens the prompt length of the prompt figure (empty context)
 * @param slots the server's slots; the figures are for one busy slot
 * @param build the llama.cpp build the figures are for
 * @param generationRange low and high end of the range quoted for generation
 * @param promptRange low and high end of the range quoted for the prompt
 */
public record SpeedEstimate(
        double generationTokensPerSecond,
        double promptTokensPerSecond,
        long depth,
        int promptTokens,
        int slots,
        String build,
        Range generationRange,
        Range promptRange) {

    /** A range rounded to two significant digits, so that it promises no more precision than the model has. */
    public record Range(double low, double high) {
        static Range around(double value, double relative) {
            return new Range(twoDigits(value * (1 - relative)), twoDigits(value * (1 + relative)));
        }
    }

    static double twoDigits(double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            return 0;
        }
        return new java.math.BigDecimal(v).round(new java.math.MathContext(2)).doubleValue();
    }
}
