package eu.prositronic.core.units;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A size in bytes. Every size in the plan and its {@code MemoryPlan} is a {@code Bytes}, so a MiB can never be
 * mistaken for a byte there; the fit engine's internal arithmetic (MemoryModel) still uses longs.
 */
public record Bytes(long value) implements Comparable<Bytes> {
    public static final Bytes ZERO = new Bytes(0);
    public static final long KIB = 1024L;
    public static final long MIB = 1024L * KIB;
    public static final long GIB = 1024L * MIB;
    public static final long TIB = 1024L * GIB;

    private static final Pattern SIZE =
            Pattern.compile("^\\s*(\\d+(?:\\.\\d+)?)\\s*(B|KiB|MiB|GiB|TiB|KB|MB|GB|TB|kB)?\\s*$");

    public Bytes {
        if (value < 0) {
            throw new IllegalArgumentException("negative size: " + value);
        }
    }

    public static Bytes of(long value) {
        return new Bytes(value);
    }

    public static Bytes ofMiB(double mib) {
        return new Bytes(Math.round(mib * MIB));
    }

    public static Bytes ofGiB(double gib) {
        return new Bytes(Math.round(gib * GIB));
    }

    /**
     * Parses {@code 64GiB}, {@code 64GB}, {@code 512 MiB} or a plain number of bytes.
     *
     * @throws IllegalArgumentException with a message that says which forms are accepted
     */
    public static Bytes parse(String text) {
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "not a size; write a number with a unit such as 64GiB, 512MiB or 64GB (KiB/MiB/GiB/TiB are powers"
                            + " of 1024, KB/MB/GB/TB of 1000)");
        }
        double number = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2);
        long factor =
                switch (unit) {
                    case "B" -> 1L;
                    case "KiB" -> KIB;
                    case "MiB" -> MIB;
                    case "GiB" -> GIB;
                    case "TiB" -> TIB;
                    case "KB", "kB" -> 1_000L;
                    case "MB" -> 1_000_000L;
                    case "GB" -> 1_000_000_000L;
                    case "TB" -> 1_000_000_000_000L;
                    default -> throw new IllegalStateException(unit);
                };
        double bytes = number * factor;
        if (bytes > MAX_PARSED) {
            throw new IllegalArgumentException("too large a size: at most 1 EiB");
        }
        return new Bytes(Math.round(bytes));
    }

    /** The largest size an input may state (1 EiB): far above any machine, far below where a long overflows. */
    public static final long MAX_PARSED = 1L << 60;

    public Bytes plus(Bytes other) {
        return new Bytes(Math.addExact(value, other.value));
    }

    public Bytes minus(Bytes other) {
        return new Bytes(Math.max(0, value - other.value));
    }

    public Bytes times(long factor) {
        return new Bytes(Math.multiplyExact(value, factor));
    }

    public boolean isZero() {
        return value == 0;
    }

    public double mib() {
        return value / (double) MIB;
    }

    public double gib() {
        return value / (double) GIB;
    }

    /** Decimal gigabytes, as the public catalog pages print them. */
    public double gb() {
        return value / 1e9;
    }

    @Override
    public int compareTo(Bytes o) {
        return Long.compare(value, o.value);
    }

    /** Human form in binary units, e.g. {@code 2.73 GiB}. */
    public String human() {
        if (value >= GIB) {
            return Decimals.fixed(gib(), 2) + " GiB";
        }
        if (value >= MIB) {
            return Decimals.fixed(mib(), 1) + " MiB";
        }
        if (value >= KIB) {
            return Decimals.fixed(value / (double) KIB, 1) + " KiB";
        }
        return value + " B";
    }

    /** Kubernetes quantity rounded up to whole MiB, e.g. {@code 6144Mi}. */
    public String kubernetesQuantity() {
        long mib = (value + MIB - 1) / MIB;
        if (mib % 1024 == 0 && mib > 0) {
            return (mib / 1024) + "Gi";
        }
        return mib + "Mi";
    }

    @Override
    public String toString() {
        return human();
    }
}
