package eu.prositronic.core.emit.report;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A page built straight as UTF-8, the bytes {@code String.getBytes(UTF_8)} gives for the concatenation of everything
 * appended. A page built as a {@code StringBuilder} turns UTF-16 at its first character outside Latin-1 (a "–" in
 * the text), after which each append widens its chars and the whole page is encoded once more at the end: that was a
 * fifth of the report's time. A lone surrogate becomes {@code '?'}, as the JDK's encoder replaces it, also where a
 * high surrogate ends one append and its low surrogate starts the next (it is held back until then).
 */
final class Utf8Builder {
    private byte[] bytes;
    private int length;
    /** A high surrogate that ended the last append, not yet written; 0 when none. */
    private char high;

    Utf8Builder(int capacity) {
        bytes = new byte[Math.max(16, capacity)];
    }

    int length() {
        return length;
    }

    /**
     * Bytes already encoded whole (template text, a string encoded alone): a high surrogate held back before them is a
     * lone one.
     */
    Utf8Builder append(byte[] encoded) {
        flushHigh();
        copy(encoded, 0, encoded.length);
        return this;
    }

    Utf8Builder append(String s) {
        if (s.length() >= WHOLE && encodesAlone(s)) {
            return append(s.getBytes(StandardCharsets.UTF_8));
        }
        return append(s, 0, s.length(), false);
    }

    /**
     * From this many chars a string is encoded by the JDK's encoder, whole, and copied: a loop of {@code charAt} here
     * costs more (most of all in C1-compiled code, the example's {@code .mvn/jvm.config}).
     */
    private static final int WHOLE = 16;

    /** Whether {@code s} encodes alone as it would within the page: no surrogate held back, none to hold back. */
    private boolean encodesAlone(String s) {
        return high == 0 && !Character.isHighSurrogate(s.charAt(s.length() - 1));
    }

    /** The chars of {@code s} from {@code from} to {@code to} (exclusive). */
    Utf8Builder append(String s, int from, int to) {
        return append(s, from, to, false);
    }

    /**
     * {@code s} with what Jinjava's autoescape replaces ({@code & > < ' "}, as {@code HtmlEscaper} does) replaced by
     * its entity.
     */
    Utf8Builder appendEscaped(String s) {
        if (s.length() < WHOLE || !encodesAlone(s)) {
            return append(s, 0, s.length(), true);
        }
        // escaped in the encoded bytes: no byte of a multi-byte UTF-8 sequence is below 0x80
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        room(utf8.length);
        int run = 0;
        for (int i = 0; i < utf8.length; i++) {
            int c = utf8[i];
            if ((c & 0xc0) == 0 && (ESCAPED >>> c & 1) != 0) {
                copy(utf8, run, i);
                room(6);
                length = entity(bytes, length, (char) c);
                run = i + 1;
            }
        }
        copy(utf8, run, utf8.length);
        return this;
    }

    private void copy(byte[] from, int start, int end) {
        room(end - start);
        System.arraycopy(from, start, bytes, length, end - start);
        length += end - start;
    }

    /** {@code & " ' < >}: all below 64, so one bit each of a long. */
    private static final long ESCAPED = 1L << '&' | 1L << '"' | 1L << '\'' | 1L << '<' | 1L << '>';

    private Utf8Builder append(String s, int from, int to, boolean escape) {
        if (from == to) {
            return this;
        }
        // at most 3 bytes a char (a surrogate pair is 4 bytes for 2 chars; an entity is at most 6 bytes for one
        // char), and 3 for a held-back surrogate
        room((escape ? 6 : 3) * (to - from) + 3);
        byte[] b = bytes;
        int n = length;
        int i = from;
        if (high != 0) {
            char c = s.charAt(i);
            if (Character.isLowSurrogate(c)) {
                n = four(b, n, Character.toCodePoint(high, c));
                i++;
            } else {
                b[n++] = '?';
            }
            high = 0;
        }
        for (; i < to; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (escape && c < 64 && (ESCAPED >>> c & 1) != 0) {
                    n = entity(b, n, c);
                } else {
                    b[n++] = (byte) c;
                }
            } else if (c < 0x800) {
                b[n++] = (byte) (0xc0 | c >> 6);
                b[n++] = (byte) (0x80 | c & 0x3f);
            } else if (!Character.isSurrogate(c)) {
                b[n++] = (byte) (0xe0 | c >> 12);
                b[n++] = (byte) (0x80 | c >> 6 & 0x3f);
                b[n++] = (byte) (0x80 | c & 0x3f);
            } else if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
                n = four(b, n, Character.toCodePoint(c, s.charAt(++i)));
            } else if (Character.isHighSurrogate(c) && i + 1 == to) {
                high = c;
            } else {
                b[n++] = '?';
            }
        }
        length = n;
        return this;
    }

    private static int entity(byte[] b, int n, char c) {
        String e =
                switch (c) {
                    case '&' -> "&amp;";
                    case '>' -> "&gt;";
                    case '<' -> "&lt;";
                    case '\'' -> "&#39;";
                    default -> "&quot;";
                };
        for (int k = 0; k < e.length(); k++) {
            b[n++] = (byte) e.charAt(k);
        }
        return n;
    }

    private static int four(byte[] b, int n, int codePoint) {
        b[n++] = (byte) (0xf0 | codePoint >> 18);
        b[n++] = (byte) (0x80 | codePoint >> 12 & 0x3f);
        b[n++] = (byte) (0x80 | codePoint >> 6 & 0x3f);
        b[n++] = (byte) (0x80 | codePoint & 0x3f);
        return n;
    }

    /** Drops the last byte where it is {@code '\n'} (Jinjava's rule for a page's end). */
    void dropTrailingNewline() {
        if (high == 0 && length > 0 && bytes[length - 1] == '\n') {
            length--;
        }
    }

    byte[] toByteArray() {
        flushHigh();
        return Arrays.copyOf(bytes, length);
    }

    private void flushHigh() {
        if (high != 0) {
            room(1);
            bytes[length++] = '?';
            high = 0;
        }
    }

    private void room(int more) {
        if (bytes.length - length < more) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
