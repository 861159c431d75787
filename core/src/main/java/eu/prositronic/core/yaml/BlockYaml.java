package eu.prositronic.core.yaml;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;

/**
 * The fast path of {@link Serializers#yaml}: Jackson databind records the value's tokens (records, {@code @JsonProperty},
 * {@code @JsonInclude} and the key order stay databind's), and this class writes them as block YAML, byte for byte what
 * {@code YAMLGenerator} (jackson-dataformat-yaml 2.20, with {@link Serializers}' features) and SnakeYAML 2.5's {@code
 * Emitter} write for them. Each rule names the method it mirrors. What it does not reproduce it refuses ({@link
 * Unsupported}) before anything is returned, and {@link Serializers} writes that whole document the old way:
 *
 * <ul>
 *   <li>a root that is not a mapping or a sequence;
 *   <li>type ids, object ids, numeric field ids, binary, raw or embedded values, numbers given as text;
 *   <li>keys that SnakeYAML would not write as simple keys (empty, 128 characters or more, or with a line break);
 *   <li>strings with the line breaks NEL, LS or PS (U+0085, U+2028, U+2029) or a lone surrogate;
 *   <li>collections nested more than {@value #MAX_DEPTH} deep.
 * </ul>
 *
 * <p>Nothing is refused in the documents a build writes ({@code SerializersDifferentialTest}).
 *
 * <p>The emitter's state is SnakeYAML's: the column, whether the last thing written was whitespace or indentation, the
 * current indent ({@code -1} for SnakeYAML's {@code null}). Scalars are only ever in block context (collections with
 * content are block, empty ones are {@code {}} or {@code []}), so the flow-context rules never apply.
 */
final class BlockYaml {
    /** SnakeYAML's {@code DumperOptions} as {@code YAMLGenerator.buildDumperOptions} sets them for our features. */
    private static final int BEST_INDENT = 2;

    private static final int INDICATOR_INDENT = 2;
    private static final int BEST_WIDTH = 80;
    private static final int MAX_SIMPLE_KEY_LENGTH = 128;

    /** A document outside what this class reproduces; no stack trace (it is control flow, and cheap). */
    static final class Unsupported extends Exception {
        private static final long serialVersionUID = 1L;

        Unsupported(String why) {
            super(why, null, false, false);
        }
    }

    private enum Style {
        PLAIN,
        SINGLE_QUOTED,
        DOUBLE_QUOTED,
        LITERAL
    }

    /**
     * Keys as written (the same few hundred names in every document), direct-mapped by the name's hash: a collision
     * replaces the slot, so the table never grows. A simple key is never split and always starts right after an
     * indent, where SnakeYAML's {@code whitespace} is true, so its text does not depend on where it is. Static, not per
     * thread (nothing of this class stays on the common pool's threads); slots hold immutable entries, so racing
     * writers are harmless.
     */
    private static final WrittenKey[] KEYS = new WrittenKey[4096];

    private record WrittenKey(String name, String written) {}

    private final Text out = new Text();
    private int column;
    private boolean whitespace = true;
    private boolean indention = true;
    private int indent = -1;
    private int depth;

    /**
     * Deeper collections are refused: YAMLGenerator fails past its StreamWriteConstraints' nesting depth (1,000),
     * TokenBuffer does not check, so the old path decides (with its own error).
     */
    private static final int MAX_DEPTH = 100;

    private BlockYaml() {}

    /** {@code value} as {@code mapper} (the YAML mapper) would write it, or {@link Unsupported}. */
    static String write(ObjectMapper mapper, Object value) throws IOException, Unsupported {
        Recorder tokens = new Recorder(mapper);
        mapper.writeValue(tokens, value);
        if (tokens.unsupported != null) {
            throw new Unsupported(tokens.unsupported);
        }
        BlockYaml y = new BlockYaml();
        tokens.rewind();
        y.document(tokens);
        return y.out.toString();
    }

    /**
     * Databind's tokens. Native type and object ids are on, as in {@code YAMLGenerator.canWriteTypeId/ObjectId}, so
     * databind takes the same path as for YAML, but a document that uses them is refused (they become YAML tags and
     * anchors). So is {@code writeFieldId} (YAMLGenerator writes that key unquoted, TokenBuffer would make it a string)
     * and {@code writeNumber(String)}.
     */
    private static final class Recorder extends TokenBuffer {
        String unsupported;

        Recorder(ObjectMapper codec) {
            super(codec, true);
        }

        @Override
        public void writeTypeId(Object id) {
            unsupported = "type id";
            super.writeTypeId(id);
        }

        @Override
        public void writeObjectId(Object id) {
            unsupported = "object id";
            super.writeObjectId(id);
        }

        @Override
        public void writeFieldId(long id) throws IOException {
            unsupported = "field id";
            super.writeFieldId(id);
        }

        @Override
        public void writeNumber(String encoded) throws IOException {
            unsupported = "number as text";
            super.writeNumber(encoded);
        }

        // a cursor over the tokens, read straight from the segments (TokenBuffer's parser does more per token)

        private Segment segment;
        private int index = -1;

        void rewind() {
            segment = _first;
            index = -1;
        }

        /** The next token; {@code null} after the last (unused slots of the last segment have no type). */
        JsonToken next() {
            if (segment == null) {
                return null;
            }
            if (++index == Segment.TOKENS_PER_SEGMENT) {
                segment = segment.next();
                index = 0;
                if (segment == null) {
                    return null;
                }
            }
            return segment.type(index);
        }

        /** A field name's or string's text (TokenBuffer keeps a String or a SerializableString). */
        String text() {
            Object v = segment.get(index);
            return v instanceof String s ? s : String.valueOf(v);
        }

        Object value() {
            return segment.get(index);
        }
    }

    // ---- structure: SnakeYAML Emitter's states for one implicit document of block collections ----

    /** {@code ExpectDocumentStart} (implicit: no "---"), {@code ExpectDocumentRoot}, {@code ExpectDocumentEnd}. */
    private void document(Recorder p) throws Unsupported {
        JsonToken t = p.next();
        if (t != JsonToken.START_OBJECT && t != JsonToken.START_ARRAY) {
            throw new Unsupported("root scalar");
        }
        node(p, t, false);
        if (p.next() != null) {
            throw new Unsupported("second root");
        }
        writeIndent();
    }

    /** {@code Emitter.expectNode}: an empty collection is a flow one ({@code checkEmptyMapping/Sequence}). */
    private void node(Recorder p, JsonToken t, boolean mappingContext) throws Unsupported {
        switch (t) {
            case START_OBJECT, START_ARRAY -> {
                if (++depth > MAX_DEPTH) {
                    throw new Unsupported("nested deeper than " + MAX_DEPTH);
                }
                collection(p, t, mappingContext);
                depth--;
            }
            case VALUE_STRING -> string(p.text());
            // YAMLGenerator.writeNumber(int/long/double/float/BigInteger/BigDecimal): String.valueOf, plain
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                if (!(p.value() instanceof Number n)) {
                    throw new Unsupported("number as text");
                }
                plainWord(n.toString());
            }
            case VALUE_TRUE -> plainWord("true");
            case VALUE_FALSE -> plainWord("false");
            case VALUE_NULL -> plainWord("null");
            default -> throw new Unsupported(t.toString());
        }
    }

    /** {@code expectNode} for a collection: empty ones flow, the others block. */
    private void collection(Recorder p, JsonToken t, boolean mappingContext) throws Unsupported {
        JsonToken first = p.next();
        if (t == JsonToken.START_OBJECT) {
            if (first == JsonToken.END_OBJECT) {
                emptyFlow("{", "}");
            } else {
                blockMapping(p, first);
            }
        } else if (first == JsonToken.END_ARRAY) {
            emptyFlow("[", "]");
        } else {
            blockSequence(p, first, mappingContext);
        }
    }

    /** {@code expectFlowMapping} + {@code ExpectFirstFlowMappingKey} on the end event (and the sequence twins). */
    private void emptyFlow(String open, String close) {
        writeIndicator(open, true, true, false);
        writeIndicator(close, false, false, false);
    }

    /** {@code expectBlockMapping}, {@code ExpectBlockMappingKey}, {@code ExpectBlockMappingSimpleValue}. */
    private void blockMapping(Recorder p, JsonToken first) throws Unsupported {
        int saved = indent;
        indent = saved < 0 ? 0 : saved + BEST_INDENT; // increaseIndent(false, false)
        for (JsonToken t = first; t != JsonToken.END_OBJECT; t = p.next()) {
            if (t != JsonToken.FIELD_NAME) {
                throw new Unsupported(String.valueOf(t));
            }
            writeIndent();
            key(p.text());
            writeIndicator(":", false, false, false);
            node(p, p.next(), true);
        }
        indent = saved;
    }

    /**
     * {@code expectBlockSequence} and {@code ExpectBlockSequenceItem} with {@code indentWithIndicator} and indicator
     * indent 2: a sequence that is a mapping's value is indentless, the first item writes the indicator indent and then
     * indents by it.
     */
    private void blockSequence(Recorder p, JsonToken first, boolean mappingContext) throws Unsupported {
        boolean indentless = mappingContext && !indention;
        int saved = indent;
        indent = saved < 0 ? 0 : indentless ? saved : saved + BEST_INDENT;
        boolean firstItem = true;
        for (JsonToken t = first; t != JsonToken.END_ARRAY; t = p.next()) {
            writeIndent();
            if (firstItem) {
                writeWhitespace(INDICATOR_INDENT);
            }
            writeIndicator("-", true, false, true);
            if (firstItem) {
                indent += INDICATOR_INDENT;
            }
            node(p, t, false);
            firstItem = false;
        }
        indent = saved;
    }

    // ---- scalars: YAMLGenerator's requested style, then SnakeYAML's choice and writers ----

    /** {@code YAMLGenerator._writeFieldName}, then {@code Emitter.checkSimpleKey}. */
    private void key(String name) throws Unsupported {
        int h = name.hashCode();
        int slot = (h ^ (h >>> 12)) & (KEYS.length - 1);
        WrittenKey cached = KEYS[slot];
        String written =
                cached != null && (cached.name() == name || cached.name().equals(name)) ? cached.written() : null;
        if (written == null) {
            if (name.isEmpty() || name.length() >= MAX_SIMPLE_KEY_LENGTH) {
                throw new Unsupported("complex key");
            }
            int mark = out.length();
            int col = column;
            scalar(name, Quoting.needToQuoteName(name) ? Style.DOUBLE_QUOTED : Style.PLAIN, true);
            if (!whitespaceBefore(mark) || column - col != out.length() - mark) {
                throw new IllegalStateException("a key moved the column unlike its text: " + name);
            }
            KEYS[slot] = new WrittenKey(name, out.substring(mark));
            return;
        }
        // what scalar() leaves after a simple key: SnakeYAML's writePlain and closing writeIndicator
        out.append(written);
        column += written.length();
        whitespace = false;
        indention = false;
    }

    /** Whether the key at {@code mark} was written right after whitespace (a line start or the indent). */
    private boolean whitespaceBefore(int mark) {
        return mark == 0 || out.charAt(mark - 1) == ' ' || out.charAt(mark - 1) == '\n';
    }

    /** {@code YAMLGenerator.writeString} with MINIMIZE_QUOTES and ALWAYS_QUOTE_NUMBERS_AS_STRINGS. */
    private void string(String text) throws Unsupported {
        if (Analysis.simple(text)) {
            // the common case in one scan: no blank, break, indicator or special character, so valueHasQuotableChar
            // is false and analyzeScalar's verdict is Analysis.ofSimple's
            if (Quoting.reserved(text) || Quoting.plainNumber(text)) {
                doubleQuoted(text);
            } else if ((Analysis.ofSimple(text) & Analysis.BLOCK_PLAIN) != 0) {
                plainWord(text);
            } else {
                scalar(text, Style.PLAIN, false);
            }
            return;
        }
        int h = text.hashCode() ^ (column * 31 + indent) * 0x9E3779B9;
        int slot = (h ^ (h >>> 16)) & (VALUES.length - 1);
        WrittenValue cached = VALUES[slot];
        if (cached != null && cached.matches(text, column, indent, whitespace, indention)) {
            out.append(cached.written());
            column = cached.endColumn();
            whitespace = cached.endWhitespace();
            indention = cached.endIndention();
            return;
        }
        int mark = out.length();
        WrittenValue before = new WrittenValue(text, column, indent, whitespace, indention, null, 0, false, false);
        styled(text);
        VALUES[slot] = before.then(out.substring(mark), column, whitespace, indention);
    }

    /**
     * Non-simple values as written, direct-mapped like {@link #KEYS}: the same text at the same column and indent,
     * after the same whitespace and indentation flags, is always written the same (the style depends on the text
     * alone, the writers on that state alone), and the repeated long texts (a double-quoted estimate note, a folded
     * description) are the costly ones to write.
     */
    private static final WrittenValue[] VALUES = new WrittenValue[1024];

    private record WrittenValue(
            String text,
            int column,
            int indent,
            boolean whitespace,
            boolean indention,
            String written,
            int endColumn,
            boolean endWhitespace,
            boolean endIndention) {
        boolean matches(String t, int c, int i, boolean w, boolean d) {
            return column == c && indent == i && whitespace == w && indention == d && (text == t || text.equals(t));
        }

        WrittenValue then(String out, int c, boolean w, boolean d) {
            return new WrittenValue(text, column, indent, whitespace, indention, out, c, w, d);
        }
    }

    /** {@link #string} for a text that is not {@link Analysis#simple}. */
    private void styled(String text) throws Unsupported {
        Style requested;
        if (text.isEmpty()) {
            requested = Style.DOUBLE_QUOTED;
        } else if (text.indexOf('\n') >= 0) {
            requested = Style.LITERAL;
        } else if (Quoting.needToQuoteValue(text) || Quoting.plainNumber(text)) {
            requested = Style.DOUBLE_QUOTED;
        } else {
            requested = Style.PLAIN;
        }
        if (requested == Style.DOUBLE_QUOTED) {
            doubleQuoted(text);
        } else {
            scalar(text, requested, false);
        }
    }

    /**
     * A requested double-quoted value: chooseScalarStyle keeps it whatever the analysis says, so none is made (the
     * writer refuses the one thing the analysis would have: a high surrogate without its pair).
     */
    private void doubleQuoted(String text) throws Unsupported {
        int saved = indent;
        indent = saved < 0 ? BEST_INDENT : saved + BEST_INDENT;
        writeDoubleQuoted(text, true);
        indent = saved;
    }

    /**
     * {@link #scalar} for a plain value without spaces (numbers, booleans, null, simple words): {@code writePlain}
     * has nothing to split, so only the separating space and the text.
     */
    private void plainWord(String text) {
        if (!whitespace) {
            out.append(' ');
            column++;
        }
        out.append(text);
        column += text.length();
        whitespace = false;
        indention = false;
    }

    /** {@code Emitter.expectScalar}: {@code increaseIndent(true, false)}, {@code processScalar}. */
    private void scalar(String text, Style requested, boolean simpleKey) throws Unsupported {
        int a = Analysis.of(text);
        if (simpleKey && (a & Analysis.LINE_BREAKS) != 0) {
            throw new Unsupported("multi-line key");
        }
        Style style = choose(requested, a, simpleKey);
        int saved = indent;
        indent = saved < 0 ? BEST_INDENT : saved + BEST_INDENT;
        boolean split = !simpleKey; // DumperOptions.splitLines is on (SPLIT_LINES)
        switch (style) {
            case PLAIN -> writePlain(text, split);
            case SINGLE_QUOTED -> writeSingleQuoted(text, split);
            case DOUBLE_QUOTED -> writeDoubleQuoted(text, split);
            case LITERAL -> writeLiteral(text);
        }
        indent = saved;
    }

    /**
     * {@code Emitter.chooseScalarStyle} at flow level 0 with implicit tags: double quotes stay; plain if the analysis
     * allows block plain; literal if it allows a block; a plain request falls back to single quotes, then double.
     */
    private static Style choose(Style requested, int a, boolean simpleKey) {
        boolean multiline = (a & Analysis.LINE_BREAKS) != 0;
        if (requested == Style.DOUBLE_QUOTED) {
            return Style.DOUBLE_QUOTED;
        }
        if (requested == Style.PLAIN && !(simpleKey && multiline) && (a & Analysis.BLOCK_PLAIN) != 0) {
            return Style.PLAIN;
        }
        if (requested == Style.LITERAL && !simpleKey && (a & Analysis.BLOCK) != 0) {
            return Style.LITERAL;
        }
        if (requested == Style.PLAIN && (a & Analysis.SINGLE_QUOTED) != 0 && !(simpleKey && multiline)) {
            return Style.SINGLE_QUOTED;
        }
        return Style.DOUBLE_QUOTED;
    }

    /**
     * {@code Emitter.writePlain} with split: a single space past the best width becomes a line break and the indent.
     * Plain text has no line breaks here (a '\n' makes YAMLGenerator ask for a literal; the others are refused).
     */
    private void writePlain(String text, boolean split) throws Unsupported {
        if (text.indexOf('\n') >= 0) {
            throw new Unsupported("line break in plain");
        }
        if (!whitespace) {
            out.append(' ');
            column++;
        }
        whitespace = false;
        indention = false;
        int n = text.length();
        if (text.indexOf(' ') < 0) {
            append(text, 0, n); // no space, nowhere to split
            return;
        }
        boolean spaces = false;
        int start = 0;
        for (int end = 0; end <= n; end++) {
            char ch = end < n ? text.charAt(end) : 0;
            if (spaces) {
                if (ch != ' ') {
                    if (start + 1 == end && column > BEST_WIDTH && split) {
                        writeIndent();
                        whitespace = false;
                        indention = false;
                    } else {
                        append(text, start, end);
                    }
                    start = end;
                }
            } else if (ch == 0 || ch == ' ') {
                append(text, start, end);
                start = end;
            }
            if (ch != 0) {
                spaces = ch == ' ';
            }
        }
    }

    /**
     * {@code Emitter.writeSingleQuoted}: quotes doubled; a single inner space past the best width becomes a line
     * break. No line breaks here (see {@link #writePlain}).
     */
    private void writeSingleQuoted(String text, boolean split) throws Unsupported {
        if (text.indexOf('\n') >= 0) {
            throw new Unsupported("line break in single quotes");
        }
        writeIndicator("'", true, false, false);
        int n = text.length();
        boolean spaces = false;
        int start = 0;
        for (int end = 0; end <= n; end++) {
            char ch = end < n ? text.charAt(end) : 0;
            if (spaces) {
                if (ch != ' ') {
                    if (start + 1 == end && column > BEST_WIDTH && split && start != 0 && end != n) {
                        writeIndent();
                    } else {
                        append(text, start, end);
                    }
                    start = end;
                }
            } else if ((ch == 0 || ch == ' ' || ch == '\'') && start < end) {
                append(text, start, end);
                start = end;
            }
            if (ch == '\'') {
                out.append('\'').append('\'');
                column += 2;
                start = end + 1;
            }
            if (ch != 0) {
                spaces = ch == ' ';
            }
        }
        writeIndicator("'", false, false, false);
    }

    /**
     * {@code Emitter.writeDoubleQuoted}: printable non-ASCII as it is (allowUnicode), the named escapes of {@code
     * ESCAPE_REPLACEMENTS}, else {@code \xXX} / {@code \\uXXXX}; past the best width, at a space or after an escape,
     * the line ends in a backslash and the next starts at the indent (a leading space escaped).
     */
    private void writeDoubleQuoted(String text, boolean split) throws Unsupported {
        writeIndicator("\"", true, false, false);
        int n = text.length();
        int start = 0;
        for (int end = 0; end <= n; end++) {
            char ch = end < n ? text.charAt(end) : 0;
            if (end == n || ch == '"' || ch == '\\' || ch == '\uFEFF' || ch < 0x20 || ch > 0x7E) {
                if (start < end) {
                    append(text, start, end);
                    start = end;
                }
                if (end < n) {
                    String named = named(ch);
                    if (named != null) {
                        out.append(named);
                        column += named.length();
                    } else if (Character.isHighSurrogate(ch)) {
                        if (end + 1 >= n || !Character.isLowSurrogate(text.charAt(end + 1))) {
                            throw new Unsupported("lone surrogate");
                        }
                        // a pair: printable (allowUnicode), written as it is, both chars
                        out.append(ch).append(text.charAt(end + 1));
                        column += 2;
                        end++;
                    } else if (printable(ch)) {
                        out.append(ch);
                        column++;
                    } else if (ch <= 0xFF) {
                        out.append('\\').append('x').append(HEX[ch >> 4]).append(HEX[ch & 15]);
                        column += 4;
                    } else {
                        out.append('\\')
                                .append('u')
                                .append(HEX[ch >> 12])
                                .append(HEX[(ch >> 8) & 15])
                                .append(HEX[(ch >> 4) & 15])
                                .append(HEX[ch & 15]);
                        column += 6;
                    }
                    start = end + 1;
                }
            }
            if (0 < end && end < n - 1 && (ch == ' ' || start >= end) && column + (end - start) > BEST_WIDTH && split) {
                if (start < end) {
                    append(text, start, end);
                    start = end;
                }
                out.append('\\');
                column++;
                writeIndent();
                whitespace = false;
                indention = false;
                if (text.charAt(start) == ' ') {
                    out.append('\\');
                    column++;
                }
            }
        }
        writeIndicator("\"", false, false, false);
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** {@code Emitter.ESCAPE_REPLACEMENTS}. */
    private static String named(char ch) {
        return switch (ch) {
            case 0 -> "\\0";
            case 7 -> "\\a";
            case 8 -> "\\b";
            case 9 -> "\\t";
            case '\n' -> "\\n";
            case 0x0B -> "\\v";
            case 0x0C -> "\\f";
            case '\r' -> "\\r";
            case 0x1B -> "\\e";
            case '"' -> "\\\"";
            case '\\' -> "\\\\";
            case 0x85 -> "\\N";
            case 0xA0 -> "\\_";
            case 0x2028 -> "\\L";
            case 0x2029 -> "\\P";
            default -> null;
        };
    }

    /** {@code StreamReader.isPrintable} for a BMP char that is not a surrogate. */
    static boolean printable(int c) {
        return (c >= 0x20 && c <= 0x7E)
                || c == 0x9
                || c == 0xA
                || c == 0xD
                || c == 0x85
                || (c >= 0xA0 && c <= 0xD7FF)
                || (c >= 0xE000 && c <= 0xFFFD)
                || (c >= 0x10000 && c <= 0x10FFFF);
    }

    /**
     * {@code Emitter.writeLiteral} with {@code determineBlockHints}: "2" for a leading space or break, "-" without a
     * final break, "+" for more than one; the text's lines at the indent, empty lines empty. Like SnakeYAML, the text
     * itself does not move the column (the literal always ends on a line break).
     */
    private void writeLiteral(String text) {
        int n = text.length();
        char firstCh = text.charAt(0);
        char lastCh = text.charAt(n - 1);
        String hints = firstCh == '\n' || firstCh == ' ' ? "2" : "";
        if (lastCh != '\n') {
            hints += "-";
        } else if (n == 1 || text.charAt(n - 2) == '\n') {
            hints += "+";
        }
        writeIndicator("|" + hints, true, false, false);
        writeLineBreak();
        boolean breaks = true;
        int start = 0;
        for (int end = 0; end <= n; end++) {
            char ch = end < n ? text.charAt(end) : 0;
            if (breaks) {
                if (ch != '\n') {
                    for (int i = start; i < end; i++) {
                        writeLineBreak();
                    }
                    if (end < n) {
                        writeIndent();
                    }
                    start = end;
                }
            } else if (end == n || ch == '\n') {
                out.append(text, start, end);
                if (end == n) {
                    writeLineBreak();
                }
                start = end;
            }
            if (end < n) {
                breaks = ch == '\n';
            }
        }
    }

    // ---- SnakeYAML Emitter's low-level writers ----

    private void append(String text, int start, int end) {
        if (start == 0 && end == text.length()) {
            out.append(text);
        } else {
            out.append(text, start, end);
        }
        column += end - start;
    }

    /** {@code Emitter.writeIndicator}. */
    private void writeIndicator(String indicator, boolean needWhitespace, boolean isWhitespace, boolean indentation) {
        if (!whitespace && needWhitespace) {
            out.append(' ');
            column++;
        }
        whitespace = isWhitespace;
        indention = indention && indentation;
        column += indicator.length();
        out.append(indicator);
    }

    /** {@code Emitter.writeIndent}. */
    private void writeIndent() {
        int i = Math.max(indent, 0);
        if (!indention || column > i || (column == i && !whitespace)) {
            writeLineBreak();
        }
        writeWhitespace(i - column);
    }

    /** {@code Emitter.writeWhitespace}. */
    private void writeWhitespace(int length) {
        if (length <= 0) {
            return;
        }
        whitespace = true;
        column += length;
        out.spaces(length);
    }

    /** {@code Emitter.writeLineBreak} (LF: USE_PLATFORM_LINE_BREAKS is off). */
    private void writeLineBreak() {
        whitespace = true;
        indention = true;
        column = 0;
        out.append('\n');
    }

    /**
     * The output: a plain char array (a StringBuilder checks its coder and capacity in more steps per append, and the
     * emitter appends a few hundred short pieces per document).
     */
    private static final class Text {
        /** The last document's length, a guess for the next one's (racy on purpose; capped). */
        private static int hint = 2048;

        private char[] buf = new char[hint];
        private int len;

        private void room(int more) {
            if (len + more > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
            }
        }

        Text append(char c) {
            room(1);
            buf[len++] = c;
            return this;
        }

        Text append(String s) {
            int n = s.length();
            room(n);
            s.getChars(0, n, buf, len);
            len += n;
            return this;
        }

        Text append(String s, int start, int end) {
            room(end - start);
            s.getChars(start, end, buf, len);
            len += end - start;
            return this;
        }

        void spaces(int n) {
            room(n);
            for (int i = 0; i < n; i++) {
                buf[len + i] = ' ';
            }
            len += n;
        }

        int length() {
            return len;
        }

        char charAt(int i) {
            return buf[i];
        }

        String substring(int from) {
            return new String(buf, from, len - from);
        }

        @Override
        public String toString() {
            hint = Math.min(len + 256, 1 << 14);
            return new String(buf, 0, len);
        }
    }
}
