package eu.prositronic.core.units;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The two number formats the generated files print, byte for byte as {@code String.format(Locale.ROOT, ...)} prints
 * them, without its cost (a large fleet's report formats millions of figures): {@code %.Nf} rounds the shortest decimal
 * that identifies the double ({@link Double#toString}) half up, as {@code Formatter} does; {@code %,d} groups by
 * three with commas. DecimalsTest holds them against {@code String.format} on millions of values.
 */
public final class Decimals {
    private Decimals() {}

    /** {@code String.format(Locale.ROOT, "%.<places>f", v)} for a finite {@code v}. */
    public static String fixed(double v, int places) {
        if (!Double.isFinite(v)) {
            return String.format(java.util.Locale.ROOT, "%." + places + "f", v);
        }
        String s = new BigDecimal(Double.toString(v))
                .setScale(places, RoundingMode.HALF_UP)
                .toPlainString();
        // Formatter prints a negative number that rounds to zero with its sign ("-0.0"), as BigDecimal does not
        return (v < 0 || (v == 0 && 1 / v < 0)) && s.charAt(0) != '-' ? "-" + s : s;
    }

    /** {@code String.format(Locale.ROOT, "%,d", n)}. */
    public static String grouped(long n) {
        if (n == Long.MIN_VALUE) {
            return String.format(java.util.Locale.ROOT, "%,d", n);
        }
        String digits = Long.toString(Math.abs(n));
        int len = digits.length();
        StringBuilder b = new StringBuilder(len + len / 3 + 1);
        if (n < 0) {
            b.append('-');
        }
        int first = len % 3 == 0 ? 3 : len % 3;
        b.append(digits, 0, first);
        for (int i = first; i < len; i += 3) {
            b.append(',').append(digits, i, i + 3);
        }
        return b.toString();
    }
}
