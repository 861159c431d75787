package eu.prositronic.core.fit;

import java.util.Locale;

/** How a deployment's layers are placed; plan.json spells it {@link #key()}. */
public enum LayoutKind {
    /** Every layer on the GPUs. */
    FULL,
    /** Every layer on the GPUs but the routed experts of the first blocks ({@code --n-cpu-moe}). */
    MOE_EXPERTS_ON_CPU,
    /** Only the last {@code -ngl} layers on the GPUs. */
    PARTIAL,
    /** No GPU. */
    CPU;

    /** {@code full}, {@code moe-experts-on-cpu}, {@code partial}, {@code cpu}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
