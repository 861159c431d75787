package eu.prositronic.core.fit;

/**
 * The expected speed of a deployment: a roofline estimate, never a measurement.
 *
 * @param depth the tokens already in the context when the generation figure holds
 */
public record SpeedEstimate(double generationTokensPerSecond, double promptTokensPerSecond, long depth) {}
