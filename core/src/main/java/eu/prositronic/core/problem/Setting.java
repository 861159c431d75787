package eu.prositronic.core.problem;

/**
 * The settings a user passes to the core. The core names them in its hints through {@link Spellings}, so that each
 * front end (the Maven plugin, a command line) can say them its own way: {@code <inventory> (-Dprositronic.inventory)}
 * in a pom, {@code --inventory} on a command line.
 */
public enum Setting {
    INVENTORY,
    CATALOG_DIRECTORY,
    OUTPUT_DIRECTORY,
    GGUF,
    MODEL_ID,
    REPO,
    MODEL,
    HARDWARE,
    RAM,
    WHAT_IF;

    /** How a front end writes each setting in a hint ("…, or point X at yours"). */
    @FunctionalInterface
    public interface Spellings {
        String of(Setting setting);

        /** The neutral spelling, for callers without a front end of their own (tests, the library). */
        Spellings NEUTRAL =
                s -> "the " + s.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " setting";
    }
}
