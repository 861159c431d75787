package eu.prositronic.core.emit;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/** The generated output, in memory, by relative path; written to disk only when complete. */
public final class OutputTree {
    private final SortedMap<String, byte[]> files = new TreeMap<>();

    public void put(String path, String text) {
        put(path, text.getBytes(StandardCharsets.UTF_8));
    }

    public void put(String path, byte[] bytes) {
        if (path.startsWith("/") || path.contains("..") || path.contains("\\")) {
            throw new IllegalArgumentException("not a relative output path: " + path);
        }
        byte[] previous = files.putIfAbsent(path, bytes);
        if (previous != null && !java.util.Arrays.equals(previous, bytes)) {
            throw new IllegalStateException("two generation steps wrote different " + path);
        }
    }

    public SortedMap<String, byte[]> files() {
        return Collections.unmodifiableSortedMap(files);
    }

    public String text(String path) {
        byte[] b = files.get(path);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}
