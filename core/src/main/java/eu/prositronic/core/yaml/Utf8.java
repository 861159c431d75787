package eu.prositronic.core.yaml;

import eu.prositronic.core.problem.Problem;
import eu.prositronic.core.problem.ProsiException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/** Input files are UTF-8: a byte that is not says where it is, instead of Java's "Input length = 1". */
public final class Utf8 {
    private Utf8() {}

    public static String decode(Path file, byte[] bytes) throws ProsiException {
        Problems problems = new Problems();
        Optional<String> text = decode(file, bytes, problems);
        problems.throwIfAny();
        return text.orElseThrow();
    }

    /**
     * The text, or empty with a placed problem (file, line, column, the byte and its offset) when a byte is not
     * UTF-8; a catalog loader collects it with the other files' problems.
     */
    public static Optional<String> decode(Path file, byte[] bytes, Problems problems) {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult r = decoder.decode(in, out, true);
        if (r.isError()) {
            int at = in.position();
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < at; i++) {
                if (bytes[i] == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            String shown = String.format("0x%02X", bytes[at] & 0xff);
            problems.add(new Problem(
                    file,
                    line,
                    at - lineStart + 1,
                    "",
                    null,
                    "byte " + shown + " (offset " + at + ") is not UTF-8",
                    "save the file as UTF-8 (it looks like "
                            + ((bytes[at] & 0xff) >= 0x80 ? "Latin-1 or Windows-1252" : "binary data") + ")"));
            return Optional.empty();
        }
        try {
            decoder.flush(out);
        } catch (RuntimeException e) {
            throw new IllegalStateException(e);
        }
        out.flip();
        String text = out.toString();
        return Optional.of(text.startsWith("\uFEFF") ? text.substring(1) : text);
    }

    /** For tests and callers that only need to know. */
    static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
