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
        if (places >= 0 && places < SCALE.length && Math.abs(v) < FAST_LIMIT) {
            // Far from a half, the shortest decimal (within half an ulp of v, under 1e-4 after scaling below 1e9)
            // and v itself round alike, so v's scaled value gives the digits; near a half, BigDecimal decides.
            double x = Math.abs(v) * SCALE[places];
            double whole = Math.floor(x);
            double fraction = x - whole;
            if (Math.abs(fraction - 0.5) > HALF_MARGIN) {
                return digits((long) whole + (fraction > 0.5 ? 1 : 0), places, v < 0 || (v == 0 && 1 / v < 0));
            }
        }
        if (!Double.isFinite(v)) {
            return String.format(java.util.Locale.ROOT, "%." + places + "f", v);
        }
        String s = new BigDecimal(Double.toString(v))
                .setScale(places, RoundingMode.HALF_UP)
                .toPlainString();
        // Formatter prints a negative number that rounds to zero with its sign ("-0.0"), as BigDecimal does not
        return (v < 0 || (v == 0 && 1 / v < 0)) && s.charAt(0) != '-' ? "-" + s : s;
    }

    private static final double[] SCALE = {1, 10, 100, 1000};
    private static final double FAST_LIMIT = 1e9;
    private static final double HALF_MARGIN = 1e-3;

    /** {@code scaled} with a point before its last {@code places} digits (zeros in front as needed), signed. */
    private static String digits(long scaled, int places, boolean negative) {
        String d = Long.toString(scaled);
        StringBuilder b = new StringBuilder(d.length() + places + 3);
        if (negative) {
            b.append('-');
        }
        if (places == 0) {
            return b.append(d).toString();
        }
        int intDigits = d.length() - places;
        if (intDigits <= 0) {
            b.append("0.");
            b.append("0".repeat(-intDigits));
            return b.append(d).toString();
        }
        return b.append(d, 0, intDigits)
                .append('.')
                .append(d, intDigits, d.length())
                .toString();
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
