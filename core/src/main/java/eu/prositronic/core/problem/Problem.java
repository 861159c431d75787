package eu.prositronic.core.problem;

import java.nio.file.Path;

/**
 * One thing wrong with the input: where it is (file, line, column, YAML path), what was found, what is wrong and how
 * to fix it. Lines and columns are 1-based; 0 means unknown.
 */
public record Problem(Path file, int line, int column, String yamlPath, String value, String message, String fix) {

    /**
     * The one-line form used in build logs: {@code file:line:col: path: message (found `v`); fix}. The bad value is
     * stated once: {@code (found `v`)} is added only when the message does not already name it. Line breaks and
     * invisible characters in the value are shown escaped ({@code \n}; a zero-width space as backslash, u, 200B),
     * wherever it appears, and so are any in a key, a YAML path or a parser's message: the line is one line.
     */
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
        String shown = value == null ? null : escape(value);
        sb.append(showValue(message, value, shown));
        if (value != null && !names(message, value)) {
            sb.append(value.isEmpty() ? " (found an empty value)" : " (found `" + shown + "`)");
        }
        if (fix != null && !fix.isEmpty()) {
            sb.append("; ").append(showValue(fix, value, shown));
        }
        // the whole line, not only the value: a key, a YAML path or a parser's message can hold them too
        return escape(sb.toString());
    }

    @Override
    public String toString() {
        return format();
    }

    /** Whether the text names the value as a whole word (so `1` is not found inside `128`). */
    static boolean names(String text, String value) {
        if (text == null || value == null || value.isEmpty()) {
            return false;
        }
        for (int i = text.indexOf(value); i >= 0; i = text.indexOf(value, i + 1)) {
            int end = i + value.length();
            boolean startsWord = i == 0 || !wordChar(text.charAt(i - 1)) || !wordChar(value.charAt(0));
            boolean endsWord =
                    end == text.length() || !wordChar(text.charAt(end)) || !wordChar(value.charAt(value.length() - 1));
            if (startsWord && endsWord) {
                return true;
            }
        }
        return false;
    }

    private static boolean wordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    private static String showValue(String text, String value, String shown) {
        if (text == null || value == null || value.isEmpty() || value.equals(shown)) {
            return text == null ? "" : text;
        }
        return text.replace(value, shown);
    }

    /**
     * The value as it can be read in a one-line log: line breaks, tabs and other control, format (zero-width) and
     * non-ASCII space characters are written as escapes; everything else is kept.
     */
    public static String escape(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        value.codePoints().forEach(cp -> {
            switch (cp) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (invisible(cp)) {
                        sb.append(String.format(
                                java.util.Locale.ROOT, Character.isBmpCodePoint(cp) ? "\\u%04X" : "\\U%08X", cp));
                    } else {
                        sb.appendCodePoint(cp);
                    }
                }
            }
        });
        return sb.toString();
    }

    private static boolean invisible(int cp) {
        int type = Character.getType(cp);
        return type == Character.CONTROL
                || type == Character.FORMAT
                || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR
                || type == Character.UNASSIGNED
                || type == Character.PRIVATE_USE
                || type == Character.SURROGATE
                || (type == Character.SPACE_SEPARATOR && cp != ' ');
    }
}
