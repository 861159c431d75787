package eu.prositronic.core.console;

import eu.prositronic.core.fit.DeploymentPlan;
import eu.prositronic.core.fit.Plan;
import eu.prositronic.core.fit.SpeedModel;
import eu.prositronic.core.units.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The short fit table the build prints: one line per deployment, the first {@link #SHOWN} of a large fleet (a fleet's
 * 20,000 lines would bury the build's log; the report and plan.json list every one).
 */
public final class FitTable {
    private FitTable() {}

    /** The most deployments the build prints. */
    public static final int SHOWN = 100;

    public static List<String> lines(Plan plan) {
        return lines(plan, SHOWN);
    }

    /** The table of the first {@code shown} deployments, in the plan's order, and a line that counts the rest. */
    static List<String> lines(Plan plan, int shown) {
        String[] head = {"deployment", "node", "model", "quant", "backend", "context", "layers", "VRAM", "RAM", "tok/s*"
        };
        List<DeploymentPlan> all = plan.deployments();
        List<String[]> rows = new ArrayList<>();
        rows.add(head);
        for (DeploymentPlan d : all.subList(0, Math.min(shown, all.size()))) {
            Bytes vram = d.memory().vramUsed();
            rows.add(new String[] {
                d.name(),
                d.node().name(),
                d.model().id(),
                d.quant().quant(),
                d.backend().key(),
                String.valueOf(d.ctxSize()),
                d.gpuLayers() + "/" + d.layers(),
                vram.isZero() ? "-" : vram.human(),
                d.memory().ramUsed().human(),
                String.format(Locale.ROOT, "%.0f", d.speed().generationTokensPerSecond())
            });
        }
        List<String> out = new ArrayList<>(align(rows));
        if (all.size() > shown) {
            out.add("… and " + (all.size() - shown) + " more deployments: report/index.html and plan.json list all "
                    + all.size());
        }
        out.add(
                "* estimated generation speed at " + SpeedModel.QUOTED_DEPTH
                        + " tokens of context (calibrated estimate, docs/fit-engine.md); memory is the fit engine's prediction");
        return out;
    }

    /** The rows as left-aligned columns, two spaces apart. */
    static List<String> align(List<String[]> rows) {
        int[] width = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        List<String> out = new ArrayList<>();
        for (String[] r : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                sb.append(r[i]);
                if (i < r.length - 1) {
                    sb.append(" ".repeat(width[i] - r[i].length() + 2));
                }
            }
            out.add(sb.toString().stripTrailing());
        }
        return out;
    }
}
