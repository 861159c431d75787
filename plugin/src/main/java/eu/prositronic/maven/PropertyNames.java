package eu.prositronic.maven;

/** Every {@code -D} property of the plugin, with one prefix. */
public final class PropertyNames {
    private PropertyNames() {}

    public static final String PREFIX = "prositronic.";
    public static final String INVENTORY = PREFIX + "inventory";
    public static final String CATALOG_DIRECTORY = PREFIX + "catalogDirectory";
    public static final String OUTPUT_DIRECTORY = PREFIX + "outputDirectory";
    public static final String SKIP = PREFIX + "skip";
    public static final String GGUF = PREFIX + "gguf";
    public static final String MODEL_ID = PREFIX + "modelId";
    public static final String REPO = PREFIX + "repo";
}
