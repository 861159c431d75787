package eu.prositronic.core.console;

import eu.prositronic.core.fit.Conflict;
import eu.prositronic.core.inventory.InventoryEdit;
import eu.prositronic.core.units.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A {@link Conflict} in words, for the build log: who cannot be placed together, the numbers, then what would fix it. */
public final class ConflictMessage {
    private ConflictMessage() {}

    public static String format(Conflict c, String file) {
        StringBuilder sb = new StringBuilder();
        List<String> names = c.members().stream().map(m -> "`" + m.name() + "`").toList();
        sb.append(
                        names.size() == 1
                                ? "deployment " + names.get(0) + " cannot be placed"
                                : "deployments " + String.join(", ", names) + " cannot be placed together")
                .append(
                        c.minimal()
                                ? " (the smallest such set: leave any one out and the rest fit)"
                                : " beside the many deployments that may share its nodes (too many to reduce to the smallest"
                                        + " set)")
                .append(':');
        for (Conflict.Member m : c.members()) {
            sb.append(' ')
                    .append(m.name())
                    .append(" (")
                    .append(m.model())
                    .append(' ')
                    .append(m.asked())
                    .append(m.where()
                            .map(w -> ", " + file + ":" + w.line() + ":" + w.column())
                            .orElse(""))
                    .append(m.fitsAlone() ? ") needs at least " : ") does not fit even alone: it needs ")
                    .append(memory(m.vramBytes(), m.ramBytes()))
                    .append(" (")
                    .append(m.smallestQuant())
                    .append(" on ")
                    .append(m.smallestNode())
                    .append(" at ")
                    .append(thousands(m.smallestContext()))
                    .append(" tokens")
                    .append(m.fitsAlone() ? ", alone" : "")
                    .append(");");
        }
        List<String> rooms = new ArrayList<>();
        for (Conflict.Room r : c.nodes()) {
            rooms.add(r.node() + " " + memory(r.vramBytes(), r.ramBytes()));
        }
        sb.append(" the nodes they may use have ")
                .append(String.join(", ", rooms))
                .append(" after the reserves.");
        if (c.relaxations().isEmpty()) {
            sb.append(" No single change tried makes the inventory solvable: give these deployments more nodes or"
                    + " smaller models.");
            return sb.toString();
        }
        Conflict.Relaxation best = c.relaxations().get(0);
        sb.append(" Cheapest fix (checked by solving again): ")
                .append(best.sentence())
                .append(edits(best, file));
        if (c.relaxations().size() > 1) {
            List<String> others = new ArrayList<>();
            for (Conflict.Relaxation r :
                    c.relaxations().subList(1, Math.min(4, c.relaxations().size()))) {
                others.add(r.sentence() + edits(r, file));
            }
            sb.append(". Also: ").append(String.join("; ", others));
        }
        return sb.append('.').toString();
    }

    private static String edits(Conflict.Relaxation r, String file) {
        List<String> where = new ArrayList<>();
        for (InventoryEdit e : r.edits()) {
            where.add(file + ":" + e.at().line() + ":" + e.at().column() + " " + e.at().path() + ": `" + e.replacement()
                    + "`");
        }
        return where.isEmpty() ? "" : " (" + String.join(", ", where) + ")";
    }

    private static String memory(long vram, long ram) {
        return vram > 0
                ? Bytes.of(vram).human() + " of VRAM and " + Bytes.of(ram).human() + " of RAM"
                : Bytes.of(ram).human() + " of RAM";
    }

    private static String thousands(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
