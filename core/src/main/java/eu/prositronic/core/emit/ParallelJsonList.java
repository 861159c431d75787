package eu.prositronic.core.emit;

import eu.prositronic.core.yaml.Serializers;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A JSON document with one long top-level list (plan.json's deployments) written with the plain serializer's bytes,
 * the list's elements serialized in parallel, a batch at a time: the document is serialized with the list empty
 * ({@code "field" : [ ]}), and the elements, each pretty-printed alone as UTF-8 and indented one object deeper (the
 * pretty printer's arrays are inline: {@code [ a, b ]}), go between its brackets. A fleet's plan.json was one core's
 * work while the other waited. ParallelJsonListTest holds it against the plain serializer.
 */
final class ParallelJsonList {
    private static final int BATCH = 256;

    private ParallelJsonList() {}

    /**
     * @param shell the document with the list empty
     * @param field the top-level field of the list
     * @param items the list
     */
    static void write(Object shell, String field, List<?> items, OutputStream out) throws IOException {
        byte[] document = Serializers.jsonBytes(shell);
        byte[] empty = ("\n  \"" + field + "\" : [ ]").getBytes(StandardCharsets.UTF_8);
        int at = indexOf(document, empty);
        if (at < 0) {
            throw new IllegalStateException("the document has no empty top-level list " + field);
        }
        int close = at + empty.length - 1; // its ']'
        out.write(document, 0, close);
        for (int from = 0; from < items.size(); from += BATCH) {
            List<byte[]> texts = Parallel.map(
                    items.subList(from, Math.min(items.size(), from + BATCH)),
                    item -> indented(Serializers.jsonBytes(item)));
            for (int i = 0; i < texts.size(); i++) {
                if (from + i > 0) {
                    out.write(',');
                    out.write(' ');
                }
                out.write(texts.get(i));
            }
        }
        if (!items.isEmpty()) {
            out.write(' ');
        }
        out.write(document, close, document.length - close);
        out.write('\n');
    }

    /** Two spaces after every line break (JSON strings escape theirs, and no UTF-8 sequence holds the byte). */
    private static byte[] indented(byte[] json) {
        int breaks = 0;
        for (byte b : json) {
            if (b == '\n') {
                breaks++;
            }
        }
        byte[] out = new byte[json.length + 2 * breaks];
        int o = 0;
        for (byte b : json) {
            out[o++] = b;
            if (b == '\n') {
                out[o++] = ' ';
                out[o++] = ' ';
            }
        }
        return out;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
