package eu.prositronic.core.fit;

import eu.prositronic.core.catalog.Catalog;
import eu.prositronic.core.catalog.ModelSpec.QuantFile;
import eu.prositronic.core.inventory.ContextAsk;
import eu.prositronic.core.inventory.Deployment;
import eu.prositronic.core.inventory.DeploymentRequest;
import eu.prositronic.core.inventory.InventoryEdit;
import eu.prositronic.core.inventory.InventoryRequest;
import eu.prositronic.core.inventory.Node;
import eu.prositronic.core.inventory.NodeChoice;
import eu.prositronic.core.inventory.NodeSelector;
import eu.prositronic.core.inventory.QuantChoice;
import eu.prositronic.core.units.Bytes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The diagnosis of an inventory the solver cannot solve. First the smallest conflict: the deployments connected to the
 * one that failed through the nodes they may share, reduced by a deletion filter (each member is left out in turn;
 * whenever the rest still cannot be solved, it stays out), so that no member of the result can be left out. Then the
 * relaxations, each an edit of the inventory tried by solving the whole inventory again, and kept only if it then
 * solves: a member's context lowered (the largest that works, by bisection), its file one to four sizes smaller, its
 * node moved, GPU sharing on a Kubernetes NVIDIA candidate node (the fewest {@code gpuSharing} replicas that work),
 * RAM added to a candidate node (the least that works, in GiB), or one more GPU of the node's model. Cost, cheapest
 * first: the share of context given up; 0.25 per quantization step; 0.5 for a move; 1 for GPU sharing; 2 + GiB/64 for
 * RAM; 3 + GiB/64 for a GPU.
 */
final class Conflicts {
    /**
     * Conflicts among more deployments than this are reported by the one that failed, without the deletion filter or
     * relaxations (each test would solve the whole fleet again).
     */
    static final int MAX_FILTERED = 64;

    /** Candidate nodes of the conflict tried for hardware relaxations. */
    static final int HARDWARE_NODES = 4;

    private final InventoryRequest asked;
    private final Catalog catalog;
    private final Map<Solver.PlaceKey, Solver.Placed> cache;

    private Conflicts(InventoryRequest asked, Catalog catalog, Map<Solver.PlaceKey, Solver.Placed> cache) {
        this.asked = asked;
        this.catalog = catalog;
        this.cache = cache;
    }

    static Conflict diagnose(
            InventoryRequest asked, Catalog catalog, Map<Solver.PlaceKey, Solver.Placed> cache, int failed) {
        return new Conflicts(asked, catalog, cache).diagnose(failed);
    }

    private boolean solvable(InventoryRequest r) {
        return Solver.feasible(r, catalog, cache);
    }

    private Conflict diagnose(int failed) {
        List<DeploymentRequest> all = asked.requests();
        List<DeploymentRequest> set = component(failed);
        if (solvable(with(set))) {
            set = all; // the failure needs deployments beyond those sharing nodes (cannot happen with a complete
            // search)
        }
        boolean minimal = set.size() <= MAX_FILTERED;
        if (!minimal) {
            // too many to filter one by one (each test is a whole solve): the one that failed, with the numbers;
            // relaxations are not searched, since each would be verified by solving the whole fleet again
            DeploymentRequest one = all.get(failed);
            List<Conflict.Room> rooms = new ArrayList<>();
            for (Node node : one.node().candidates(asked.nodes())) {
                if (rooms.size() == HARDWARE_NODES) {
                    break;
                }
                NodeBudget b = new NodeBudget(node);
                rooms.add(new Conflict.Room(
                        node.name(), b.gpuFree().value(), b.hostFree().value()));
            }
            return new Conflict(List.of(member(one)), rooms, List.of(), false);
        }
        if (minimal) {
            // deletion filter: leave each out in turn, from the last; keep it out when the rest still fail
            for (int k = set.size() - 1; k >= 0 && set.size() > 1; k--) {
                List<DeploymentRequest> without = new ArrayList<>(set);
                without.remove(k);
                if (!solvable(with(without))) {
                    set = without;
                }
            }
        }
        List<Conflict.Member> members = new ArrayList<>();
        Set<Integer> candidates = new LinkedHashSet<>();
        for (DeploymentRequest r : set) {
            members.add(member(r));
            r.node().candidates(asked.nodes()).forEach(n -> candidates.add(index(n)));
        }
        List<Conflict.Room> rooms = new ArrayList<>();
        for (int n : new java.util.TreeSet<>(candidates)) {
            Node node = asked.nodes().get(n);
            NodeBudget b = new NodeBudget(node);
            rooms.add(new Conflict.Room(
                    node.name(), b.gpuFree().value(), b.hostFree().value()));
        }
        return new Conflict(members, rooms, relaxations(set, candidates), minimal);
    }

    private InventoryRequest with(List<DeploymentRequest> requests) {
        return asked.with(asked.nodes(), requests);
    }

    private int index(Node n) {
        for (int i = 0; i < asked.nodes().size(); i++) {
            if (asked.nodes().get(i).name().equals(n.name())) {
                return i;
            }
        }
        throw new IllegalStateException("no node " + n.name());
    }

    /** The failed deployment and every deployment that may share a node with it, transitively, in inventory order. */
    private List<DeploymentRequest> component(int failed) {
        List<DeploymentRequest> all = asked.requests();
        List<Set<String>> nodesOf = new ArrayList<>();
        for (DeploymentRequest r : all) {
            Set<String> names = new HashSet<>();
            r.node().candidates(asked.nodes()).forEach(n -> names.add(n.name()));
            nodesOf.add(names);
        }
        Set<Integer> in = new HashSet<>(List.of(failed));
        Set<String> reach = new HashSet<>(nodesOf.get(failed));
        boolean grew = true;
        while (grew) {
            grew = false;
            for (int i = 0; i < all.size(); i++) {
                if (!in.contains(i) && nodesOf.get(i).stream().anyMatch(reach::contains)) {
                    in.add(i);
                    reach.addAll(nodesOf.get(i));
                    grew = true;
                }
            }
        }
        List<DeploymentRequest> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (in.contains(i)) {
                out.add(all.get(i));
            }
        }
        return out;
    }

    /** A member with its smallest need: over every option, alone on the node, at its smallest context. */
    private Conflict.Member member(DeploymentRequest r) {
        List<QuantFile> quants = r.quant().candidates(r.model());
        List<Node> nodes = r.node().candidates(asked.nodes());
        long ctx = smallestContext(r);
        Optional<DeploymentPlan> best = Optional.empty();
        for (QuantFile q : quants) {
            for (Node n : nodes) {
                Deployment d = r.resolve(q, n, OptionalLong.of(ctx), Deployment.DEFAULT_PORT);
                Optional<DeploymentPlan> p = Planner.alone(d, catalog);
                if (p.isPresent() && (best.isEmpty() || total(p.get()) < total(best.get()))) {
                    best = p;
                }
            }
        }
        if (best.isPresent()) {
            DeploymentPlan p = best.get();
            return new Conflict.Member(
                    r.name(),
                    r.model().id(),
                    asked(r),
                    p.quant().quant(),
                    p.node().name(),
                    p.ctxSize(),
                    p.memory().vramUsed().value(),
                    p.memory().ramUsed().value(),
                    true,
                    r.at("item"));
        }
        QuantFile smallest =
                quants.stream().min(Comparator.comparing(QuantFile::size)).orElseThrow();
        Node first = nodes.get(0);
        Deployment d = r.resolve(smallest, first, OptionalLong.of(ctx), Deployment.DEFAULT_PORT);
        NodeBudget b = new NodeBudget(first);
        Fitter.Result res = Planner.fit(d, b, b.share(1), 1, catalog);
        long vram = 0;
        long ram = 0;
        if (res instanceof Fitter.NoFit nf) {
            for (DeviceMemory m : nf.devices()) {
                if (m.kind() == DeviceMemory.Kind.CPU) {
                    ram += m.used().value();
                } else {
                    vram += m.used().value();
                }
            }
        }
        return new Conflict.Member(
                r.name(),
                r.model().id(),
                asked(r),
                smallest.quant(),
                first.name(),
                ctx,
                vram,
                ram,
                false,
                r.at("item"));
    }

    private static long total(DeploymentPlan p) {
        return p.memory().vramUsed().plus(p.memory().ramUsed()).value();
    }

    static long smallestContext(DeploymentRequest r) {
        if (r.context() instanceof ContextAsk.Exact e) {
            return LlamaCpp.padContext(e.tokens());
        }
        if (r.context() instanceof ContextAsk.Range g) {
            return LlamaCpp.padContext(g.min());
        }
        return Math.min(
                LlamaCpp.FIT_MIN_CTX,
                LlamaCpp.roundDownContext(r.model().architecture().contextLength()));
    }

    /** {@code Q5_K_M on gpu-01, context 131072}: the request as written. */
    static String asked(DeploymentRequest r) {
        String q = r.quant() instanceof QuantChoice.Fixed f
                ? f.quant().quant()
                : r.quant() instanceof QuantChoice.Ordered o ? names(o.quants()) : "quant auto";
        String n = r.node() instanceof NodeChoice.Fixed f
                ? "on " + f.node().name()
                : ((NodeChoice.Select) r.node()).selector().equals(NodeSelector.ANY)
                        ? "node auto"
                        : "on a node with "
                                + ((NodeChoice.Select) r.node()).selector().describe();
        String c = r.context() instanceof ContextAsk.Exact e
                ? "context " + e.tokens()
                : r.context() instanceof ContextAsk.Range g ? "context " + g.min() + "–" + g.max() : "context max";
        return q + " " + n + ", " + c;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // relaxations

    private List<Conflict.Relaxation> relaxations(List<DeploymentRequest> set, Set<Integer> candidates) {
        List<Conflict.Relaxation> found = new ArrayList<>();
        for (DeploymentRequest r : set) {
            context(r).ifPresent(found::add);
            quant(r).ifPresent(found::add);
            move(r).ifPresent(found::add);
        }
        int tried = 0;
        for (int n : new java.util.TreeSet<>(candidates)) {
            if (tried++ == HARDWARE_NODES) {
                break;
            }
            ram(asked.nodes().get(n)).ifPresent(found::add);
            gpu(asked.nodes().get(n)).ifPresent(found::add);
            sharing(asked.nodes().get(n), set.size()).ifPresent(found::add);
        }
        found.sort(Comparator.comparingDouble(Conflict.Relaxation::cost));
        return found;
    }

    private InventoryRequest replacing(DeploymentRequest r, DeploymentRequest by) {
        List<DeploymentRequest> rs = new ArrayList<>(asked.requests());
        rs.set(rs.indexOf(r), by);
        return with(rs);
    }

    /** The largest context below the one asked (a range: below its min) with which everything solves. */
    private Optional<Conflict.Relaxation> context(DeploymentRequest r) {
        long asked;
        String key;
        if (r.context() instanceof ContextAsk.Exact e) {
            asked = e.tokens();
            key = "context";
        } else if (r.context() instanceof ContextAsk.Range g) {
            asked = g.min();
            key = "context.min";
        } else {
            return Optional.empty();
        }
        Optional<DeploymentRequest.Position> at = r.at(key);
        long lo = LlamaCpp.CTX_PAD;
        long hi = LlamaCpp.roundDownContext(asked - 1) / LlamaCpp.CTX_PAD;
        if (at.isEmpty() || hi < 1 || !solvable(replacing(r, withContext(r, lo)))) {
            return Optional.empty();
        }
        long good = 1;
        while (hi - good > 0) {
            long mid = (good + hi + 1) >>> 1;
            if (solvable(replacing(r, withContext(r, mid * LlamaCpp.CTX_PAD)))) {
                good = mid;
            } else {
                hi = mid - 1;
            }
        }
        long ctx = good * LlamaCpp.CTX_PAD;
        String sentence = r.context() instanceof ContextAsk.Exact
                ? "drop " + r.name() + "'s context to " + thousands(ctx) + " (from " + thousands(asked) + ")"
                : "lower " + r.name() + "'s minimum context to " + thousands(ctx) + " (from " + thousands(asked) + ")";
        return Optional.of(new Conflict.Relaxation(
                "context",
                r.name(),
                sentence,
                List.of(new InventoryEdit(at.get(), String.valueOf(asked), String.valueOf(ctx))),
                (asked - ctx) / (double) asked));
    }

    private static DeploymentRequest withContext(DeploymentRequest r, long ctx) {
        return r.withContext(
                r.context() instanceof ContextAsk.Range g
                        ? new ContextAsk.Range(ctx, g.max())
                        : new ContextAsk.Exact(ctx));
    }

    /** A smaller file (one to four sizes down) with which everything solves: in place of a fixed one, or listed last. */
    private Optional<Conflict.Relaxation> quant(DeploymentRequest r) {
        Optional<DeploymentRequest.Position> at = r.at("quant");
        if (at.isEmpty() || r.quant() instanceof QuantChoice.Auto) {
            return Optional.empty();
        }
        List<QuantFile> listed = r.quant().candidates(r.model());
        QuantFile floor =
                listed.stream().min(Comparator.comparing(QuantFile::size)).orElseThrow();
        List<QuantFile> smaller = r.model().quantizations().stream()
                .filter(q -> q.size().compareTo(floor.size()) < 0 && !listed.contains(q))
                .sorted(Comparator.comparing(QuantFile::size).reversed())
                .limit(4)
                .toList();
        for (int step = 0; step < smaller.size(); step++) {
            QuantFile q = smaller.get(step);
            boolean fixed = r.quant() instanceof QuantChoice.Fixed;
            List<QuantFile> list = new ArrayList<>(listed);
            list.add(q);
            QuantChoice choice = fixed ? new QuantChoice.Fixed(q) : new QuantChoice.Ordered(list);
            if (solvable(replacing(r, r.withQuant(choice)))) {
                String was = fixed ? floor.quant() : names(listed);
                return Optional.of(new Conflict.Relaxation(
                        "quant",
                        r.name(),
                        fixed
                                ? q.quant() + " instead of " + floor.quant() + " for " + r.name()
                                : "add " + q.quant() + " to " + r.name() + "'s list of quantizations",
                        List.of(new InventoryEdit(at.get(), was, fixed ? q.quant() : names(list))),
                        0.25 * (step + 1)));
            }
        }
        return Optional.empty();
    }

    private static String names(List<QuantFile> qs) {
        return "[" + String.join(", ", qs.stream().map(QuantFile::quant).toList()) + "]";
    }

    /** Another node, found by letting the solver choose it, then checked as written. */
    private Optional<Conflict.Relaxation> move(DeploymentRequest r) {
        Optional<DeploymentRequest.Position> at = r.at("node");
        if (at.isEmpty()
                || (r.node() instanceof NodeChoice.Select s && s.selector().equals(NodeSelector.ANY))) {
            return Optional.empty();
        }
        InventoryRequest anywhere = replacing(r, r.withNode(new NodeChoice.Select(NodeSelector.ANY)));
        String to = Solver.placement(anywhere, catalog, cache).get(r.name());
        if (to == null) {
            return Optional.empty();
        }
        Node target = asked.nodes().stream()
                .filter(x -> x.name().equals(to))
                .findFirst()
                .orElseThrow();
        if (!solvable(replacing(r, r.withNode(new NodeChoice.Fixed(target))))) {
            return Optional.empty();
        }
        String was = r.node() instanceof NodeChoice.Fixed f ? f.node().name() : "a selector";
        return Optional.of(new Conflict.Relaxation(
                "node",
                r.name(),
                "`node: " + to + "` instead of " + was + " for " + r.name(),
                List.of(new InventoryEdit(at.get(), was, to)),
                0.5));
    }

    private InventoryRequest replacingNode(Node old, Node by) {
        List<Node> nodes = new ArrayList<>(asked.nodes());
        nodes.set(index(old), by);
        List<DeploymentRequest> rs = asked.requests().stream()
                .map(r -> r.node() instanceof NodeChoice.Fixed f
                                && f.node().name().equals(old.name())
                        ? r.withNode(new NodeChoice.Fixed(by))
                        : r)
                .toList();
        return asked.with(nodes, rs);
    }

    /** The least RAM (whole GiB) to add to a node with which everything solves, up to its RAM again or 64 GiB. */
    private Optional<Conflict.Relaxation> ram(Node n) {
        Optional<DeploymentRequest.Position> at =
                Optional.ofNullable(asked.nodeWhere().get(n.name() + ".ram"));
        long gib = Math.max(1, Math.round(n.ram().gib()));
        long most = Math.max(64, gib);
        if (at.isEmpty() || !solvable(replacingNode(n, n.withHardware(n.gpus(), Bytes.ofGiB(gib + most))))) {
            return Optional.empty();
        }
        long lo = 0;
        long hi = most;
        while (hi - lo > 1) {
            long mid = (lo + hi) >>> 1;
            if (solvable(replacingNode(n, n.withHardware(n.gpus(), Bytes.ofGiB(gib + mid))))) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        String ram = (gib + hi) + "GiB";
        return Optional.of(new Conflict.Relaxation(
                "ram",
                n.name(),
                "add " + hi + " GiB of RAM to " + n.name() + " (`ram: " + ram + "`)",
                List.of(new InventoryEdit(at.get(), n.ram().human(), ram)),
                2 + hi / 64.0));
    }

    /**
     * A Kubernetes NVIDIA node that shares its GPUs among more pods ({@code gpuSharing}): the fewest replicas, above
     * what it has and up to one more per member of the conflict, with which everything solves. Written in place of the
     * node's {@code gpuSharing} value, or (a key it lacks) as a sentence naming the key to add.
     */
    private Optional<Conflict.Relaxation> sharing(Node n, int members) {
        if (n.gpuPods().isEmpty()
                || n.gpuVendor()
                        .filter(v -> v == eu.prositronic.core.catalog.Hardware.Vendor.NVIDIA)
                        .isEmpty()) {
            return Optional.empty();
        }
        int now = n.gpuPods().getAsInt();
        int most = Math.min(eu.prositronic.core.inventory.GpuSharing.MAX_REPLICAS, now + members);
        for (int r = Math.max(eu.prositronic.core.inventory.GpuSharing.MIN_REPLICAS, now + 1); r <= most; r++) {
            eu.prositronic.core.inventory.GpuSharing g = new eu.prositronic.core.inventory.GpuSharing(
                    eu.prositronic.core.inventory.GpuSharing.Strategy.TIME_SLICING, r);
            if (!solvable(replacingNode(n, n.withGpuSharing(Optional.of(g))))) {
                continue;
            }
            String value = "{strategy: timeSlicing, replicas: " + r + "}";
            Optional<DeploymentRequest.Position> at =
                    Optional.ofNullable(asked.nodeWhere().get(n.name() + ".gpuSharing"));
            return Optional.of(new Conflict.Relaxation(
                    "gpuSharing",
                    n.name(),
                    "let " + r + " pods share the GPUs of " + n.name() + " under Kubernetes (`gpuSharing: " + value
                            + "` on node " + n.name() + ", the device plugin's time-slicing)",
                    at.map(p -> List.of(new InventoryEdit(p, "gpuSharing", value)))
                            .orElse(List.of()),
                    1));
        }
        return Optional.empty();
    }

    /** One more GPU of the node's first model. */
    private Optional<Conflict.Relaxation> gpu(Node n) {
        Optional<DeploymentRequest.Position> at =
                Optional.ofNullable(asked.nodeWhere().get(n.name() + ".gpus"));
        if (at.isEmpty() || !n.hasGpu()) {
            return Optional.empty();
        }
        List<Node.GpuGroup> gpus = new ArrayList<>(n.gpus());
        Node.GpuGroup first = gpus.get(0);
        gpus.set(0, new Node.GpuGroup(first.hardware(), first.count() + 1));
        if (!solvable(replacingNode(n, n.withHardware(gpus, n.ram())))) {
            return Optional.empty();
        }
        String written = "["
                + String.join(
                        ", ",
                        gpus.stream()
                                .map(g -> "{model: " + g.hardware().id() + ", count: " + g.count() + "}")
                                .toList())
                + "]";
        return Optional.of(new Conflict.Relaxation(
                "gpu",
                n.name(),
                "add " + first.hardware().memory().human() + " of VRAM to " + n.name() + ": one more "
                        + first.hardware().id() + " (`gpus: " + written + "`)",
                List.of(new InventoryEdit(at.get(), "gpus", written)),
                3 + first.hardware().memory().gib() / 64));
    }

    static String thousands(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
