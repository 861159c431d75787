package eu.prositronic.maven;

import eu.prositronic.core.problem.Setting;

/** Every {@code -D} property of the plugin, with one prefix, and how the core's hints spell each setting in Maven. */
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
    public static final String MODEL = PREFIX + "model";
    public static final String HARDWARE = PREFIX + "hardware";
    public static final String RAM = PREFIX + "ram";
    public static final String SITE_DIRECTORY = PREFIX + "siteDirectory";
    public static final String SITE_URL = PREFIX + "siteUrl";
    public static final String TEMPLATES_DIRECTORY = PREFIX + "templatesDirectory";
    public static final String PLAN = PREFIX + "plan";
    public static final String DEPLOYMENT = PREFIX + "deployment";
    public static final String LOG = PREFIX + "log";
    public static final String GPU_BEFORE = PREFIX + "gpuBefore";
    public static final String GPU_AFTER = PREFIX + "gpuAfter";
    public static final String VERIFY_DIRECTORY = PREFIX + "verifyDirectory";
    public static final String ACCURACY_FILE = PREFIX + "accuracyFile";
    public static final String WHAT_IF = PREFIX + "whatIf";

    /** The Maven spelling of a core setting: the pom element and its {@code -D} property. */
    public static final Setting.Spellings SPELLINGS = setting -> switch (setting) {
        case INVENTORY -> "<inventory> (-D" + INVENTORY + ")";
        case CATALOG_DIRECTORY -> "<catalogDirectory> (-D" + CATALOG_DIRECTORY + ")";
        case OUTPUT_DIRECTORY -> "<outputDirectory> (-D" + OUTPUT_DIRECTORY + ")";
        case GGUF -> "-D" + GGUF + "=<path or URL>";
        case MODEL_ID -> "-D" + MODEL_ID + "=<id>";
        case REPO -> "-D" + REPO + "=<owner/name>";
        case MODEL -> "-D" + MODEL + "=<catalog id or alias>";
        case HARDWARE -> "-D" + HARDWARE + "=<gpu id, 2x-<gpu id> or cpu>";
        case RAM -> "-D" + RAM + "=<size, e.g. 64GiB>";
        case WHAT_IF -> "-D" + WHAT_IF;
    };
}
