package eu.prositronic.core.inventory;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What the solver maximises where the inventory leaves a choice ({@code quant: auto} or a list, {@code node: auto} or a
 * selector, {@code context: max} or a range): per deployment ({@code objective:}) or for the fleet
 * ({@code solver: {objective: …}}); {@link #QUALITY} when neither says.
 */
public enum Objective {
    /** The best quantization that fits (the list's order, or the largest file), then the largest context. */
    QUALITY,
    /** The largest share of the model's trained context, then quality. */
    CONTEXT,
    /** The fastest estimated generation (tokens/s of one slot), then quality. */
    SPEED,
    /** The least power (an estimate), then quality. */
    POWER;

    public static final Objective DEFAULT = QUALITY;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static List<String> keys() {
        return Arrays.stream(values()).map(Objective::key).toList();
    }

    public static Objective fromKey(String key) {
        return valueOf(key.toUpperCase(Locale.ROOT));
    }
}
