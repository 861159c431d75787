package eu.prositronic.testkit;

import eu.prositronic.core.ggml.GgmlType;
import eu.prositronic.core.ggml.LlamaFileType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes {@code catalog/tools/ggml_tables.json}, the block sizes of {@link GgmlType} and the file types of {@link
 * LlamaFileType} for {@code catalog/tools/quant_size.py}, so the Python tool has no table of its own. {@code
 * GgmlTablesTest} fails when the checked-in file differs; regenerate with {@code java -cp
 * testkit/target/prositronic-testkit-<version>-synthetic-gguf.jar eu.prositronic.testkit.GgmlTables
 * catalog/tools/ggml_tables.json}.
 */
public final class GgmlTables {
    public static final String FILE = "catalog/tools/ggml_tables.json";

    private GgmlTables() {}

    /** The file's text: stable, one entry a line. */
    public static String json() {
        StringBuilder out = new StringBuilder("{\n");
        out.append("  \"_generated\": \"by eu.prositronic.testkit.GgmlTables from GgmlType and LlamaFileType;")
                .append(" do not edit\",\n");
        out.append("  \"types\": {\n");
        GgmlType[] types = GgmlType.values();
        for (int i = 0; i < types.length; i++) {
            GgmlType t = types[i];
            out.append("    \"")
                    .append(t.name())
                    .append("\": {\"id\": ")
                    .append(t.id())
                    .append(", \"blockSize\": ")
                    .append(t.blockSize())
                    .append(", \"typeSize\": ")
                    .append(t.typeSize())
                    .append('}')
                    .append(i < types.length - 1 ? ",\n" : "\n");
        }
        out.append("  },\n  \"fileTypes\": {\n");
        LlamaFileType[] fileTypes = LlamaFileType.values();
        for (int i = 0; i < fileTypes.length; i++) {
            LlamaFileType f = fileTypes[i];
            out.append("    \"")
                    .append(f.name())
                    .append("\": {\"id\": ")
                    .append(f.id())
                    .append(", \"defaultType\": ")
                    .append(f.defaultType().map(t -> "\"" + t.name() + "\"").orElse("null"))
                    .append('}')
                    .append(i < fileTypes.length - 1 ? ",\n" : "\n");
        }
        return out.append("  }\n}\n").toString();
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : FILE);
        Files.writeString(out, json(), StandardCharsets.UTF_8);
        System.out.println(out);
    }
}
