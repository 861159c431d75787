package eu.prositronic.core.yaml;

/**
 * SnakeYAML 2.5's {@code Emitter.analyzeScalar}, for block context (the flow-plain flag is never read there): which
 * styles a scalar may take. The result is a bit set; {@link BlockYaml.Unsupported} for the text that {@link BlockYaml}
 * does not reproduce (NEL, LS, PS, lone surrogates).
 */
final class Analysis {
    static final int LINE_BREAKS = 1;
    static final int BLOCK_PLAIN = 2;
    static final int SINGLE_QUOTED = 4;
    static final int BLOCK = 8;

    private Analysis() {}

    static int of(String s) throws BlockYaml.Unsupported {
        int n = s.length();
        if (n == 0) {
            // ScalarAnalysis(empty): block plain and single quotes allowed, no block
            return BLOCK_PLAIN | SINGLE_QUOTED;
        }
        if (simple(s)) {
            return ofSimple(s);
        }
        boolean blockIndicators = s.startsWith("---") || s.startsWith("...");
        boolean lineBreaks = false;
        boolean special = false;
        boolean leadingSpace = false;
        boolean leadingBreak = false;
        boolean trailingSpace = false;
        boolean trailingBreak = false;
        boolean breakSpace = false;
        boolean spaceBreak = false;
        boolean precededByWhitespace = true;
        boolean followedByWhitespace = n == 1 || blankOrBreakFirst(s.codePointAt(1));
        boolean previousSpace = false;
        boolean previousBreak = false;
        int index = 0;
        while (index < n) {
            int c = s.codePointAt(index);
            if (c == 0x85 || c == 0x2028 || c == 0x2029 || (c >= 0xD800 && c <= 0xDFFF)) {
                throw new BlockYaml.Unsupported("NEL, LS, PS or a lone surrogate");
            }
            if (index == 0) {
                if ("#,[]{}&*!|>'\"%@`".indexOf(c) != -1) {
                    blockIndicators = true;
                }
                if ((c == '?' || c == ':' || c == '-') && followedByWhitespace) {
                    blockIndicators = true;
                }
            } else {
                if (c == ':' && followedByWhitespace) {
                    blockIndicators = true;
                }
                if (c == '#' && precededByWhitespace) {
                    blockIndicators = true;
                }
            }
            boolean isLineBreak = c == '\n'; // Constant.LINEBR less the refused ones
            if (isLineBreak) {
                lineBreaks = true;
            }
            if (!(c == '\n' || (0x20 <= c && c <= 0x7E))
                    && !((c >= 0xA0 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) || c >= 0x10000)) {
                special = true;
            }
            if (c == ' ') {
                leadingSpace |= index == 0;
                trailingSpace |= index == n - 1;
                breakSpace |= previousBreak;
                previousSpace = true;
                previousBreak = false;
            } else if (isLineBreak) {
                leadingBreak |= index == 0;
                trailingBreak |= index == n - 1;
                spaceBreak |= previousSpace;
                previousSpace = false;
                previousBreak = true;
            } else {
                previousSpace = false;
                previousBreak = false;
            }
            index += Character.charCount(c);
            precededByWhitespace = c == 0 || c == ' ' || c == '\t' || isLineBreak;
            // as SnakeYAML: whether the char after the next one is blank, or this one a break
            followedByWhitespace = true;
            if (index + 1 < n) {
                int next = index + Character.charCount(s.codePointAt(index));
                if (next < n) {
                    int c2 = s.codePointAt(next);
                    followedByWhitespace = c2 == 0 || c2 == ' ' || c2 == '\t' || isLineBreak;
                }
            }
        }
        boolean blockPlain = !(leadingSpace
                || leadingBreak
                || trailingSpace
                || trailingBreak
                || leadingZero(s)
                || breakSpace
                || spaceBreak
                || special
                || blockIndicators);
        boolean singleQuoted = !(breakSpace || spaceBreak || special);
        boolean block = !(trailingSpace || spaceBreak || special);
        return (lineBreaks ? LINE_BREAKS : 0)
                | (blockPlain ? BLOCK_PLAIN : 0)
                | (singleQuoted ? SINGLE_QUOTED : 0)
                | (block ? BLOCK : 0);
    }

    /** Printable ASCII that is neither blank nor any of SnakeYAML's indicators: {@link #of}'s loop sets nothing for it. */
    private static final boolean[] SIMPLE = new boolean[128];

    static {
        for (char c = 0x21; c < 0x7F; c++) {
            SIMPLE[c] = "#,[]{}&*!|>'\"%@`?:".indexOf(c) < 0;
        }
    }

    /**
     * {@link #of} for a non-empty {@link #simple} text: no blanks, breaks, indicators or special characters, so only
     * "---", "...", a lone "-" (followed by the end, which counts as whitespace) and leading zeros forbid plain.
     */
    static int ofSimple(String s) {
        boolean plain = !(s.startsWith("---") || s.startsWith("...") || s.equals("-") || leadingZero(s));
        return (plain ? BLOCK_PLAIN : 0) | SINGLE_QUOTED | BLOCK;
    }

    /** Non-empty, and only {@link #SIMPLE} characters. */
    static boolean simple(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 128 || !SIMPLE[c]) {
                return false;
            }
        }
        return true;
    }

    /** {@code Constant.NULL_BL_T_LINEBR}: NUL, space, tab, CR, LF, NEL, LS, PS. */
    private static boolean blankOrBreakFirst(int c) {
        return c == 0 || c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0x85 || c == 0x2028 || c == 0x2029;
    }

    /** {@code Emitter.hasLeadingZero}: "0" then only digits and underscores. */
    private static boolean leadingZero(String s) {
        if (s.length() < 2 || s.charAt(0) != '0') {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (!((ch >= '0' && ch <= '9') || ch == '_')) {
                return false;
            }
        }
        return true;
    }
}
