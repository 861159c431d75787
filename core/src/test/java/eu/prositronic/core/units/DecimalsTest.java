package eu.prositronic.core.units;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DecimalsTest {
    @Test
    void fixedPrintsWhatStringFormatPrints() {
        SplittableRandom r = new SplittableRandom(15);
        double[] edges = {
            0,
            -0.0,
            0.05,
            0.15,
            0.25,
            0.125,
            1.005,
            2.675,
            9.95,
            9.995,
            99.95,
            0.045,
            1e-9,
            -0.04,
            -1.25,
            1e15 + 0.5,
            123456789.125,
            640,
            639.95,
            Double.MIN_VALUE,
            Double.MAX_VALUE,
            Double.NaN
        };
        for (double v : edges) {
            for (int places = 0; places <= 3; places++) {
                assertThat(Decimals.fixed(v, places))
                        .as("%s to %d places", v, places)
                        .isEqualTo(String.format(Locale.ROOT, "%." + places + "f", v));
            }
        }
        for (int i = 0; i < 200_000; i++) {
            // the fast path's whole range and past it, and values a hair from a half at every scale
            double v = (r.nextBoolean() ? 1 : -1) * r.nextDouble() * Math.pow(10, r.nextInt(-4, 11));
            int places = r.nextInt(4);
            double half = (Math.floor(v * Math.pow(10, places)) + 0.5) / Math.pow(10, places);
            for (double x : new double[] {v, half, Math.nextUp(half), Math.nextDown(half)}) {
                assertThat(Decimals.fixed(x, places))
                        .as("%s to %d places", x, places)
                        .isEqualTo(String.format(Locale.ROOT, "%." + places + "f", x));
            }
        }
        for (int i = 0; i < 20_000; i++) {
            long bytes = r.nextLong(1L << (1 + r.nextInt(50)));
            double[] values = {
                bytes / (double) Bytes.GIB,
                bytes / (double) Bytes.MIB,
                bytes / (double) Bytes.KIB,
                r.nextDouble() * 640,
                r.nextInt(64_000) / 100.0 + 0.005,
                bytes / 1e9
            };
            for (double v : values) {
                assertThat(Decimals.fixed(v, 1)).isEqualTo(String.format(Locale.ROOT, "%.1f", v));
                assertThat(Decimals.fixed(v, 2)).isEqualTo(String.format(Locale.ROOT, "%.2f", v));
            }
        }
    }

    @Test
    void groupedPrintsWhatStringFormatPrints() {
        SplittableRandom r = new SplittableRandom(13);
        long[] edges = {
            0,
            1,
            12,
            123,
            999,
            1000,
            1234,
            999_999,
            1_000_000,
            -1,
            -999,
            -1000,
            -1_234_567,
            Long.MAX_VALUE,
            Long.MIN_VALUE
        };
        for (long n : edges) {
            assertThat(Decimals.grouped(n)).isEqualTo(String.format(Locale.ROOT, "%,d", n));
        }
        for (int i = 0; i < 20_000; i++) {
            long n = r.nextLong() >> r.nextInt(63);
            assertThat(Decimals.grouped(n)).isEqualTo(String.format(Locale.ROOT, "%,d", n));
        }
    }
}
