package eu.prositronic.core.problem;

import java.text.Normalizer;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * "perhaps you meant `x`": the closest known name to a misspelled one. Names are compared after NFKC and folding the
 * common look-alikes (Cyrillic and Greek letters that look Latin, invisible characters), so a homoglyph of {@code
 * gpu-01} is {@code gpu-01}; when two names are equally close none is suggested.
 */
public final class Suggestions {
    /** At most this many valid values are listed (every key of a deployment, 21, fits). */
    static final int MAX_LISTED = 25;

    private static final Map<Integer, Character> CONFUSABLES = Map.ofEntries(
            Map.entry(0x0430, 'a'),
            Map.entry(0x0435, 'e'),
            Map.entry(0x043E, 'o'),
            Map.entry(0x0440, 'p'),
            Map.entry(0x0441, 'c'),
            Map.entry(0x0443, 'y'),
            Map.entry(0x0445, 'x'),
            Map.entry(0x0456, 'i'),
            Map.entry(0x0458, 'j'),
            Map.entry(0x0455, 's'),
            Map.entry(0x0501, 'd'),
            Map.entry(0x04BB, 'h'),
            Map.entry(0x0261, 'g'),
            Map.entry(0x0251, 'a'),
            Map.entry(0x026A, 'i'),
            Map.entry(0x03BF, 'o'),
            Map.entry(0x03B1, 'a'),
            Map.entry(0x03BD, 'v'),
            Map.entry(0x03C1, 'p'),
            Map.entry(0x03C4, 't'),
            Map.entry(0x03B9, 'i'),
            Map.entry(0x03BA, 'k'),
            Map.entry(0x03C5, 'u'),
            Map.entry(0x0131, 'i'),
            Map.entry(0x2010, '-'),
            Map.entry(0x2011, '-'),
            Map.entry(0x2012, '-'),
            Map.entry(0x2013, '-'),
            Map.entry(0x2212, '-'));

    private Suggestions() {}

    public static Optional<String> closest(String wrong, Collection<String> known) {
        if (wrong == null || known.isEmpty()) {
            return Optional.empty();
        }
        String w = fold(wrong);
        int best = Integer.MAX_VALUE;
        String bestName = null;
        boolean tie = false;
        for (String k : known) {
            if (k.isBlank()) {
                continue;
            }
            int d = distance(w, fold(k));
            if (d < best) {
                best = d;
                bestName = k;
                tie = false;
            } else if (d == best && !k.equals(bestName)) {
                tie = true;
            }
        }
        if (bestName == null || tie || best > Math.max(2, w.length() / 3) || bestName.equals(wrong)) {
            return Optional.empty();
        }
        return Optional.of(bestName);
    }

    /** {@code perhaps you meant `x`} when one close name exists, else a list of the valid names. */
    public static String fix(String wrong, Collection<String> known) {
        Optional<String> best = closest(wrong, known);
        if (best.isPresent()) {
            return "perhaps you meant `" + best.get() + "`";
        }
        return listed(known).map(l -> "valid values: " + l).orElse("there is none to choose from: define one first");
    }

    /**
     * The known names, sorted, at most {@link #MAX_LISTED} of them and how many more; empty when none can be written
     * (a blank name, itself a problem elsewhere, would make an empty list).
     */
    public static Optional<String> listed(Collection<String> known) {
        List<String> sorted =
                known.stream().filter(k -> !k.isBlank()).distinct().sorted().toList();
        if (sorted.isEmpty()) {
            return Optional.empty();
        }
        String listed = String.join(", ", sorted.subList(0, Math.min(MAX_LISTED, sorted.size())));
        return Optional.of(
                listed + (sorted.size() > MAX_LISTED ? " … (" + (sorted.size() - MAX_LISTED) + " more)" : ""));
    }

    /** NFKC, lower case, look-alikes to their Latin letter, invisible characters dropped. */
    static String fold(String s) {
        String n = Normalizer.normalize(s, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        StringBuilder sb = new StringBuilder(n.length());
        n.codePoints().forEach(cp -> {
            int type = Character.getType(cp);
            if (type == Character.FORMAT || type == Character.CONTROL) {
                return;
            }
            Character c = CONFUSABLES.get(cp);
            if (c != null) {
                sb.append(c.charValue());
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.toString();
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
