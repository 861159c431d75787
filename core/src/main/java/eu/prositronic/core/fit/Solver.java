package eu.prositronic.core.fit;

import eu.prositronic.core.catalog.Catalog;
import eu.prositronic.core.catalog.DriverVersion;
import eu.prositronic.core.catalog.ModelSpec.QuantFile;
import eu.prositronic.core.inventory.CacheType;
import eu.prositronic.core.inventory.ContextAsk;
import eu.prositronic.core.inventory.CpuIsa;
import eu.prositronic.core.inventory.Deployment;
import eu.prositronic.core.inventory.DeploymentRequest;
import eu.prositronic.core.inventory.FlashAttn;
import eu.prositronic.core.inventory.Inventory;
import eu.prositronic.core.inventory.InventoryRequest;
import eu.prositronic.core.inventory.LayoutPins;
import eu.prositronic.core.inventory.Node;
import eu.prositronic.core.inventory.NodeChoice;
import eu.prositronic.core.inventory.Objective;
import eu.prositronic.core.inventory.QuantChoice;
import eu.prositronic.core.problem.ProsiException;
import eu.prositronic.core.units.BytesPerSecond;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns an inventory as asked ({@link InventoryRequest}) into one whose every deployment is concrete (file, node,
 * context, port), then lets the {@link Planner} place it: deterministic, pure, no files. Values the inventory writes
 * are never changed; only {@code quant: auto} or a list, {@code node: auto} or a selector, {@code context: {min, max}}
 * and (under objective {@code context}) the split of a node between {@code context: max} deployments are chosen.
 *
 * <p>Method: {@link SolverReport.Method#EXHAUSTIVE} backtracking when the (quantization × node) combinations of the
 * deployments with a choice number at most {@link #EXHAUSTIVE_LIMIT}, else {@link SolverReport.Method#GREEDY}
 * first-fit-decreasing. Every candidate placement is a real fit of the node's deployments ({@link Planner#place}), and
 * fits are cached by the node's hardware and the fit-relevant settings of what runs on it, so identical nodes in a
 * large fleet are fitted once. Each deployment scores its placement by its {@link Objective} (docs/solver.md); the
 * fleet score is the sum.
 *
 * <p>When nothing fits, {@link Conflicts} finds the smallest set of deployments that cannot be placed together and the
 * cheapest relaxation, verified by solving again ({@link UnsolvableException}).
 */
public final class Solver {
    /** The largest search space (product of each choosing deployment's options) searched exhaustively. */
    public static final double EXHAUSTIVE_LIMIT = 50_000;

    /**
     * Groups of identical nodes (hardware, labels, contents) tried per deployment by the greedy method, in order of
     * their first node, beside the first group of every other kind of node.
     */
    static final int GREEDY_GROUPS = 8;

    /** Alternatives kept per deployment in the report. */
    static final int ALTERNATIVES = 3;

    /** Other (hardware, contents) node kinds tried per deployment for its alternatives, beside its own node. */
    static final int ALTERNATIVE_NODES = 4;

    private final InventoryRequest asked;
    private final Catalog catalog;
    private final PowerHook power;
    private final List<Node> nodes;
    private final Map<String, Integer> nodeIndex = new HashMap<>();
    private final List<Var> vars = new ArrayList<>();
    private final Map<PlaceKey, Placed> cache;
    private final Map<Integer, Double> bestGeneration = new HashMap<>();
    long evaluations;
    long cacheHits;

    /** The assignment being built: file, node and context per deployment, and the deployments on each node. */
    private final QuantFile[] quant;

    private final int[] node;
    private final OptionalLong[] context;
    private final List<TreeSet<Integer>> onNode = new ArrayList<>();

    private Solver(InventoryRequest asked, Catalog catalog, PowerHook power, Map<PlaceKey, Placed> cache) {
        this.asked = asked;
        this.catalog = catalog;
        this.power = power;
        this.cache = cache;
        this.nodes = asked.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            nodeIndex.put(nodes.get(i).name(), i);
            onNode.add(new TreeSet<>());
        }
        List<DeploymentRequest> requests = asked.requests();
        Map<Object, List<Integer>> candidates = new HashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            vars.add(new Var(
                    i, requests.get(i), asked.objectiveOf(requests.get(i)), candidates(requests.get(i), candidates)));
        }
        quant = new QuantFile[vars.size()];
        node = new int[vars.size()];
        context = new OptionalLong[vars.size()];
        Arrays.fill(node, -1);
        for (Var v : vars) {
            context[v.index] = v.searchContext;
        }
    }

    /** The plan of an inventory as asked: solved where it leaves a choice, exactly as written where it does not. */
    public static Plan plan(InventoryRequest asked, Catalog catalog) throws ProsiException {
        return plan(asked, catalog, PowerHook.NONE);
    }

    public static Plan plan(InventoryRequest asked, Catalog catalog, PowerHook power) throws ProsiException {
        if (!choosing(asked)) {
            return Planner.plan(asked.asWritten(), catalog);
        }
        Solution s = solve(asked, catalog, power);
        return Planner.plan(s.inventory(), catalog).withSolver(s.report());
    }

    /** The concrete inventory and the report of what was chosen. */
    public record Solution(Inventory inventory, SolverReport report) {}

    public static Solution solve(InventoryRequest asked, Catalog catalog) throws UnsolvableException {
        return solve(asked, catalog, PowerHook.NONE);
    }

    public static Solution solve(InventoryRequest asked, Catalog catalog, PowerHook power) throws UnsolvableException {
        Map<PlaceKey, Placed> cache = new HashMap<>();
        Solver s = new Solver(asked, catalog, power, cache);
        Optional<Integer> failed = s.assign();
        if (Boolean.getBoolean("prositronic.solver.debug")) {
            System.err.println("solver: assigned with " + s.evaluations + " fits, " + s.cacheHits + " from the cache, "
                    + s.groups.size() + " groups");
        }
        if (failed.isPresent()) {
            throw new UnsolvableException(Conflicts.diagnose(asked, catalog, cache, failed.get()));
        }
        return s.solution();
    }

    /** Whether the request has anything to choose (else the plan is the inventory as written, byte for byte). */
    public static boolean choosing(InventoryRequest asked) {
        if (!asked.explicit()) {
            return true;
        }
        // objective context splits a node between its `context: max` deployments by need, not equally
        Map<String, Integer> maxByNode = new HashMap<>();
        for (DeploymentRequest r : asked.requests()) {
            if (r.context() instanceof ContextAsk.Max && asked.objectiveOf(r) == Objective.CONTEXT) {
                maxByNode.merge(((NodeChoice.Fixed) r.node()).node().name(), 1, Integer::sum);
            }
        }
        return maxByNode.values().stream().anyMatch(n -> n > 1);
    }

    /** Whether the request can be solved at all: the conflict search's test ({@link Conflicts}). */
    static boolean feasible(InventoryRequest asked, Catalog catalog, Map<PlaceKey, Placed> cache) {
        return new Solver(asked, catalog, PowerHook.NONE, cache).assign().isEmpty();
    }

    /** The node a solvable request puts each deployment on, by name ({@link Conflicts}: a relaxation's new node). */
    static Map<String, String> placement(InventoryRequest asked, Catalog catalog, Map<PlaceKey, Placed> cache) {
        Solver s = new Solver(asked, catalog, PowerHook.NONE, cache);
        Map<String, String> at = new HashMap<>();
        if (s.assign().isEmpty()) {
            for (Var v : s.vars) {
                at.put(v.r.name(), s.nodes.get(s.node[v.index]).name());
            }
        }
        return at;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // the deployments and what they may choose

    /** One deployment of the request: its options and its score. */
    static final class Var {
        final int index;
        final DeploymentRequest r;
        final Objective objective;
        final List<QuantFile> quants;
        final List<Integer> nodes;
        final boolean free;
        final OptionalLong searchContext;
        final long need;

        /** The most GPUs on any candidate node (objective power's proxy). */
        int mostGpus = -1;

        Var(int index, DeploymentRequest r, Objective objective, List<Integer> candidates) {
            this.index = index;
            this.r = r;
            this.objective = objective;
            this.quants = r.quant().candidates(r.model());
            this.nodes = candidates;
            this.free = quants.size() > 1 || !(r.node() instanceof NodeChoice.Fixed);
            // while placing, a range holds its minimum: the node-sharing step raises it afterwards
            this.searchContext = r.context() instanceof ContextAsk.Range range
                    ? OptionalLong.of(LlamaCpp.padContext(range.min()))
                    : r.context().asDeployed();
            this.need = quants.stream().mapToLong(q -> q.size().value()).min().orElse(0);
        }

        int rank(QuantFile q) {
            return quants.indexOf(q);
        }

        long trained() {
            return r.model().architecture().contextLength();
        }

        double options() {
            return (double) quants.size() * nodes.size();
        }
    }

    /** A request's candidate nodes (indices, inventory order): one list per selector, shared by every request with it. */
    private List<Integer> candidates(DeploymentRequest r, Map<Object, List<Integer>> memo) {
        if (r.node() instanceof NodeChoice.Fixed f) {
            Integer n = nodeIndex.get(f.node().name());
            return n == null ? List.of() : List.of(n);
        }
        return memo.computeIfAbsent(((NodeChoice.Select) r.node()).selector(), s -> {
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                if (((eu.prositronic.core.inventory.NodeSelector) s).matches(nodes.get(i))) {
                    out.add(i);
                }
            }
            return List.copyOf(out);
        });
    }

    /** One candidate node per distinct hardware, for each shared candidate list. */
    private final Map<List<Integer>, List<Integer>> perHardware = new java.util.IdentityHashMap<>();

    private List<Integer> perHardware(List<Integer> candidates) {
        return perHardware.computeIfAbsent(candidates, c -> {
            Map<NodeClass, Integer> first = new LinkedHashMap<>();
            for (int n : c) {
                first.putIfAbsent(NodeClass.of(nodes.get(n)), n);
            }
            return List.copyOf(first.values());
        });
    }

    // ---------------------------------------------------------------------------------------------------------------
    // fits, cached by hardware and contents

    /** What of a node matters to a fit: its GPUs, RAM, cores, bandwidth, driver and CPU ISA (not its name). */
    record NodeClass(
            List<String> gpus,
            long ram,
            int cores,
            Optional<BytesPerSecond> bandwidth,
            Optional<DriverVersion> driver,
            CpuIsa isa) {
        static NodeClass of(Node n) {
            return new NodeClass(
                    n.gpus().stream()
                            .map(g -> g.hardware().id() + "x" + g.count())
                            .toList(),
                    n.ram().value(),
                    n.cpuCores(),
                    n.memoryBandwidth(),
                    n.driverVersion(),
                    n.cpuIsa());
        }
    }

    /** What of a deployment matters to a fit (not its name, port, node or thinking). */
    record FitKey(
            String model,
            String quant,
            OptionalLong context,
            CacheType k,
            CacheType v,
            FlashAttn fa,
            int parallel,
            int batch,
            int ubatch,
            LayoutPins pins,
            boolean kvUnified) {
        static FitKey of(Deployment d) {
            return new FitKey(
                    d.model().id(),
                    d.quant().quant(),
                    d.context(),
                    d.cacheTypeK(),
                    d.cacheTypeV(),
                    d.flashAttn(),
                    d.parallel(),
                    d.batchSize(),
                    d.ubatchSize(),
                    d.pins(),
                    d.kvUnified());
        }
    }

    record PlaceKey(NodeClass node, List<FitKey> deployments) {}

    /**
     * A node's deployments placed as the Planner places them: whether all fit and, per deployment in the given order,
     * its context, estimated generation speed, memory used (all devices) and power (NaN when unknown).
     */
    record Placed(boolean fits, long[] ctx, double[] generation, long[] used, double[] watts, int[] gpuLayers) {}

    Placed evaluate(Node n, List<Deployment> ds) {
        PlaceKey key = new PlaceKey(NodeClass.of(n), ds.stream().map(FitKey::of).toList());
        Placed hit = cache.get(key);
        if (hit != null) {
            cacheHits++;
            return hit;
        }
        evaluations++;
        Planner.Placement p = Planner.place(n, ds, catalog);
        int size = ds.size();
        long[] ctx = new long[size];
        double[] gen = new double[size];
        long[] used = new long[size];
        double[] watts = new double[size];
        int[] layers = new int[size];
        boolean fits = true;
        for (int i = 0; i < size; i++) {
            DeploymentPlan plan = p.plans.get(ds.get(i).name());
            if (plan == null) {
                fits = false;
                continue;
            }
            ctx[i] = plan.ctxSize();
            gen[i] = plan.speed().generationTokensPerSecond();
            used[i] = plan.memory().vramUsed().plus(plan.memory().ramUsed()).value();
            OptionalDouble w = power.watts(plan);
            watts[i] = w.isPresent() ? w.getAsDouble() : Double.NaN;
            layers[i] = plan.gpuLayers();
        }
        Placed placed = new Placed(fits, ctx, gen, used, watts, layers);
        cache.put(key, placed);
        return placed;
    }

    /** Var i as a deployment with file q on node n at its current context (port: not a matter of fit). */
    private Deployment deployment(int i, QuantFile q, int n, OptionalLong ctx) {
        return vars.get(i).r.resolve(q, nodes.get(n), ctx, Deployment.DEFAULT_PORT);
    }

    /** The deployments of node n in inventory order, with var {@code extra} added at file q (or none: -1). */
    private List<Integer> contents(int n, int extra) {
        TreeSet<Integer> here = new TreeSet<>(onNode.get(n));
        if (extra >= 0) {
            here.add(extra);
        }
        return List.copyOf(here);
    }

    private List<Deployment> deployments(int n, List<Integer> here, int swapped, QuantFile swappedQuant) {
        List<Deployment> ds = new ArrayList<>(here.size());
        for (int i : here) {
            ds.add(deployment(i, i == swapped ? swappedQuant : quant[i], n, context[i]));
        }
        return ds;
    }

    /** No two deployments on one node with the same port, where a port is written or the node is named. */
    private boolean portsFree(List<Integer> here) {
        Set<Integer> taken = new HashSet<>();
        for (int i : here) {
            Var v = vars.get(i);
            OptionalInt p = v.r.port().isPresent()
                    ? v.r.port()
                    : v.r.node() instanceof NodeChoice.Fixed
                            ? OptionalInt.of(Deployment.DEFAULT_PORT)
                            : OptionalInt.empty();
            if (p.isPresent() && !taken.add(p.getAsInt())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Kubernetes schedules the pods of a GPU node only up to {@link Node#gpuPods} (one without {@code gpuSharing}, its
     * replicas with it): the solver puts no deployment of its choosing on a node whose pods are all taken. Deployments
     * written on the node count first and are never refused here (the planner warns about them).
     */
    private boolean podsFree(int n, List<Integer> here) {
        java.util.OptionalInt pods = nodes.get(n).gpuPods();
        if (pods.isEmpty() || here.size() <= pods.getAsInt()) {
            return true;
        }
        for (int i : here) {
            if (!(vars.get(i).r.node() instanceof NodeChoice.Fixed)) {
                return false;
            }
        }
        return true;
    }

    /** The ports and the Kubernetes pods of node n with these deployments: both must be free. */
    private boolean schedulable(int n, List<Integer> here) {
        return portsFree(here) && podsFree(n, here);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // scores

    /**
     * A deployment's score for one placement under its objective, each figure in [0, 1]: the objective's first (weight
     * 1), then quality (or context) at 1e-3 and the rest at 1e-6, so that the objective decides and the others break
     * ties. Quality is 1 − rank/choices, context the share of the trained context, speed the estimated generation over
     * the fastest this deployment reaches alone on any candidate.
     */
    double score(Var v, QuantFile q, int n, long ctx, double gen, double watts) {
        double quality = v.quants.size() <= 1 ? 1 : 1 - (double) v.rank(q) / v.quants.size();
        double ctxShare = Math.min(1, ctx / (double) v.trained());
        double fast = Math.min(1, gen / bestGeneration(v));
        return switch (v.objective) {
            case QUALITY -> quality + 1e-3 * ctxShare + 1e-6 * fast;
            case CONTEXT -> ctxShare + 1e-3 * quality + 1e-6 * fast;
            case SPEED -> fast + 1e-3 * quality + 1e-6 * ctxShare;
            case POWER -> powerScore(v, q, n, watts) + 1e-3 * quality + 1e-6 * ctxShare;
        };
    }

    /**
     * Objective power: with a power estimate, 100 / (100 + watts); without one, a proxy: fewer bytes read per token
     * (the smaller file, 70 %) and fewer GPUs engaged (30 %).
     */
    private double powerScore(Var v, QuantFile q, int n, double watts) {
        if (!Double.isNaN(watts)) {
            return 100 / (100 + watts);
        }
        long largest = v.quants.stream().mapToLong(x -> x.size().value()).max().orElse(1);
        int gpus = nodes.get(n).gpuCount();
        if (v.mostGpus < 0) {
            v.mostGpus = perHardware(v.nodes).stream()
                    .mapToInt(i -> nodes.get(i).gpuCount())
                    .max()
                    .orElse(0);
        }
        int most = v.mostGpus;
        return 0.7 * (1 - (double) q.size().value() / largest) + 0.3 * (1 - (double) gpus / (most + 1));
    }

    /** The fastest generation any option of v reaches alone on a node of its candidates' hardware. */
    private double bestGeneration(Var v) {
        return bestGeneration.computeIfAbsent(v.index, k -> {
            double best = 1e-9;
            for (int n : perHardware(v.nodes)) {
                for (QuantFile q : v.quants) {
                    Placed p = evaluate(nodes.get(n), List.of(deployment(v.index, q, n, v.searchContext)));
                    if (p.fits()) {
                        best = Math.max(best, p.generation()[0]);
                    }
                }
            }
            return best;
        });
    }

    /** The score of node n's deployments (with var {@code extra} at file q added), or empty if they do not fit. */
    private OptionalDouble nodeScore(int n, int extra, QuantFile q) {
        List<Integer> here = contents(n, extra);
        if (!schedulable(n, here)) {
            return OptionalDouble.empty();
        }
        Placed p = evaluate(nodes.get(n), deployments(n, here, extra, q));
        if (!p.fits()) {
            return OptionalDouble.empty();
        }
        double sum = 0;
        for (int k = 0; k < here.size(); k++) {
            int i = here.get(k);
            sum += score(vars.get(i), i == extra ? q : quant[i], n, p.ctx()[k], p.generation()[k], p.watts()[k]);
        }
        return OptionalDouble.of(sum);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // the search

    private SolverReport.Method method;
    private double space;
    private double spaceLog10;

    /** Assigns every deployment; empty when done, else the index of a deployment that could not be placed. */
    Optional<Integer> assign() {
        List<Var> free = new ArrayList<>();
        for (Var v : vars) {
            if (v.nodes.isEmpty()) {
                return Optional.of(v.index);
            }
            if (v.free) {
                free.add(v);
            } else {
                put(v.index, v.quants.get(0), v.nodes.get(0));
            }
        }
        // the fixed deployments alone must fit their nodes
        for (int n = 0; n < nodes.size(); n++) {
            if (!onNode.get(n).isEmpty() && nodeScore(n, -1, null).isEmpty()) {
                return Optional.of(onNode.get(n).first());
            }
        }
        // first-fit-decreasing order: the largest smallest file first, then inventory order
        free.sort(Comparator.comparingLong((Var v) -> -v.need).thenComparingInt(v -> v.index));
        space = 1;
        spaceLog10 = 0;
        for (Var v : free) {
            space *= v.options();
            spaceLog10 += Math.log10(v.options());
        }
        method = space <= EXHAUSTIVE_LIMIT ? SolverReport.Method.EXHAUSTIVE : SolverReport.Method.GREEDY;
        return method == SolverReport.Method.EXHAUSTIVE ? exhaustive(free) : greedy(free);
    }

    private void put(int i, QuantFile q, int n) {
        quant[i] = q;
        node[i] = n;
        onNode.get(n).add(i);
    }

    private void remove(int i) {
        onNode.get(node[i]).remove(i);
        node[i] = -1;
        quant[i] = null;
    }

    private double best;
    private QuantFile[] bestQuant;
    private int[] bestNode;

    private Optional<Integer> exhaustive(List<Var> free) {
        best = Double.NEGATIVE_INFINITY;
        bestQuant = null;
        dfs(free, 0);
        if (bestQuant == null) {
            return Optional.of(free.get(0).index);
        }
        for (Var v : free) {
            put(v.index, bestQuant[v.index], bestNode[v.index]);
        }
        return Optional.empty();
    }

    private void dfs(List<Var> free, int k) {
        if (k == free.size()) {
            double total = 0;
            for (int n = 0; n < nodes.size(); n++) {
                if (!onNode.get(n).isEmpty()) {
                    total += nodeScore(n, -1, null).orElse(Double.NEGATIVE_INFINITY);
                }
            }
            if (total > best + 1e-12) {
                best = total;
                bestQuant = quant.clone();
                bestNode = node.clone();
            }
            return;
        }
        Var v = free.get(k);
        for (QuantFile q : v.quants) {
            for (int n : v.nodes) {
                if (nodeScore(n, v.index, q).isPresent()) {
                    put(v.index, q, n);
                    dfs(free, k + 1);
                    remove(v.index);
                }
            }
        }
    }

    /** Nodes that hold the same deployments on the same hardware with the same labels: one is tried for all. */
    private record Group(
            NodeClass hardware, Map<String, String> labels, java.util.OptionalInt pods, List<List<Object>> contents) {}

    private Group group(int n) {
        List<List<Object>> here = new ArrayList<>();
        for (int i : onNode.get(n)) {
            Var v = vars.get(i);
            here.add(List.of(
                    FitKey.of(deployment(i, quant[i], n, context[i])),
                    v.r.port(),
                    v.r.node() instanceof NodeChoice.Fixed,
                    v.objective,
                    v.quants));
        }
        return new Group(
                NodeClass.of(nodes.get(n)), nodes.get(n).labels(), nodes.get(n).gpuPods(), here);
    }

    /** The nodes by group, in order of their first node; rebuilt by {@link #regroup}. */
    private Map<Group, TreeSet<Integer>> groups = new LinkedHashMap<>();

    private void regroup() {
        groups = new LinkedHashMap<>();
        for (int n = 0; n < nodes.size(); n++) {
            groups.computeIfAbsent(group(n), g -> new TreeSet<>()).add(n);
        }
    }

    private final Map<List<Integer>, Set<Integer>> allowed = new java.util.IdentityHashMap<>();

    /** A var's candidates as a set (null: every node), shared by the vars with the same selector. */
    private Set<Integer> allowed(Var v) {
        return v.nodes.size() == nodes.size() ? null : allowed.computeIfAbsent(v.nodes, HashSet::new);
    }

    /**
     * The first node v may use of each group, in the groups' order: of the first {@code limit} groups, and beyond them
     * of the first group of every hardware and label set not seen yet (so that every kind of node is tried).
     */
    private List<Integer> representatives(Var v, int limit) {
        Set<Integer> ok = allowed(v);
        List<Integer> out = new ArrayList<>();
        Set<List<Object>> kinds = new HashSet<>();
        for (Map.Entry<Group, TreeSet<Integer>> e : groups.entrySet()) {
            List<Object> kind = List.of(
                    e.getKey().hardware(), e.getKey().labels(), e.getKey().pods());
            if (out.size() >= limit && kinds.contains(kind)) {
                continue;
            }
            int pick = -1;
            if (ok == null) {
                pick = e.getValue().first();
            } else {
                for (int m : e.getValue()) {
                    if (ok.contains(m)) {
                        pick = m;
                        break;
                    }
                }
            }
            if (pick >= 0) {
                out.add(pick);
                kinds.add(kind);
            }
        }
        out.sort(Integer::compare);
        return out;
    }

    private Optional<Integer> greedy(List<Var> free) {
        regroup();
        for (Var v : free) {
            List<Integer> tried = v.r.node() instanceof NodeChoice.Fixed
                    ? List.of(v.nodes.get(0))
                    : representatives(v, GREEDY_GROUPS);
            double top = Double.NEGATIVE_INFINITY;
            QuantFile topQuant = null;
            int topNode = -1;
            double[] before = new double[tried.size()];
            for (int t = 0; t < tried.size(); t++) {
                before[t] = nodeScore(tried.get(t), -1, null).orElse(0);
            }
            // quant-major: under objective quality the first file in order of preference that fits any candidate
            // wins, on the node where it scores best; other objectives weigh every file
            for (QuantFile q : v.quants) {
                for (int t = 0; t < tried.size(); t++) {
                    int n = tried.get(t);
                    OptionalDouble after = nodeScore(n, v.index, q);
                    if (after.isPresent() && after.getAsDouble() - before[t] > top + 1e-12) {
                        top = after.getAsDouble() - before[t];
                        topQuant = q;
                        topNode = n;
                    }
                }
                if (topQuant != null && v.objective == Objective.QUALITY) {
                    break;
                }
            }
            if (topQuant == null) {
                return Optional.of(v.index);
            }
            Group was = group(topNode);
            TreeSet<Integer> members = groups.get(was);
            members.remove(topNode);
            if (members.isEmpty()) {
                groups.remove(was);
            }
            put(v.index, topQuant, topNode);
            groups.computeIfAbsent(group(topNode), g -> new TreeSet<>()).add(topNode);
        }
        return Optional.empty();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // after the search: contexts by need, ports, the report

    private Solution solution() {
        Map<Integer, String> contextReasons = new HashMap<>();
        // identical nodes with identical deployments share identically: each group is settled once
        regroup();
        for (TreeSet<Integer> members : List.copyOf(groups.values())) {
            int first = members.first();
            Map<Integer, String> reasons = new HashMap<>();
            shareByNeed(first, reasons);
            List<Integer> settled = List.copyOf(onNode.get(first));
            for (int m : members) {
                List<Integer> here = List.copyOf(onNode.get(m));
                for (int k = 0; k < here.size(); k++) {
                    int from = settled.get(k);
                    context[here.get(k)] = context[from];
                    if (reasons.containsKey(from)) {
                        contextReasons.put(
                                here.get(k),
                                reasons.get(from).replace(NODE, nodes.get(m).name()));
                    }
                }
            }
        }
        if (Boolean.getBoolean("prositronic.solver.debug")) {
            System.err.println("solver: contexts shared by need, " + evaluations + " fits so far");
        }
        List<Deployment> deployments = new ArrayList<>();
        Map<Integer, String> portReasons = new HashMap<>();
        int[] port = ports(portReasons);
        for (Var v : vars) {
            deployments.add(v.r.resolve(quant[v.index], nodes.get(node[v.index]), context[v.index], port[v.index]));
        }
        Inventory inventory = new Inventory(asked.file(), asked.cluster(), nodes, deployments, asked.energy());
        regroup();
        Map<String, SolverReport.Choice> choices = new LinkedHashMap<>();
        for (Var v : vars) {
            List<SolverReport.ChosenBy> chosen = new ArrayList<>();
            List<SolverReport.Alternative> alternatives = List.of();
            if (v.free) {
                List<Option> options = optionsOf(v);
                alternatives = options.stream()
                        .filter(o -> !o.chosen)
                        .limit(ALTERNATIVES)
                        .map(o -> o.alternative)
                        .toList();
                chosen.addAll(reasons(v, options));
            }
            if (contextReasons.containsKey(v.index)) {
                chosen.add(new SolverReport.ChosenBy(
                        "context", String.valueOf(context[v.index].getAsLong()), contextReasons.get(v.index)));
            }
            if (portReasons.containsKey(v.index)) {
                chosen.add(new SolverReport.ChosenBy("port", String.valueOf(port[v.index]), portReasons.get(v.index)));
            }
            if (!chosen.isEmpty()) {
                choices.put(v.r.name(), new SolverReport.Choice(v.objective, chosen, alternatives));
            }
        }
        return new Solution(
                inventory,
                new SolverReport(
                        method,
                        asked.objective(),
                        Math.round(spaceLog10 * 100) / 100.0,
                        evaluations,
                        cacheHits,
                        choices));
    }

    /**
     * Node sharing by need. On node n, the contexts the solver decides are those of ranges and, under objective
     * context, of {@code context: max} deployments that share the node with another {@code max} one. Under objective
     * context the smallest share of each model's trained context is maximised (max-min fairness, by bisection), then
     * whatever is left is given in inventory order; a range under another objective takes the largest context up to
     * its max that leaves the node's other deployments fitting. A larger context never moves a layer off a GPU: each
     * deployment keeps at least the GPU layers it has with every decided context at its minimum.
     */
    private void shareByNeed(int n, Map<Integer, String> reasons) {
        List<Integer> here = List.copyOf(onNode.get(n));
        long maxes = here.stream()
                .filter(i -> vars.get(i).r.context() instanceof ContextAsk.Max)
                .count();
        List<Integer> decided = new ArrayList<>();
        for (int i : here) {
            Var v = vars.get(i);
            if (v.r.context() instanceof ContextAsk.Range
                    || (v.r.context() instanceof ContextAsk.Max && v.objective == Objective.CONTEXT && maxes > 1)) {
                decided.add(i);
            }
        }
        if (decided.isEmpty()) {
            return;
        }
        long[] lo = new long[vars.size()];
        long[] hi = new long[vars.size()];
        for (int i : decided) {
            Var v = vars.get(i);
            long trained = LlamaCpp.roundDownContext(v.trained());
            if (v.r.context() instanceof ContextAsk.Range r) {
                lo[i] = LlamaCpp.padContext(r.min());
                hi[i] = Math.max(lo[i], LlamaCpp.roundDownContext(r.max()));
            } else {
                lo[i] = Math.min(LlamaCpp.FIT_MIN_CTX, trained);
                hi[i] = trained;
            }
        }
        OptionalLong[] saved = context.clone();
        List<Integer> fair = decided.stream()
                .filter(i -> vars.get(i).objective == Objective.CONTEXT)
                .toList();
        double share = -1;
        for (int i : decided) {
            context[i] = OptionalLong.of(lo[i]);
        }
        if (!fits(n)) {
            System.arraycopy(saved, 0, context, 0, context.length);
            return; // cannot happen: the search placed them at their minimum; leave the contexts as searched
        }
        // a larger context never moves a layer off a GPU: the layouts at the minimum are the floor
        int[] floor = placed(n).gpuLayers().clone();
        layersFloor = floor;
        if (!fair.isEmpty()) {
            double a = 0;
            double b = 1;
            setShare(fair, a, lo, hi);
            for (int step = 0; step < 14; step++) {
                double mid = (a + b) / 2;
                setShare(fair, mid, lo, hi);
                if (fits(n)) {
                    a = mid;
                } else {
                    b = mid;
                }
            }
            setShare(fair, a, lo, hi);
            share = a;
        }
        // what is left, in inventory order: each decided context as large as fits with the others as they are
        for (int i : decided) {
            long base = context[i].getAsLong() / LlamaCpp.CTX_PAD;
            long top = hi[i] / LlamaCpp.CTX_PAD;
            context[i] = OptionalLong.of(top * LlamaCpp.CTX_PAD);
            if (!fits(n)) {
                while (top - base > 1) {
                    long mid = (base + top) >>> 1;
                    context[i] = OptionalLong.of(mid * LlamaCpp.CTX_PAD);
                    if (fits(n)) {
                        base = mid;
                    } else {
                        top = mid;
                    }
                }
                context[i] = OptionalLong.of(base * LlamaCpp.CTX_PAD);
            }
        }
        layersFloor = null;
        String nodeName = NODE;
        for (int i : decided) {
            Var v = vars.get(i);
            long ctx = context[i].getAsLong();
            String pct = String.format(Locale.ROOT, "%.0f %%", 100.0 * ctx / v.trained());
            if (v.objective == Objective.CONTEXT) {
                reasons.put(
                        i,
                        "shared by need on " + nodeName + " (objective context): the smallest share of each model's"
                                + " trained context is maximised (" + String.format(Locale.ROOT, "%.0f %%", 100 * share)
                                + " each at least), then what is left goes in inventory order; this one gets " + pct
                                + " of " + v.trained() + " tokens");
            } else {
                ContextAsk.Range r = (ContextAsk.Range) v.r.context();
                reasons.put(
                        i,
                        "range " + r.min() + "–" + r.max() + ": the largest that fits on " + nodeName
                                + " beside its other deployments (" + pct + " of the trained " + v.trained() + ")");
            }
        }
    }

    /** Where a node-sharing reason names its node (filled in per node of the group). */
    private static final String NODE = "\u0000node\u0000";

    private void setShare(List<Integer> fair, double f, long[] lo, long[] hi) {
        for (int i : fair) {
            long c = LlamaCpp.roundDownContext((long) (f * vars.get(i).trained()));
            context[i] = OptionalLong.of(Math.max(lo[i], Math.min(hi[i], c)));
        }
    }

    /** While the node-sharing step raises contexts: the GPU layers each deployment of the node keeps at least. */
    private int[] layersFloor;

    private boolean fits(int n) {
        if (nodeScore(n, -1, null).isEmpty()) {
            return false;
        }
        if (layersFloor != null) {
            int[] layers = placed(n).gpuLayers();
            for (int k = 0; k < layers.length; k++) {
                if (layers[k] < layersFloor[k]) {
                    return false;
                }
            }
        }
        return true;
    }

    private Placed placed(int n) {
        List<Integer> here = contents(n, -1);
        return evaluate(nodes.get(n), deployments(n, here, -1, null));
    }

    /**
     * Ports: as written; 8080 for a deployment on a named node (the loader checked those); for one whose node the
     * solver chose, 8080 or the next port free on that node.
     */
    private int[] ports(Map<Integer, String> reasons) {
        int[] port = new int[vars.size()];
        Map<Integer, Set<Integer>> taken = new HashMap<>();
        for (Var v : vars) {
            if (v.r.port().isPresent() || v.r.node() instanceof NodeChoice.Fixed) {
                port[v.index] = v.r.port().orElse(Deployment.DEFAULT_PORT);
                taken.computeIfAbsent(node[v.index], k -> new HashSet<>()).add(port[v.index]);
            }
        }
        for (Var v : vars) {
            if (v.r.port().isEmpty() && !(v.r.node() instanceof NodeChoice.Fixed)) {
                Set<Integer> used = taken.computeIfAbsent(node[v.index], k -> new HashSet<>());
                int p = Deployment.DEFAULT_PORT;
                while (used.contains(p)) {
                    p++;
                }
                used.add(p);
                port[v.index] = p;
                if (p != Deployment.DEFAULT_PORT) {
                    reasons.put(
                            v.index,
                            Deployment.DEFAULT_PORT + " is taken on "
                                    + nodes.get(node[v.index]).name() + ": the next free port");
                }
            }
        }
        return port;
    }

    /** One (file, node) a deployment could take, fitted beside the rest of the plan. */
    private record Option(
            QuantFile quant, int node, boolean chosen, boolean fits, SolverReport.Alternative alternative) {}

    /**
     * Every file on the chosen node, and the chosen file and its neighbours in order of preference on up to {@link
     * #ALTERNATIVE_NODES} other kinds of candidate node, each fitted beside the rest of the plan as it is (the
     * deployment's own node without it): the chosen one first, then by score.
     */
    private List<Option> options(Var v) {
        int i = v.index;
        int at = node[i];
        QuantFile chosenQuant = quant[i];
        OptionalLong ctx = context[i];
        List<Integer> here = contents(at, -1);
        Placed mine = evaluate(nodes.get(at), deployments(at, here, -1, null));
        int k = here.indexOf(i);
        long chosenCtx = mine.ctx()[k];
        double chosenGen = mine.generation()[k];
        long chosenUsed = mine.used()[k];
        double chosenWatts = mine.watts()[k];
        List<Integer> targets = new ArrayList<>();
        targets.add(at);
        if (!(v.r.node() instanceof NodeChoice.Fixed)) {
            Group mineGroup = group(at);
            for (int n : representatives(v, ALTERNATIVE_NODES + 1)) {
                if (n != at && !groups.get(mineGroup).contains(n) && targets.size() <= ALTERNATIVE_NODES) {
                    targets.add(n);
                }
            }
        }
        // the others as they are, this one as asked (a range as `max`, capped at its max below)
        context[i] = v.r.context() instanceof ContextAsk.Range ? OptionalLong.empty() : v.searchContext;
        remove(i);
        boolean leftFits = fits(at) || onNode.get(at).isEmpty();
        List<Option> out = new ArrayList<>();
        int rank = v.rank(chosenQuant);
        for (int n : targets) {
            for (QuantFile q : v.quants) {
                // every file on its own node; elsewhere its own file and the next in order of preference either side
                if (n != at && Math.abs(v.rank(q) - rank) > 1) {
                    continue;
                }
                boolean chosen = n == at && q.equals(chosenQuant);
                if (chosen) {
                    // the chosen one as planned, with the contexts the node-sharing step gave
                    double s = score(v, q, n, chosenCtx, chosenGen, chosenWatts);
                    out.add(new Option(
                            q,
                            n,
                            true,
                            true,
                            new SolverReport.Alternative(
                                    q.quant(),
                                    nodes.get(n).name(),
                                    chosenCtx,
                                    0,
                                    0,
                                    0,
                                    Double.isNaN(chosenWatts) ? OptionalDouble.empty() : OptionalDouble.of(0),
                                    Math.round(s * 1e6) / 1e6)));
                    continue;
                }
                List<Integer> there = contents(n, i);
                boolean ok = schedulable(n, there) && (n == at || leftFits);
                Placed p = ok ? evaluate(nodes.get(n), deployments(n, there, i, q)) : null;
                if (p == null || !p.fits()) {
                    out.add(new Option(q, n, chosen, false, null));
                    continue;
                }
                int pos = there.indexOf(i);
                long c = p.ctx()[pos];
                if (v.r.context() instanceof ContextAsk.Range r) {
                    if (c < r.min()) {
                        out.add(new Option(q, n, chosen, false, null));
                        continue;
                    }
                    c = Math.min(c, LlamaCpp.roundDownContext(r.max()));
                }
                double w = p.watts()[pos];
                OptionalDouble dw = Double.isNaN(w) || Double.isNaN(chosenWatts)
                        ? OptionalDouble.empty()
                        : OptionalDouble.of(w - chosenWatts);
                double s = score(v, q, n, c, p.generation()[pos], w);
                out.add(new Option(
                        q,
                        n,
                        chosen,
                        true,
                        new SolverReport.Alternative(
                                q.quant(),
                                nodes.get(n).name(),
                                c,
                                p.used()[pos] - chosenUsed,
                                c - chosenCtx,
                                SpeedModel.round(p.generation()[pos] - chosenGen),
                                dw,
                                Math.round(s * 1e6) / 1e6)));
            }
        }
        put(i, chosenQuant, at);
        context[i] = ctx;
        out.sort(Comparator.comparing((Option o) -> !o.chosen)
                .thenComparing((Option o) -> !o.fits)
                .thenComparing((Option o) -> o.fits ? -o.alternative.score() : 0)
                .thenComparingInt(o -> v.rank(o.quant))
                .thenComparingInt(o -> o.node));
        return out.stream().filter(o -> o.fits || o.chosen).toList();
    }

    /** Options per (the chosen node's group, the request's fit-relevant ask): identical ones are fitted once. */
    private final Map<List<Object>, List<Option>> optionsMemo = new HashMap<>();

    private List<Option> optionsOf(Var v) {
        int at = node[v.index];
        List<Object> key = List.of(
                group(at),
                FitKey.of(deployment(v.index, quant[v.index], at, context[v.index])),
                v.quants,
                v.objective,
                v.r.node(),
                v.r.context(),
                v.r.port());
        List<Option> known = optionsMemo.get(key);
        if (known == null) {
            List<Option> fresh = options(v);
            optionsMemo.put(key, fresh);
            memoNode.put(key, at);
            return fresh;
        }
        int was = memoNode.get(key);
        return known.stream()
                .map(o -> o.node != was
                        ? o
                        : new Option(
                                o.quant,
                                at,
                                o.chosen,
                                o.fits,
                                o.alternative == null
                                        ? null
                                        : new SolverReport.Alternative(
                                                o.alternative.quant(),
                                                nodes.get(at).name(),
                                                o.alternative.ctxSize(),
                                                o.alternative.memoryDeltaBytes(),
                                                o.alternative.contextDelta(),
                                                o.alternative.generationDelta(),
                                                o.alternative.powerDeltaWatts(),
                                                o.alternative.score())))
                .toList();
    }

    private final Map<List<Object>, Integer> memoNode = new HashMap<>();

    /** Why the file and node are what they are, from the options fitted beside the rest of the plan. */
    private List<SolverReport.ChosenBy> reasons(Var v, List<Option> options) {
        List<SolverReport.ChosenBy> out = new ArrayList<>();
        QuantFile q = quant[v.index];
        Node at = nodes.get(node[v.index]);
        String how = method == SolverReport.Method.EXHAUSTIVE ? "exhaustive search" : "first-fit-decreasing";
        if (v.quants.size() > 1) {
            int rank = v.rank(q);
            String list = v.r.quant() instanceof QuantChoice.Auto
                    ? "every file of " + v.r.model().id() + ", largest first"
                    : "["
                            + String.join(
                                    ", ",
                                    v.quants.stream().map(QuantFile::quant).toList()) + "]";
            List<String> better = new ArrayList<>();
            for (QuantFile b : v.quants.subList(0, rank)) {
                boolean fitsSomewhere = options.stream().anyMatch(o -> o.fits && o.quant.equals(b));
                better.add(b.quant()
                        + (fitsSomewhere
                                ? " fits but scores lower for the fleet"
                                : " fits no candidate node beside the rest of the plan"));
            }
            String reason =
                    switch (v.objective) {
                        case QUALITY ->
                            rank == 0
                                    ? "objective quality: the first of " + list + ", and it fits"
                                    : "objective quality: the best of " + list + " that fits ("
                                            + String.join("; ", better) + ")";
                        case CONTEXT -> "objective context: the file that leaves the largest context, of " + list;
                        case SPEED -> "objective speed: the fastest estimated generation, of " + list;
                        case POWER ->
                            "objective power: the least power"
                                    + (Double.isNaN(evaluateWatts(v))
                                            ? " (proxy: fewer bytes read per token, fewer GPUs)"
                                            : "")
                                    + ", of " + list;
                    };
            out.add(new SolverReport.ChosenBy("quant", q.quant(), reason + " (" + how + ")"));
        }
        if (!(v.r.node() instanceof NodeChoice.Fixed)) {
            NodeChoice.Select s = (NodeChoice.Select) v.r.node();
            SolverReport.Alternative mine = options.get(0).alternative;
            out.add(new SolverReport.ChosenBy(
                    "node",
                    at.name(),
                    "objective " + v.objective.key() + ": of " + v.nodes.size() + " candidate node"
                            + (v.nodes.size() == 1 ? "" : "s") + " ("
                            + s.selector().describe() + "), " + at.name()
                            + " scores highest with a context of " + mine.ctxSize() + " tokens (" + how + ")"));
        }
        return out;
    }

    private double evaluateWatts(Var v) {
        List<Integer> here = contents(node[v.index], -1);
        Placed p = evaluate(nodes.get(node[v.index]), deployments(node[v.index], here, -1, null));
        return p.watts()[here.indexOf(v.index)];
    }
}
