package eu.prositronic.core.problem;

import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/** "perhaps you meant `x`": the closest known name to a misspelled one. */
public final class Suggestions {
    private Suggestions() {}

    public static Optional<String> closest(String wrong, Collection<String> known) {
        if (wrong == null || known.isEmpty()) {
            return Optional.empty();
        }
        String w = normalise(wrong);
        return known.stream()
                .min(Comparator.comparingInt((String k) -> distance(w, normalise(k)))
                        .thenComparing(Comparator.naturalOrder()))
                .filter(k -> distance(w, normalise(k)) <= Math.max(2, w.length() / 3));
    }

    /** {@code perhaps you meant `x`} when a close name exists, else a list of the valid names. */
    public static String fix(String wrong, Collection<String> known) {
        Optional<String> best = closest(wrong, known);
        if (best.isPresent()) {
            return "perhaps you meant `" + best.get() + "`";
        }
        return "valid values: " + String.join(", ", known.stream().sorted().toList());
    }

    private static String normalise(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
