package eu.prositronic.core.problem;

import java.nio.file.Path;

/**
 * One thing wrong with the input: where it is (file, line, column, YAML path), what was found, what is wrong and how
 * to fix it. Lines and columns are 1-based; 0 means unknown.
 */
public record Problem(Path file, int line, int column, String yamlPath, String value, String message, String fix) {

    /** The one-line form used in build logs: {@code file:line:col: path: message (found `v`); fix}. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        sb.append(file == null ? "<input>" : file.toString());
        if (line > 0) {
            sb.append(':').append(line).append(':').append(column);
        }
        sb.append(": ");
        if (yamlPath != null && !yamlPath.isEmpty()) {
            sb.append(yamlPath).append(": ");
        }
        sb.append(message);
        if (value != null) {
            sb.append(" (found `").append(value).append("`)");
        }
        if (fix != null && !fix.isEmpty()) {
            sb.append("; ").append(fix);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return format();
    }
}
