package eu.prositronic.core.emit.report;

import eu.prositronic.core.catalog.Catalog;
import eu.prositronic.core.catalog.ModelSpec.QuantFile;
import eu.prositronic.core.fit.DeploymentPlan;
import eu.prositronic.core.fit.DeviceMemory;
import eu.prositronic.core.fit.NoFit;
import eu.prositronic.core.fit.NoFitException;
import eu.prositronic.core.fit.Plan;
import eu.prositronic.core.fit.Planner;
import eu.prositronic.core.inventory.Deployment;
import eu.prositronic.core.inventory.Inventory;
import eu.prositronic.core.inventory.Node;
import eu.prositronic.core.units.Bytes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The FAQ's computed answers for a deployment of the fleet: the next smaller and larger quantization of its model, and
 * half and double its context, each fitted for real where the deployment runs (its node, beside the deployments that
 * share it) by the planner itself ({@link Planner#plan} of that one node). The answer is the plan's figures, or the
 * no-fit's: what the variant needs and what the device had. Results are kept per node and deployments, so a fleet of
 * many alike nodes fits each variant once. Past {@link #ON_NODE_LIMIT} deployments (where these fits would be most of
 * a build) the quantizations are answered from their catalog pages instead (alone on the hardware, context max, one
 * fit per values path) and the contexts are left out; the page says which.
 */
final class Neighbours {
    private final Plan plan;
    private final Catalog catalog;
    /** The largest fleet whose FAQ variants are fitted on their own nodes. */
    static final int ON_NODE_LIMIT = 500;

    private final Map<String, List<Deployment>> byNode = new HashMap<>();
    private final boolean onNode;
    private final Map<String, Optional<DeploymentPlan>> pages = new java.util.concurrent.ConcurrentHashMap<>();
    /** Shared by the pages rendered in parallel; a variant fitted twice at once gives the same outcome twice. */
    private final Map<String, Outcome> memo = new java.util.concurrent.ConcurrentHashMap<>();

    /** One variant: what changes ("Q4_K_M", "65,536 tokens"), whether it fits there, and the sentence with numbers. */
    record Option(String what, boolean fits, String sentence) {}

    /** A fitted variant's plan, or the no-fit of the deployment that then failed. */
    private record Outcome(Optional<DeploymentPlan> plan, Optional<NoFit> noFit) {}

    Neighbours(Plan plan, Catalog catalog) {
        this.plan = plan;
        this.catalog = catalog;
        this.onNode = plan.deployments().size() <= ON_NODE_LIMIT;
        for (DeploymentPlan p : plan.deployments()) {
            byNode.computeIfAbsent(p.node().name(), k -> new ArrayList<>()).add(p.deployment());
        }
    }

    /** How the variants were fitted, for the page: "fitted on gpu-01 beside …" or "alone on this hardware …". */
    String scope(DeploymentPlan d) {
        return onNode
                ? "fitted on " + d.node().name() + " beside the deployments that share it, with this deployment's"
                        + " settings"
                : "as its catalog page: alone on " + d.hardware() + ", context max, every setting at its default (in a"
                        + " fleet of more than " + ON_NODE_LIMIT
                        + " deployments the variants are not refitted per node)";
    }

    /** The next smaller and the next larger file of the model (by bytes), fitted in the deployment's place. */
    List<Option> quants(DeploymentPlan d) {
        List<QuantFile> bySize = d.model().quantizations().stream()
                .sorted(Comparator.comparingLong((QuantFile q) -> q.size().value())
                        .thenComparing(QuantFile::quant))
                .toList();
        int at = bySize.indexOf(d.quant());
        List<Option> options = new ArrayList<>();
        for (int i : new int[] {at - 1, at + 1}) {
            if (at >= 0 && i >= 0 && i < bySize.size()) {
                QuantFile q = bySize.get(i);
                options.add(option(q.quant(), d, d.deployment().withQuant(q)));
            }
        }
        return options;
    }

    /** Half and double the planned context (double up to the trained maximum), fitted in the deployment's place. */
    List<Option> contexts(DeploymentPlan d) {
        if (!onNode) {
            return List.of();
        }
        long trained = d.model().architecture().contextLength();
        List<Option> options = new ArrayList<>();
        long half = round256(d.ctxSize() / 2);
        if (half >= 256 && half < d.ctxSize()) {
            options.add(option(tokens(half), d, d.deployment().withContext(OptionalLong.of(half))));
        }
        long twice = Math.min(trained, d.ctxSize() * 2);
        if (twice > d.ctxSize()) {
            options.add(option(tokens(twice), d, d.deployment().withContext(OptionalLong.of(twice))));
        }
        return options;
    }

    private Option option(String what, DeploymentPlan d, Deployment variant) {
        Outcome o = onNode ? fit(d, variant) : page(variant);
        if (o.plan().isPresent()) {
            DeploymentPlan p = o.plan().get();
            return new Option(
                    what,
                    true,
                    what + " fits: " + Facts.layoutPhrase(p) + ", " + tokens(p.ctxSize()) + " of context, "
                            + Facts.memoryPhrase(p) + ".");
        }
        if (o.noFit().isEmpty()) {
            return new Option(what, false, what + " does not fit this hardware at all.");
        }
        NoFit n = o.noFit().get();
        if (!n.deployment().name().equals(d.name())) {
            return new Option(
                    what,
                    false,
                    what + " does not fit beside the other deployments of "
                            + d.node().name() + ": " + n.deployment().name() + " would then not fit.");
        }
        return new Option(what, false, what + " does not fit here: " + shortfall(n) + ".");
    }

    /** "at 4,096 tokens it needs 25.10 GiB on nvidia-rtx3090:0, where 22.85 GiB are free for it". */
    static String shortfall(NoFit n) {
        for (int i = 0; i < n.needed().size() && i < n.budgets().size(); i++) {
            DeviceMemory need = n.needed().get(i);
            Bytes budget = n.budgets().get(i);
            if (need.used().value() > budget.value()) {
                return "at " + tokens(n.triedContext()) + " it needs "
                        + need.used().human() + " on " + need.id() + ", where " + budget.human() + " are free for it";
            }
        }
        return "at " + tokens(n.triedContext()) + " it exceeds what the node has for it";
    }

    /** The variant's catalog page, one fit per values path. */
    private Outcome page(Deployment variant) {
        Optional<DeploymentPlan> p =
                pages.computeIfAbsent(variant.valuesFile(), k -> Planner.catalogPage(variant, catalog));
        return new Outcome(p, Optional.empty());
    }

    private Outcome fit(DeploymentPlan d, Deployment variant) {
        Node node = d.node();
        List<Deployment> here = new ArrayList<>();
        for (Deployment other : byNode.getOrDefault(node.name(), List.of())) {
            here.add(other.name().equals(d.name()) ? variant : other);
        }
        String key = key(node, here, variant.name());
        Outcome cached = memo.get(key);
        if (cached != null) {
            return cached;
        }
        Inventory one = new Inventory(
                Path.of("inventory.yaml"),
                plan.cluster(),
                List.of(node),
                here,
                eu.prositronic.core.inventory.Energy.DEFAULTS);
        Outcome o;
        try {
            Plan p = Planner.plan(one, catalog);
            o = new Outcome(
                    p.deployments().stream()
                            .filter(x -> x.name().equals(variant.name()))
                            .findFirst(),
                    Optional.empty());
        } catch (NoFitException e) {
            Optional<NoFit> own = e.noFits().stream()
                    .filter(n -> n.deployment().name().equals(variant.name()))
                    .findFirst();
            o = new Outcome(
                    Optional.empty(),
                    own.isPresent() ? own : e.noFits().stream().findFirst());
        }
        memo.put(key, o);
        return o;
    }

    /** What a node's fit depends on: its hardware and RAM, and each deployment's model, file and settings, in order. */
    private static String key(Node node, List<Deployment> here, String variant) {
        StringBuilder k = new StringBuilder()
                .append(node.hardwareSlug())
                .append('|')
                .append(node.ram().value())
                .append('|')
                .append(node.cpuCores())
                .append('|')
                .append(node.memoryBandwidth().map(Object::toString).orElse(""))
                .append('|')
                .append(node.driverVersion().map(Object::toString).orElse(""));
        for (Deployment x : here) {
            k.append(';')
                    .append(x.name().equals(variant) ? "*" : "")
                    .append(x.model().id())
                    .append(',')
                    .append(x.quant().quant())
                    .append(',')
                    .append(x.context().isPresent() ? x.context().getAsLong() : -1)
                    .append(',')
                    .append(x.cacheTypeK())
                    .append(',')
                    .append(x.cacheTypeV())
                    .append(',')
                    .append(x.flashAttn())
                    .append(',')
                    .append(x.parallel())
                    .append(',')
                    .append(x.batchSize())
                    .append(',')
                    .append(x.ubatchSize())
                    .append(',')
                    .append(x.thinking());
        }
        return k.toString();
    }

    static long round256(long n) {
        return n / 256 * 256;
    }

    static String tokens(long n) {
        return DeploymentPage.thousands(n) + " tokens";
    }
}
