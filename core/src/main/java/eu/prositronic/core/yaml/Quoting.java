package eu.prositronic.core.yaml;

/**
 * What jackson-dataformat-yaml 2.20 asks SnakeYAML to quote: {@code StringQuotingChecker.Default} (reserved words,
 * number-like names, ": " and " #") and {@code YAMLGenerator.PLAIN_NUMBER_P} (ALWAYS_QUOTE_NUMBERS_AS_STRINGS).
 */
final class Quoting {
    private Quoting() {}

    /** {@code StringQuotingChecker.Default.needToQuoteName}. */
    static boolean needToQuoteName(String name) {
        if (reserved(name)) {
            return true;
        }
        char first = name.charAt(0);
        if ((first >= '0' && first <= '9') || first == '-' || first == '+' || first == '.') {
            return true; // looksLikeYAMLNumber
        }
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) < 0x20) {
                return true; // nameHasQuotableChar
            }
        }
        return false;
    }

    /** {@code StringQuotingChecker.Default.needToQuoteValue}: reserved, or valueHasQuotableChar. */
    static boolean needToQuoteValue(String value) {
        if (reserved(value)) {
            return true;
        }
        int n = value.length();
        for (int i = 0; i < n; i++) {
            switch (value.charAt(i)) {
                case '[', ']', '{', '}', ',' -> {
                    return true;
                }
                case '#' -> {
                    if (i == 0 || blank(value.charAt(i - 1))) {
                        return true;
                    }
                }
                case ':' -> {
                    if (i == n - 1 || blank(value.charAt(i + 1))) {
                        return true;
                    }
                }
                default -> {}
            }
        }
        return false;
    }

    /** {@code YAMLGenerator.PLAIN_NUMBER_P}, {@code [+-]?[0-9]*(\.[0-9]*)?}, matched whole. */
    static boolean plainNumber(String s) {
        int n = s.length();
        int i = 0;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                i++;
            }
        }
        return i == n;
    }

    /**
     * {@code StringQuotingChecker.isReservedKeyword}: empty, "~…", or one of its RESERVED_KEYWORDS (YAML 1.1 booleans
     * and nulls in three casings; compared by length, no hashing).
     */
    static boolean reserved(String s) {
        int n = s.length();
        if (n == 0 || s.charAt(0) == '~') {
            return true;
        }
        if (n > 5) {
            return false;
        }
        for (String word : RESERVED[n]) {
            if (word.equals(s)) {
                return true;
            }
        }
        return false;
    }

    /** Jackson's RESERVED_KEYWORDS by length. */
    private static final String[][] RESERVED = {
        {},
        {"n", "N", "y", "Y"},
        {"no", "No", "NO", "on", "On", "ON"},
        {"off", "Off", "OFF", "yes", "Yes", "YES"},
        {"null", "Null", "NULL", "true", "True", "TRUE"},
        {"false", "False", "FALSE"}
    };

    /** {@code StringQuotingChecker.isBlank}: space or tab. */
    private static boolean blank(char c) {
        return c == ' ' || c == '\t';
    }
}
