package eu.prositronic.core.catalog;

import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * An NVIDIA driver version as {@code nvidia-smi} prints it ({@code 580.65.06}), compared part by part as numbers:
 * {@code 580.10.02 < 580.65.06 < 580.82.07}. Missing parts count as 0, so {@code 580.65} equals {@code 580.65.0}. The
 * text is kept as written ({@code 06} stays {@code 06}) for messages and generated files.
 */
public final class DriverVersion implements Comparable<DriverVersion> {
    /** Two or three dot-separated numbers, as the catalog schema and the inventory accept them. */
    public static final Pattern PATTERN = Pattern.compile("^[0-9]+(\\.[0-9]+){1,2}$");

    private final String text;
    private final int[] parts;

    private DriverVersion(String text, int[] parts) {
        this.text = text;
        this.parts = parts;
    }

    /**
     * Parses {@code 580.65.06}.
     *
     * @throws IllegalArgumentException when the text is not two or three dot-separated numbers or a part does not fit
     *     an int; the message says why, for the caller's problem report
     */
    public static DriverVersion parse(String text) {
        if (text == null || !PATTERN.matcher(text).matches()) {
            throw new IllegalArgumentException(
                    "not a driver version: `" + text + "` (write it as nvidia-smi prints it," + " e.g. \"580.65.06\")");
        }
        String[] split = text.split("\\.");
        int[] parts = new int[split.length];
        for (int i = 0; i < split.length; i++) {
            try {
                parts[i] = Integer.parseInt(split[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "not a driver version: `" + text + "` (part `" + split[i] + "` is too large)");
            }
        }
        return new DriverVersion(text, parts);
    }

    /** The numbers, e.g. {@code [580, 65, 6]}. */
    public int[] parts() {
        return parts.clone();
    }

    @Override
    public int compareTo(DriverVersion o) {
        for (int i = 0; i < Math.max(parts.length, o.parts.length); i++) {
            int a = i < parts.length ? parts[i] : 0;
            int b = i < o.parts.length ? o.parts[i] : 0;
            if (a != b) {
                return Integer.compare(a, b);
            }
        }
        return 0;
    }

    public boolean atLeast(DriverVersion floor) {
        return compareTo(floor) >= 0;
    }

    /** Equal when numerically equal: {@code 580.65.06} equals {@code 580.65.6}. */
    @Override
    public boolean equals(Object o) {
        return o instanceof DriverVersion d && compareTo(d) == 0;
    }

    @Override
    public int hashCode() {
        int[] p = parts;
        int n = p.length;
        while (n > 0 && p[n - 1] == 0) {
            n--;
        }
        return Arrays.hashCode(Arrays.copyOf(p, n));
    }

    @Override
    public String toString() {
        return text;
    }
}
