package eu.prositronic.core.fit;

import eu.prositronic.core.catalog.Backend;
import eu.prositronic.core.catalog.Catalog;
import eu.prositronic.core.catalog.Hardware;
import eu.prositronic.core.inventory.CpuIsa;
import eu.prositronic.core.inventory.Deployment;
import eu.prositronic.core.inventory.Inventory;
import eu.prositronic.core.inventory.Node;
import eu.prositronic.core.units.Bytes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Fits every deployment of an inventory on its node: pure computation, no files, no Maven. Deployments that share a
 * node share its memory: those with an explicit context take what they need first, those with {@code context: max}
 * split the rest equally. Steps: {@link NodeBudget} (what is free), {@link Fitter} (context and layout within a
 * budget), {@link PlanBuilder} (the plan of one fit), {@link Alternatives} (a typed no-fit with plans that fit).
 */
public final class Planner {
    private Planner() {}

    /** llama-server's own resident memory beyond its buffers: binary, libraries, tokenizer, HTTP server (estimate). */
    public static final Bytes HOST_RUNTIME = Bytes.ofMiB(150);

    /** Host memory left to the operating system, kubelet and container runtime (estimate). */
    public static final Bytes HOST_RESERVE = Bytes.ofGiB(2);

    /**
     * The host of a catalog page: its RAM is not a limit (the page says how much the fit needs), its CPU the catalog's
     * {@code cpu} entry, whose figures are an 8-core desktop's.
     */
    static final Bytes CATALOG_PAGE_HOST_RAM = Bytes.of(1024 * Bytes.TIB);

    static final int CATALOG_PAGE_HOST_CORES = 8;

    public static Plan plan(Inventory inventory, Catalog catalog) throws NoFitException {
        return plan(inventory, catalog, true);
    }

    /** @param shareFits whether alike deployments share their fits and plans ({@link FitMemo}); tests compare both */
    static Plan plan(Inventory inventory, Catalog catalog, boolean shareFits) throws NoFitException {
        FitMemo memo = shareFits ? new FitMemo() : null;
        Map<String, DeploymentPlan> byName = new LinkedHashMap<>();
        List<Plan.NodePlan> nodePlans = new ArrayList<>();
        Map<String, List<Deployment>> byNode = inventory.deploymentsByNode();
        Map<String, Placement> placements = new LinkedHashMap<>();
        List<Deployment> failed = new ArrayList<>();
        // each node is placed on its own (its budget, its deployments), so the nodes are placed in parallel and
        // taken in the inventory's order
        List<Placement> placedInOrder = inventory.nodes().parallelStream()
                .map(node -> place(node, byNode.get(node.name()), catalog, memo))
                .toList();
        for (int n = 0; n < placedInOrder.size(); n++) {
            Node node = inventory.nodes().get(n);
            Placement placed = placedInOrder.get(n);
            placements.put(node.name(), placed);
            List<Plan.Share> shares = new ArrayList<>();
            for (Deployment d : placed.order) {
                if (!(placed.results.get(d.name()) instanceof Fitter.Fitted)) {
                    failed.add(d);
                    continue;
                }
                DeploymentPlan p = placed.plans.get(d.name());
                NodeBudget.Share share = placed.shares.get(d.name());
                byName.put(d.name(), p);
                List<DeviceMemory> devices = p.memory().devices();
                for (int i = 0; i < devices.size(); i++) {
                    Bytes capacity = i < share.gpus().size() ? share.of(i) : share.host();
                    shares.add(new Plan.Share(
                            d.name(),
                            devices.get(i).id(),
                            capacity,
                            devices.get(i).used()));
                }
            }
            nodePlans.add(new Plan.NodePlan(node, List.copyOf(placed.budget.gpuIds), List.copyOf(shares)));
        }
        if (!failed.isEmpty()) {
            Alternatives alternatives = new Alternatives(inventory.nodes(), byNode, placements, catalog);
            List<NoFit> failures = new ArrayList<>();
            for (Deployment d : failed) {
                Placement at = placements.get(d.node().name());
                failures.add(alternatives.of(d, (Fitter.NoFit) at.results.get(d.name())));
            }
            throw new NoFitException(failures);
        }
        sharedGpusUnderKubernetes(inventory, byNode, byName);
        List<DeploymentPlan> deployments =
                inventory.deployments().stream().map(d -> byName.get(d.name())).toList();
        return new Plan(
                inventory.cluster(),
                deployments,
                nodePlans,
                catalogPages(deployments, catalog),
                PowerModel.of(deployments, nodePlans, inventory.energy()));
    }

    /** The start of the note {@link #sharedGpusUnderKubernetes} adds; the report turns it into a warning. */
    public static final String SHARED_GPU_NOTE = "Shares the GPUs of node ";

    /**
     * More deployments on one GPU node that Kubernetes serves than it schedules pods ({@link Node#gpuPods}): each pod
     * asks the NVIDIA device plugin for all of the node's GPUs ({@code nvidia.com/gpu}) and the plugin hands out whole
     * GPUs, so without {@code gpuSharing:} only one of them is scheduled; with it, each GPU is advertised {@code
     * replicas} times (time-slicing, which GPU feature discovery labels {@code -SHARED}) and that many pods run. Memory
     * is planned for all of them either way; each gets a note (the report's warning) with the key to write.
     */
    static void sharedGpusUnderKubernetes(
            Inventory inventory, Map<String, List<Deployment>> byNode, Map<String, DeploymentPlan> byName) {
        for (Node node : inventory.nodes()) {
            List<Deployment> here = byNode.get(node.name());
            java.util.OptionalInt pods = node.gpuPods();
            if (pods.isEmpty() || here.size() <= pods.getAsInt()) {
                continue;
            }
            for (Deployment d : here) {
                List<String> others = here.stream()
                        .map(Deployment::name)
                        .filter(n -> !n.equals(d.name()))
                        .toList();
                boolean nvidia = node.gpuVendor()
                        .filter(v -> v == Hardware.Vendor.NVIDIA)
                        .isPresent();
                String why = !nvidia
                        ? " under Kubernetes: the device plugin gives each pod whole GPUs, so only one of these pods is"
                                + " scheduled (`gpuSharing` configures NVIDIA's device plugin only)"
                        : node.gpuSharing().isEmpty()
                                ? " under Kubernetes: the NVIDIA device plugin gives each pod whole GPUs, so only one of these"
                                        + " pods is scheduled; add `gpuSharing: {strategy: timeSlicing, replicas: "
                                        + here.size()
                                        + "}` to node " + node.name() + " (the device plugin's time-slicing, which the"
                                        + " helmfile then configures)"
                                : " under Kubernetes: its `gpuSharing` has " + pods.getAsInt() + " replicas, so only "
                                        + pods.getAsInt() + " of these " + here.size() + " pods are scheduled; write"
                                        + " `replicas: " + here.size() + "` in its `gpuSharing`";
                byName.computeIfPresent(
                        d.name(),
                        (k, p) -> p.withNote(SHARED_GPU_NOTE + node.name() + " with " + String.join(", ", others) + why
                                + "; or serve the node with `serving: systemd`, or place one deployment elsewhere"));
            }
        }
    }

    /**
     * The deployments of one node placed one by one, as {@link #plan} places them: explicit contexts first, they take
     * what they need; {@code max} ones share what is left. Each result and share by deployment name, and what is left.
     */
    static final class Placement {
        final NodeBudget budget;
        final List<Deployment> order = new ArrayList<>();
        final Map<String, Fitter.Result> results = new HashMap<>();
        final Map<String, NodeBudget.Share> shares = new HashMap<>();
        final Map<String, DeploymentPlan> plans = new HashMap<>();

        Placement(Node node) {
            this.budget = new NodeBudget(node);
        }

        boolean fits(String deployment) {
            return results.get(deployment) instanceof Fitter.Fitted;
        }
    }

    static Placement place(Node node, List<Deployment> here, Catalog catalog) {
        return place(node, here, catalog, null);
    }

    /** @param memo the fits and plans shared by the nodes of one planning, or null */
    static Placement place(Node node, List<Deployment> here, Catalog catalog, FitMemo memo) {
        Placement placed = new Placement(node);
        placed.order.addAll(here.stream().filter(d -> !d.maxContext()).toList());
        placed.order.addAll(here.stream().filter(Deployment::maxContext).toList());
        int maxLeft = (int) here.stream().filter(Deployment::maxContext).count();
        for (Deployment d : placed.order) {
            int sharers = d.maxContext() ? maxLeft-- : 1;
            NodeBudget.Share share = placed.budget.share(sharers);
            Fitter.Result result = memo != null
                    ? memo.fit(d, placed.budget, share, here.size(), catalog)
                    : fit(d, placed.budget, share, here.size(), catalog);
            placed.results.put(d.name(), result);
            placed.shares.put(d.name(), share);
            if (result instanceof Fitter.Fitted fitted) {
                DeploymentPlan p = memo != null
                        ? memo.build(d, fitted, catalog, here.size())
                        : PlanBuilder.build(d, fitted, catalog, here.size());
                placed.budget.take(p.memory());
                placed.plans.put(d.name(), p);
            }
        }
        return placed;
    }

    /**
     * The catalog page of every values path the deployments use: the model × quant alone on that hardware, every
     * setting at its default, on a host whose RAM does not limit it. A function of the path alone.
     */
    static SortedMap<String, DeploymentPlan> catalogPages(List<DeploymentPlan> deployments, Catalog catalog) {
        SortedMap<String, DeploymentPlan> pages = new TreeMap<>();
        for (DeploymentPlan p : deployments) {
            if (!pages.containsKey(p.valuesFile())) {
                // with the host's RAM unlimited every model fits (at worst -ngl 0); should a GPU be too small even
                // for that, the page is the deployment's own plan rather than no file at all
                pages.put(p.valuesFile(), catalogPage(p.deployment(), catalog).orElse(p));
            }
        }
        return pages;
    }

    /** The catalog page of a deployment's model × quant × hardware, if it fits that hardware at all. */
    public static Optional<DeploymentPlan> catalogPage(Deployment d, Catalog catalog) {
        return catalogPage(d, catalog, OptionalLong.empty()).plan();
    }

    /**
     * One fit of a catalog page's model × quant × hardware (its host, every setting at its default) at a given context,
     * or at {@code max} when empty: the plan, or when it does not fit that hardware at all the no-fit's figures (what it
     * needed per device at that context, and what each had; no alternatives are searched).
     */
    public record PageFit(Optional<DeploymentPlan> plan, Optional<NoFit> noFit) {}

    /** {@link #catalogPage(Deployment, Catalog)} at the context given (the catalog page FAQ's context variants). */
    public static PageFit catalogPage(Deployment d, Catalog catalog, OptionalLong context) {
        Node host = new Node(
                d.node().hardwareSlug(),
                "",
                CATALOG_PAGE_HOST_RAM,
                CATALOG_PAGE_HOST_CORES,
                Optional.empty(),
                d.node().gpus(),
                Optional.empty(),
                CpuIsa.AVX2,
                d.node().serving());
        Deployment page = Deployment.catalogDefault(d.model(), d.quant(), host).withContext(context);
        NodeBudget budget = new NodeBudget(host);
        Fitter.Result r = fit(page, budget, budget.share(1), 1, catalog);
        if (r instanceof Fitter.Fitted f) {
            return new PageFit(Optional.of(PlanBuilder.build(page, f, catalog, 1)), Optional.empty());
        }
        Fitter.NoFit n = (Fitter.NoFit) r;
        return new PageFit(
                Optional.empty(),
                Optional.of(new NoFit(
                        page,
                        n.settings().nCtx(),
                        n.devices(),
                        n.budgets(),
                        LlamaCpp.FIT_TARGET,
                        HOST_RESERVE,
                        List.of())));
    }

    /** A deployment alone on its node (the whole node is its share), if it fits. */
    static Optional<DeploymentPlan> alone(Deployment d, Catalog catalog) {
        NodeBudget budget = new NodeBudget(d.node());
        Fitter.Result r = fit(d, budget, budget.share(1), 1, catalog);
        return r instanceof Fitter.Fitted f ? Optional.of(PlanBuilder.build(d, f, catalog, 1)) : Optional.empty();
    }

    /** The context and layout of one deployment within its share of the node. */
    static Fitter.Result fit(Deployment d, NodeBudget budget, NodeBudget.Share share, int onNode, Catalog catalog) {
        return Fitter.fit(PlanBuilder.memoryModel(d), request(d, budget, share, onNode, catalog));
    }

    /** What one deployment's fit within its share of the node asks of the fitter, besides the memory model. */
    static Fitter.Request request(
            Deployment d, NodeBudget budget, NodeBudget.Share share, int onNode, Catalog catalog) {
        Backend backend = BackendSelector.select(d.node().devices(), d.node().driverVersion(), catalog.images());
        return new Fitter.Request(
                PlanBuilder.baseSettings(d, onNode),
                d.context(),
                d.model().architecture().contextLength(),
                budget.gpuIds,
                budget.gpus.stream().map(Hardware::plannedMemory).toList(),
                share.gpus(),
                d.node().ram(),
                share.host(),
                RuntimeReserve.of(backend),
                HOST_RUNTIME,
                d.node().cpuIsa(),
                d.pins());
    }
}
