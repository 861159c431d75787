package eu.prositronic.core.emit.report;

import eu.prositronic.core.catalog.Catalog;
import eu.prositronic.core.catalog.ModelSpec.QuantFile;
import eu.prositronic.core.fit.DeploymentPlan;
import eu.prositronic.core.fit.DeviceMemory;
import eu.prositronic.core.fit.LayoutKind;
import eu.prositronic.core.fit.MemoryPlan;
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
 * half, double and the trained maximum of its context ({@link #contextsAround}), each fitted for real where the
 * deployment runs (its node, beside the deployments that share it) by the planner itself ({@link Planner#plan} of that
 * one node). The catalog site's pages use the same rows ({@link #fitted}, {@link #noFit}, {@link #pageContexts}). The answer is the plan's figures, or the
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
    private final Map<String, List<DeploymentPlan>> plansByNode = new HashMap<>();
    private final boolean onNode;
    private final Map<String, Planner.PageFit> pages = new java.util.concurrent.ConcurrentHashMap<>();
    /** Shared by the pages rendered in parallel; a variant fitted twice at once gives the same outcome twice. */
    private final Map<String, Outcome> memo = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * One variant of the FAQ, every figure the fit engine's: what changes ({@code kind} "quant" or "context", {@code
     * what} "Q4_K_M" or "half: 65,536 tokens"), the answer ({@code verdict}: "fits" entirely, "offload" (layers or
     * experts on the CPU) or "nofit"), the context it gets or was tried at, the memory it uses or would need, and the
     * margin: what stays free on the tightest device beyond its reserve (negative: how much it lacks there).
     *
     * @param answer the verdict in words: "fits", "fits with offload", "does not fit"
     * @param note where the layers go, or why it does not fit
     * @param vram the VRAM it uses ("" without a GPU); for a no-fit what it would need
     * @param margin "11.25 GiB", "7.10 GiB short", or "" where no device limits it; on {@code marginDevice}
     * @param sentence the whole answer in one sentence (the Markdown page's, and the row's title)
     */
    record Option(
            String kind,
            String what,
            String verdict,
            String answer,
            boolean fits,
            long ctxSize,
            String context,
            String note,
            long vramBytes,
            String vram,
            long ramBytes,
            String ram,
            long marginBytes,
            String marginDevice,
            String margin,
            String sentence) {}

    /** A fitted variant's plan and its margin there, or the no-fit of the deployment that then failed. */
    private record Outcome(Optional<DeploymentPlan> plan, Optional<Margin> margin, Optional<NoFit> noFit) {}

    Neighbours(Plan plan, Catalog catalog) {
        this.plan = plan;
        this.catalog = catalog;
        this.onNode = plan.deployments().size() <= ON_NODE_LIMIT;
        for (DeploymentPlan p : plan.deployments()) {
            byNode.computeIfAbsent(p.node().name(), k -> new ArrayList<>()).add(p.deployment());
            plansByNode.computeIfAbsent(p.node().name(), k -> new ArrayList<>()).add(p);
        }
    }

    /** Whether the variants are fitted on each deployment's own node (a fleet of at most {@link #ON_NODE_LIMIT}). */
    boolean onNodes() {
        return onNode;
    }

    /** The tightest device of a fit: what stays free there beyond its reserve. */
    record Margin(String device, long bytes) {
        /** "10.25 GiB", or "7.10 GiB short". */
        String amount() {
            return bytes >= 0 ? Bytes.of(bytes).human() : Bytes.of(-bytes).human() + " short";
        }

        /** "10.25 GiB on nvidia-rtx3090:0", or "7.10 GiB short on nvidia-rtx3090:0". */
        String phrase() {
            return amount() + " on " + device;
        }
    }

    /** A fitted variant, with its margin where some device limits it. */
    static Option fitted(String kind, String what, DeploymentPlan p, Optional<Margin> margin) {
        boolean entirely = p.layoutKind() == LayoutKind.FULL || p.layoutKind() == LayoutKind.CPU;
        MemoryPlan m = p.memory();
        String verdict = entirely ? "fits" : "offload";
        String layout = Facts.layoutPhrase(p);
        return new Option(
                kind,
                what,
                verdict,
                entirely ? "fits" : "fits with offload",
                true,
                p.ctxSize(),
                DeploymentPage.thousands(p.ctxSize()),
                layout,
                m.vramUsed().value(),
                p.node().hasGpu() ? m.vramUsed().human() : "",
                m.ramUsed().value(),
                m.ramUsed().human(),
                margin.map(Margin::bytes).orElse(0L),
                margin.map(Margin::device).orElse(""),
                margin.map(Margin::amount).orElse(""),
                what + (entirely ? " fits: " : " fits only with offload: ") + layout + ", " + tokens(p.ctxSize())
                        + " of context, " + Facts.memoryPhrase(p)
                        + margin.map(x -> x.bytes() >= 0 ? ", " + x.phrase() + " left free beyond the reserve" : "")
                                .orElse("")
                        + ".");
    }

    /** A variant that does not fit, with what it needed at the context tried and what the device had for it. */
    static Option noFit(String kind, String what, NoFit n) {
        Bytes vram = Bytes.ZERO;
        Bytes ram = Bytes.ZERO;
        Optional<Margin> worst = Optional.empty();
        for (int i = 0; i < n.needed().size(); i++) {
            DeviceMemory need = n.needed().get(i);
            if (need.kind() == DeviceMemory.Kind.GPU) {
                vram = vram.plus(need.used());
            } else {
                ram = ram.plus(need.used());
            }
            if (i < n.budgets().size()) {
                long left = n.budgets().get(i).value() - need.used().value();
                if (worst.isEmpty() || left < worst.get().bytes()) {
                    worst = Optional.of(new Margin(need.id(), left));
                }
            }
        }
        boolean gpu = n.needed().stream().anyMatch(x -> x.kind() == DeviceMemory.Kind.GPU);
        String why = shortfall(n);
        return new Option(
                kind,
                what,
                "nofit",
                "does not fit",
                false,
                n.triedContext(),
                DeploymentPage.thousands(n.triedContext()),
                why,
                vram.value(),
                gpu ? "needs " + vram.human() : "",
                ram.value(),
                "needs " + ram.human(),
                worst.map(Margin::bytes).orElse(0L),
                worst.map(Margin::device).orElse(""),
                worst.map(Margin::amount).orElse(""),
                what + " does not fit here: " + why + ".");
    }

    /** The variant fits, but then another deployment of the node does not. */
    static Option beside(String kind, String what, String node, NoFit other) {
        String why = other.deployment().name() + " would then not fit beside it (" + shortfall(other) + ")";
        return new Option(
                kind,
                what,
                "nofit",
                "does not fit",
                false,
                other.triedContext(),
                "",
                why,
                0,
                "",
                0,
                "",
                0,
                "",
                "",
                what + " does not fit beside the other deployments of " + node + ": " + why + ".");
    }

    /** The margin of a fit alone on its hardware: per GPU (and the host, where its RAM is a limit). */
    static Optional<Margin> alone(DeploymentPlan p, boolean hostBounded) {
        MemoryPlan m = p.memory();
        Optional<Margin> worst = Optional.empty();
        for (DeviceMemory g : m.gpus()) {
            worst = tighter(
                    worst,
                    new Margin(
                            g.id(),
                            g.capacity().value()
                                    - g.used().value()
                                    - m.gpuReserve().value()));
        }
        if (hostBounded) {
            DeviceMemory h = m.host();
            worst = tighter(
                    worst,
                    new Margin(
                            h.id(),
                            h.capacity().value()
                                    - h.used().value()
                                    - m.hostReserve().value()));
        }
        return worst;
    }

    /** The margin of a variant on its node: each device's capacity less what every deployment there uses of it. */
    static Optional<Margin> onNode(DeploymentPlan variant, List<DeploymentPlan> node) {
        Map<String, Long> used = new HashMap<>();
        for (DeploymentPlan x : node) {
            for (DeviceMemory dev : x.memory().devices()) {
                used.merge(dev.id(), dev.used().value(), Long::sum);
            }
        }
        MemoryPlan m = variant.memory();
        Optional<Margin> worst = Optional.empty();
        for (DeviceMemory dev : m.devices()) {
            long reserve = dev.kind() == DeviceMemory.Kind.GPU
                    ? m.gpuReserve().value()
                    : m.hostReserve().value();
            worst = tighter(worst, new Margin(dev.id(), dev.capacity().value() - used.get(dev.id()) - reserve));
        }
        return worst;
    }

    private static Optional<Margin> tighter(Optional<Margin> a, Margin b) {
        return a.isPresent() && a.get().bytes() <= b.bytes() ? a : Optional.of(b);
    }

    /** A context to try: the tokens and how the page names it. */
    record Context(long tokens, String what) {}

    /**
     * The contexts the FAQ tries beside the planned one: half of it, double (up to the trained maximum), and the
     * trained maximum itself when that is neither.
     */
    static List<Context> contextsAround(long planned, long trained) {
        List<Context> out = new ArrayList<>();
        long half = round256(planned / 2);
        if (half >= 256 && half < planned) {
            out.add(new Context(half, "half: " + tokens(half)));
        }
        long twice = Math.min(trained, planned * 2);
        if (twice > planned) {
            out.add(new Context(
                    twice,
                    (twice == trained
                                    ? (planned * 2 == trained
                                            ? "double, the trained maximum: "
                                            : "the trained maximum: ")
                                    : "double: ")
                            + tokens(twice)));
        }
        if (trained > twice && trained > planned) {
            out.add(new Context(trained, "the trained maximum: " + tokens(trained)));
        }
        return out;
    }

    /**
     * A catalog page's context variants: the model × quant alone on the hardware, every setting at its default, each
     * context of {@link #contextsAround} fitted by {@link Planner#catalogPage(Deployment, Catalog, OptionalLong)}.
     */
    static List<Option> pageContexts(DeploymentPlan page, Catalog catalog) {
        List<Option> out = new ArrayList<>();
        for (Context c :
                contextsAround(page.ctxSize(), page.model().architecture().contextLength())) {
            Planner.PageFit f = Planner.catalogPage(page.deployment(), catalog, OptionalLong.of(c.tokens()));
            out.add(
                    f.plan().isPresent()
                            ? fitted(
                                    "context",
                                    c.what(),
                                    f.plan().get(),
                                    alone(f.plan().get(), false))
                            : noFit("context", c.what(), f.noFit().orElseThrow()));
        }
        return out;
    }

    /** The deployment as planned, as the first row of its variants, with its margin on its node. */
    Option current(DeploymentPlan d) {
        return fitted(
                "current",
                "this deployment: " + d.quant().quant() + ", " + tokens(d.ctxSize()),
                d,
                onNode(d, plansByNode.get(d.node().name())));
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
                options.add(option("quant", q.quant(), d, d.deployment().withQuant(q)));
            }
        }
        return options;
    }

    /** Half and double the planned context (up to the trained maximum, and that too), fitted in its place. */
    List<Option> contexts(DeploymentPlan d) {
        if (!onNode) {
            return List.of();
        }
        List<Option> options = new ArrayList<>();
        for (Context c : contextsAround(d.ctxSize(), d.model().architecture().contextLength())) {
            options.add(option("context", c.what(), d, d.deployment().withContext(OptionalLong.of(c.tokens()))));
        }
        return options;
    }

    private Option option(String kind, String what, DeploymentPlan d, Deployment variant) {
        Outcome o = onNode ? fit(d, variant) : page(variant);
        if (o.plan().isPresent()) {
            return fitted(kind, what, o.plan().get(), o.margin());
        }
        NoFit n = o.noFit().orElseThrow();
        if (!n.deployment().name().equals(d.name())) {
            return beside(kind, what, d.node().name(), n);
        }
        return noFit(kind, what, n);
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
        Planner.PageFit f = pages.computeIfAbsent(
                variant.valuesFile(), k -> Planner.catalogPage(variant, catalog, OptionalLong.empty()));
        return new Outcome(f.plan(), f.plan().flatMap(p -> alone(p, false)), f.noFit());
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
            Optional<DeploymentPlan> mine = p.deployments().stream()
                    .filter(x -> x.name().equals(variant.name()))
                    .findFirst();
            o = new Outcome(mine, mine.flatMap(x -> onNode(x, p.deployments())), Optional.empty());
        } catch (NoFitException e) {
            Optional<NoFit> own = e.noFits().stream()
                    .filter(n -> n.deployment().name().equals(variant.name()))
                    .findFirst();
            o = new Outcome(
                    Optional.empty(),
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
