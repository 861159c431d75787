package eu.prositronic.core.yaml;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

/**
 * The one configuration of generated YAML and JSON (the emitted files, and catalog entries the importer writes): typed records in, stable bytes out (fixed key order, two-space
 * indents, LF line ends, a final newline), so the same input always gives the same bytes.
 */
public final class Serializers {
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                    .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
                    .build())
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, false);

    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.INDENT_OUTPUT, true);

    private Serializers() {}

    /**
     * {@code value} as YAML. {@link BlockYaml} writes it from databind's tokens, byte for byte what {@code YAMLGenerator}
     * and SnakeYAML write with the features above, several times faster; a document it does not reproduce (see there) is
     * written by {@code YAMLGenerator} itself ({@link #jacksonYaml}), so the bytes never depend on which path ran.
     */
    public static String yaml(Object value) {
        java.util.function.Consumer<Object> o = observer;
        if (o != null) {
            o.accept(value);
        }
        try {
            return BlockYaml.write(YAML, value);
        } catch (BlockYaml.Unsupported | java.io.IOException e) {
            // outside the fast path, or databind failed: the old path gives the same bytes or the same error
            return jacksonYaml(value);
        }
    }

    /** {@link BlockYaml}'s bytes for {@code value}, or {@link BlockYaml.Unsupported} (no fallback). */
    static String blockYaml(Object value) throws java.io.IOException, BlockYaml.Unsupported {
        return BlockYaml.write(YAML, value);
    }

    /**
     * Sees every value {@link #yaml} is given, for the differential test (which compares both paths on every document
     * a build writes); {@code null} outside that test.
     */
    static volatile java.util.function.Consumer<Object> observer;

    /** The reference path: databind through {@code YAMLGenerator} and SnakeYAML's emitter. */
    static String jacksonYaml(Object value) {
        try {
            return YAML.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize to YAML", e);
        }
    }

    /** {@link #json(Object)}'s bytes (UTF-8), written to {@code out} as they are made (a large plan is not a string first). */
    public static void json(Object value, java.io.OutputStream out) throws java.io.IOException {
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n"));
        JSON.writer(printer)
                .without(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .writeValue(out, value);
        out.write('\n');
    }

    /** {@link #json(Object)}'s bytes (UTF-8) without the final newline. */
    public static byte[] jsonBytes(Object value) {
        try {
            DefaultPrettyPrinter printer =
                    new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n"));
            return JSON.writer(printer).writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize to JSON", e);
        }
    }

    public static String json(Object value) {
        try {
            DefaultPrettyPrinter printer =
                    new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n"));
            return JSON.writer(printer).writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize to JSON", e);
        }
    }
}
