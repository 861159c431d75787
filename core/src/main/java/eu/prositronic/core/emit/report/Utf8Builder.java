package eu.prositronic.core.emit.report;

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

    /** Bytes already encoded (template text: it holds no lone surrogate). */
    Utf8Builder append(byte[] encoded) {
        flushHigh();
        room(encoded.length);
        System.arraycopy(encoded, 0, bytes, length, encoded.length);
        length += encoded.length;
        return this;
    }

    Utf8Builder append(String s) {
        return append(s, 0, s.length());
    }

    /** The chars of {@code s} from {@code from} to {@code to} (exclusive). */
    Utf8Builder append(String s, int from, int to) {
        if (from == to) {
            return this;
        }
        // at most 3 bytes a char (a surrogate pair is 4 bytes for 2 chars), and 3 for a held-back surrogate
        room(3 * (to - from) + 3);
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
                b[n++] = (byte) c;
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
