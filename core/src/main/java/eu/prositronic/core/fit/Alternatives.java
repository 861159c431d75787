package eu.prositronic.core.fit;

import eu.prositronic.core.catalog.Catalog;
import eu.prositronic.core.catalog.ModelSpec.QuantFile;
import eu.prositronic.core.inventory.CacheType;
import eu.prositronic.core.inventory.Deployment;
import eu.prositronic.core.inventory.FlashAttn;
import eu.prositronic.core.inventory.Node;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * The nearest plans that fit a deployment that does not: the two next smaller files, the largest context, a quantized
 * cache, another node. Each is fitted for real where it would run, the way {@link Planner#place} would place it once
 * applied: on its own node beside the node's other deployments, on another node beside that node's own; a plan counts
 * only if every deployment that fitted there still fits. Other nodes are tried only up to {@link #CANDIDATES} with the
 * most free VRAM and as many with the most free RAM after their own deployments, from an index built once: the cost
 * per failing deployment does not grow with the fleet.
 */
final class Alternatives {
    /** Other nodes tried per failing deployment, by free VRAM and again by free RAM. */
    static final int CANDIDATES = 3;

    private final Map<String, List<Deployment>> byNode;
    private final Map<String, Planner.Placement> placements;
    private final Catalog catalog;
    private final List<Node> byFreeVram;
    private final List<Node> byFreeRam;

    Alternatives(
            List<Node> nodes,
            Map<String, List<Deployment>> byNode,
            Map<String, Planner.Placement> placements,
            Catalog catalog) {
        this.byNode = byNode;
        this.placements = placements;
        this.catalog = catalog;
        // CANDIDATES + 1 of each: a deployment's own node may be among them
        this.byFreeVram = top(
                nodes.stream().filter(Node::hasGpu).toList(),
                n -> placements.get(n.name()).budget.gpuFree().value());
        this.byFreeRam =
                top(nodes, n -> placements.get(n.name()).budget.hostFree().value());
    }

    /** The {@code CANDIDATES + 1} nodes with the largest key, ties in inventory order. */
    private static List<Node> top(List<Node> nodes, Function<Node, Long> key) {
        return IntStream.range(0, nodes.size())
                .boxed()
                .sorted(Comparator.<Integer, Long>comparing(i -> key.apply(nodes.get(i)))
                        .reversed()
                        .thenComparing(i -> i))
                .limit(CANDIDATES + 1)
                .map(nodes::get)
                .toList();
    }

    NoFit of(Deployment d, Fitter.NoFit noFit) {
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
            Optional<Long> asked = here(d, d.withQuant(q));
            Optional<Long> anyContext = asked.isPresent() || d.maxContext()
                    ? asked
                    : here(d, d.withQuant(q).withContext(OptionalLong.empty()));
            if (anyContext.isPresent()) {
                found.add(new NoFit.SmallerQuant(q.quant(), asked.isEmpty(), anyContext.get()));
                quants++;
            }
        }
        if (!d.maxContext()) {
            // the largest context it would get with `max`, then checked as the explicit context the message proposes
            here(d, d.withContext(OptionalLong.empty()))
                    .flatMap(ctx -> here(d, d.withContext(OptionalLong.of(ctx))))
                    .ifPresent(ctx -> found.add(new NoFit.ShorterContext(ctx)));
        }
        for (CacheType ct : List.of(CacheType.Q8_0, CacheType.Q4_0)) {
            if (d.cacheTypeK().ordinal() < ct.ordinal() && d.flashAttn() != FlashAttn.OFF) {
                here(d, d.withCache(ct, ct)).ifPresent(ctx -> found.add(new NoFit.QuantizedCache(ct, ctx)));
                break;
            }
        }
        Set<Node> others = new LinkedHashSet<>();
        for (List<Node> ranking : List.of(byFreeVram, byFreeRam)) {
            ranking.stream()
                    .filter(n -> !n.name().equals(d.node().name()))
                    .limit(CANDIDATES)
                    .forEach(others::add);
        }
        for (Node other : others) {
            Deployment moved = d.on(other);
            List<Deployment> there = new ArrayList<>(byNode.get(other.name()));
            there.add(moved);
            fitted(other, there, moved).ifPresent(ctx -> found.add(new NoFit.OtherNode(other.name(), ctx)));
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

    /** The context {@code variant} gets in place of {@code d} on d's node, beside the node's other deployments. */
    private Optional<Long> here(Deployment d, Deployment variant) {
        List<Deployment> there = byNode.get(d.node().name()).stream()
                .map(x -> x.name().equals(d.name()) ? variant : x)
                .toList();
        return fitted(d.node(), there, variant);
    }

    /** Places {@code there} on {@code node}: the variant's context if it and everything that fitted before fit. */
    private Optional<Long> fitted(Node node, List<Deployment> there, Deployment variant) {
        Planner.Placement before = placements.get(node.name());
        Planner.Placement after = Planner.place(node, there, catalog);
        for (Deployment x : there) {
            if (x != variant && before.fits(x.name()) && !after.fits(x.name())) {
                return Optional.empty();
            }
        }
        return after.results.get(variant.name()) instanceof Fitter.Fitted f
                ? Optional.of(f.settings().nCtx())
                : Optional.empty();
    }
}
