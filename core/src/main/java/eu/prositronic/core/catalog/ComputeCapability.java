package eu.prositronic.core.catalog;

import java.util.regex.Pattern;

/** An NVIDIA compute capability such as {@code 7.5} or {@code 12.0}, ordered by major, then minor. */
public record ComputeCapability(int major, int minor) implements Comparable<ComputeCapability> {
    public static final Pattern PATTERN = Pattern.compile("^[0-9]{1,3}\\.[0-9]{1,3}$");

    /**
     * Parses {@code 7.5}.
     *
     * @throws IllegalArgumentException when the text is not {@code <major>.<minor>}
     */
    public static ComputeCapability parse(String text) {
        if (text == null || !PATTERN.matcher(text).matches()) {
            throw new IllegalArgumentException(
                    "not a compute capability: `" + text + "` (write it as major.minor, e.g. \"7.5\")");
        }
        int dot = text.indexOf('.');
        return new ComputeCapability(
                Integer.parseInt(text.substring(0, dot)), Integer.parseInt(text.substring(dot + 1)));
    }

    @Override
    public int compareTo(ComputeCapability o) {
        return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }

    public boolean atLeast(ComputeCapability floor) {
        return compareTo(floor) >= 0;
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
