package eu.prositronic.core.units;

import java.util.Locale;

/** A bandwidth in bytes per second: memory bandwidth of a GPU or a host, a link. Never a bare long in the core. */
public record BytesPerSecond(long value) implements Comparable<BytesPerSecond> {
    public BytesPerSecond {
        if (value < 0) {
            throw new IllegalArgumentException("a bandwidth cannot be negative: " + value);
        }
    }

    public static BytesPerSecond of(long bytesPerSecond) {
        return new BytesPerSecond(bytesPerSecond);
    }

    /** Decimal gigabytes per second, as datasheets and the inventory's {@code memoryBandwidthGBps} write them. */
    public static BytesPerSecond ofGBps(double gbps) {
        return new BytesPerSecond(Math.round(gbps * 1e9));
    }

    /** Seconds to move {@code bytes} at this bandwidth. */
    public double secondsFor(double bytes) {
        return bytes / value;
    }

    public double gbps() {
        return value / 1e9;
    }

    @Override
    public int compareTo(BytesPerSecond o) {
        return Long.compare(value, o.value);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%.1f GB/s", gbps());
    }
}
