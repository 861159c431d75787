package eu.prositronic.core.console;

import eu.prositronic.core.fit.DeviceMemory;
import eu.prositronic.core.fit.NoFit;
import eu.prositronic.core.inventory.Deployment;
import java.util.ArrayList;
import java.util.List;

/** A {@link NoFit} in words, for the build log: the numbers, then the plans that fit. */
public final class NoFitMessage {
    private NoFitMessage() {}

    public static String format(List<NoFit> noFits) {
        return String.join("\n", noFits.stream().map(NoFitMessage::format).toList());
    }

    public static String format(NoFit n) {
        Deployment d = n.deployment();
        StringBuilder sb = new StringBuilder();
        sb.append("deployment `")
                .append(d.name())
                .append("` (")
                .append(d.model().id())
                .append(' ')
                .append(d.quant().quant())
                .append(", ")
                .append(d.context().isPresent() ? d.context().getAsLong() + " tokens" : "context max")
                .append(") does not fit node ")
                .append(d.node().name())
                .append(": at ")
                .append(n.triedContext())
                .append(" tokens it needs");
        for (int i = 0; i < n.needed().size(); i++) {
            DeviceMemory dev = n.needed().get(i);
            sb.append(i == 0 ? " " : ", ")
                    .append(dev.used().human())
                    .append(" on ")
                    .append(dev.id())
                    .append(" (weights ")
                    .append(dev.weights().human())
                    .append(", KV ")
                    .append(dev.kvCache().human())
                    .append(", compute ")
                    .append(dev.compute().human())
                    .append(") of ")
                    .append(n.budgets().get(i).human())
                    .append(" available");
        }
        sb.append(" (after a reserve of ")
                .append(n.gpuReserve().human())
                .append(" per GPU and ")
                .append(n.hostReserve().human())
                .append(" of RAM).");
        List<String> alternatives = new ArrayList<>();
        for (NoFit.Alternative a : n.alternatives()) {
            alternatives.add(describe(a));
        }
        if (alternatives.isEmpty()) {
            sb.append(" Nothing smaller of this model fits here: put it on a node with more memory.");
        } else {
            sb.append(" Plans that fit: ")
                    .append(String.join("; ", alternatives))
                    .append('.');
        }
        return sb.toString();
    }

    static String describe(NoFit.Alternative a) {
        if (a instanceof NoFit.SmallerQuant q) {
            return "`quant: " + q.quant() + "`" + (q.maxContext() ? " with `context: max`" : "") + " (context "
                    + q.context() + ")";
        }
        if (a instanceof NoFit.ShorterContext c) {
            return "`context: " + c.context() + "`";
        }
        if (a instanceof NoFit.QuantizedCache c) {
            return "`cacheTypeK: " + c.cacheType().flag() + "` and `cacheTypeV: "
                    + c.cacheType().flag() + "` (context " + c.context() + ")";
        }
        NoFit.OtherNode o = (NoFit.OtherNode) a;
        return "`node: " + o.node() + "` (context " + o.context() + ", if it has room beside its own deployments)";
    }
}
