package eu.prositronic.core.fit;

import eu.prositronic.core.catalog.ModelSpec.QuantFile;
import eu.prositronic.core.inventory.CacheType;
import eu.prositronic.core.inventory.Deployment;
import eu.prositronic.core.inventory.FlashAttn;
import eu.prositronic.core.inventory.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The nearest plans that fit a deployment that does not: the two next smaller files, the largest context, a quantized
 * cache, another node. Each is fitted for real, alone on its node.
 */
final class Alternatives {
    private Alternatives() {}

    static NoFit of(Deployment d, Fitter.NoFit noFit, List<Node> nodes) {
        List<NoFit.Alternative> found = new ArrayList<>();
        List<QuantFile> smaller = d.model().quantizations().stream()
                .filter(q -> q.size().compareTo(d.quant().size()) < 0)
                .sorted((a, b) -> b.size().compareTo(a.size()))
                .toList();
        int quants = 0;
        for (QuantFile q : smaller) {
            if (quants == 2) {
                break;
            }
            Optional<Long> asked = Planner.fitAlone(d.withQuant(q));
            Optional<Long> anyContext = asked.isPresent() || d.maxContext()
                    ? asked
                    : Planner.fitAlone(d.withQuant(q).withContext(OptionalLong.empty()));
            if (anyContext.isPresent()) {
                found.add(new NoFit.SmallerQuant(q.quant(), asked.isEmpty(), anyContext.get()));
                quants++;
            }
        }
        if (!d.maxContext()) {
            Planner.fitAlone(d.withContext(OptionalLong.empty()))
                    .ifPresent(ctx -> found.add(new NoFit.ShorterContext(ctx)));
        }
        for (CacheType ct : List.of(CacheType.Q8_0, CacheType.Q4_0)) {
            if (d.cacheTypeK().ordinal() < ct.ordinal() && d.flashAttn() != FlashAttn.OFF) {
                Planner.fitAlone(d.withCache(ct, ct)).ifPresent(ctx -> found.add(new NoFit.QuantizedCache(ct, ctx)));
                break;
            }
        }
        for (Node other : nodes) {
            if (!other.name().equals(d.node().name())) {
                Planner.fitAlone(d.on(other)).ifPresent(ctx -> found.add(new NoFit.OtherNode(other.name(), ctx)));
            }
        }
        return new NoFit(
                d,
                noFit.settings().nCtx(),
                noFit.devices(),
                noFit.budgets(),
                LlamaCpp.FIT_TARGET,
                Planner.HOST_RESERVE,
                found);
    }
}
