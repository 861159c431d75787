package eu.prositronic.core.inventory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A change to the inventory's text: the value at {@code at} (a key's whole value, scalar or flow collection) replaced by
 * {@code replacement}, e.g. {@code context: 131072} → {@code context: 65536}. A relaxation the solver proposes is one of
 * these, so that it can be applied as written and compiled again.
 */
public record InventoryEdit(DeploymentRequest.Position at, String was, String replacement) {

    /** {@code inventory.yaml:40:14: deployments[1].context: 131072 → 65536}. */
    public String describe(String file) {
        return file + ":" + at.line() + ":" + at.column() + ": " + at.path() + ": " + was + " → " + replacement;
    }

    /** The text with every edit applied (later positions first, so that earlier ones stay where they are). */
    public static String apply(String text, List<InventoryEdit> edits) {
        List<InventoryEdit> sorted = new ArrayList<>(edits);
        sorted.sort(Comparator.comparingInt((InventoryEdit e) -> e.at().line())
                .thenComparingInt(e -> e.at().column())
                .reversed());
        String out = text;
        for (InventoryEdit e : sorted) {
            int from = offset(out, e.at().line(), e.at().column());
            int to = offset(out, e.at().endLine(), e.at().endColumn());
            out = out.substring(0, from) + e.replacement() + out.substring(to);
        }
        return out;
    }

    public String apply(String text) {
        return apply(text, List.of(this));
    }

    /** The char offset of a 1-based line and code-point column. */
    static int offset(String text, int line, int column) {
        int at = 0;
        for (int l = 1; l < line; l++) {
            at = text.indexOf('\n', at) + 1;
            if (at == 0) {
                throw new IllegalArgumentException("no line " + line);
            }
        }
        return text.offsetByCodePoints(at, column - 1);
    }
}
