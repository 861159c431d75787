package eu.prositronic.core.fit;

import eu.prositronic.core.catalog.Backend;
import eu.prositronic.core.catalog.Catalog;
import eu.prositronic.core.catalog.Hardware;
import eu.prositronic.core.catalog.ModelSpec;
import eu.prositronic.core.catalog.ModelSpec.QuantFile;
import eu.prositronic.core.fit.Plan.DeploymentPlan;
import eu.prositronic.core.inventory.CacheType;
import eu.prositronic.core.inventory.FlashAttn;
import eu.prositronic.core.inventory.Inventory;
import eu.prositronic.core.inventory.Inventory.Deployment;
import eu.prositronic.core.inventory.Inventory.Node;
import eu.prositronic.core.units.Bytes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Fits every deployment of an inventory on its node: pure computation, no files, no Maven. Deployments that share a
 * node share its memory: those with an explicit context take what they need first, those with {@code context: max}
 * split the rest equally.
 */
public final class Planner {
    private Planner() {}

    /**
     * What a GPU process costs beyond llama.cpp's buffers: the CUDA context, cuBLAS and the driver's allocations.
     * Estimate between gguf-parser-go's 250 MiB platform footprint and Ollama's 457 MiB minimum (ml/device.go).
     */
    public static final Bytes GPU_RUNTIME = Bytes.ofMiB(350);

    /** llama-server's own resident memory beyond its buffers: binary, libraries, tokenizer, HTTP server (estimate). */
    public static final Bytes HOST_RUNTIME = Bytes.ofMiB(150);

    /** Host memory left to the operating system, kubelet and container runtime (estimate). */
    public static final Bytes HOST_RESERVE = Bytes.ofGiB(2);

    /** The hardware slug (and catalog id) of CPU-only nodes. */
    static final String CPU_HARDWARE = "cpu";

    public static Plan plan(Inventory inventory, Catalog catalog) throws NoFitException {
        Map<String, DeploymentPlan> byName = new LinkedHashMap<>();
        List<Plan.NodePlan> nodePlans = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Node node : inventory.nodes()) {
            List<Deployment> here = inventory.deployments().stream()
                    .filter(d -> d.node().equals(node.name()))
                    .toList();
            NodeFit nodeFit = new NodeFit(node, catalog);
            List<Plan.Share> shares = new ArrayList<>();
            // explicit contexts first: they take what they need; `max` ones share what is left
            List<Deployment> ordered =
                    new ArrayList<>(here.stream().filter(d -> !d.maxContext()).toList());
            ordered.addAll(here.stream().filter(Deployment::maxContext).toList());
            int maxLeft = (int) here.stream().filter(Deployment::maxContext).count();
            for (Deployment d : ordered) {
                int sharers = d.maxContext() ? maxLeft-- : 1;
                Result r = fitOne(d, node, catalog, nodeFit, sharers, here.size(), inventory.nodes());
                if (r.failure != null) {
                    failures.add(r.failure);
                    continue;
                }
                nodeFit.take(r.plan.memory().devices());
                byName.put(d.name(), r.plan);
                for (Plan.Device dev : r.plan.memory().devices()) {
                    shares.add(new Plan.Share(d.name(), dev.id(), r.budgetOf(dev.id()), dev.usedBytes()));
                }
            }
            nodePlans.add(
                    new Plan.NodePlan(node.name(), nodeFit.gpuIds, node.ram().value(), List.copyOf(shares)));
        }
        if (!failures.isEmpty()) {
            throw new NoFitException(failures);
        }
        List<DeploymentPlan> deployments =
                inventory.deployments().stream().map(d -> byName.get(d.name())).toList();
        return new Plan(
                inventory.cluster().name(),
                inventory.cluster().namespace(),
                inventory.cluster().containerRuntime().key(),
                deployments,
                List.copyOf(nodePlans));
    }

    /** What is still free on a node's devices while its deployments are placed one by one. */
    static final class NodeFit {
        final List<String> gpuIds = new ArrayList<>();
        final List<Hardware> gpus = new ArrayList<>();
        final List<Bytes> free = new ArrayList<>(); // per GPU, after the reserve
        Bytes hostFree;
        final Bytes hostCapacity;

        NodeFit(Node node, Catalog catalog) {
            for (var ref : node.gpus()) {
                Hardware h = catalog.hardware(ref.model()).orElseThrow();
                for (int i = 0; i < ref.count(); i++) {
                    gpuIds.add(h.id() + ":" + gpus.size());
                    gpus.add(h);
                    free.add(h.memory().minus(LlamaCpp.FIT_TARGET));
                }
            }
            hostCapacity = node.ram();
            hostFree = node.ram().minus(HOST_RESERVE);
        }

        void take(List<Plan.Device> used) {
            for (int d = 0; d < gpuIds.size(); d++) {
                free.set(d, free.get(d).minus(Bytes.of(used.get(d).usedBytes())));
            }
            hostFree = hostFree.minus(Bytes.of(used.get(used.size() - 1).usedBytes()));
        }
    }

    private record Result(DeploymentPlan plan, String failure, Map<String, Long> budgets) {
        long budgetOf(String device) {
            return budgets.getOrDefault(device, 0L);
        }
    }

    private static Result fitOne(
            Deployment d, Node node, Catalog catalog, NodeFit nodeFit, int sharers, int onNode, List<Node> allNodes) {
        ModelSpec model = catalog.model(d.model()).orElseThrow();
        QuantFile quant = model.quant(d.quant()).orElseThrow();
        Optional<Hardware> gpu = nodeFit.gpus.isEmpty() ? Optional.empty() : Optional.of(nodeFit.gpus.get(0));
        Backend backend = BackendSelector.select(gpu, node.driverVersion());
        MemoryModel mm = new MemoryModel(model.architecture(), WeightModel.of(model.architecture(), quant));
        List<Bytes> gpuBudget =
                nodeFit.free.stream().map(b -> Bytes.of(b.value() / sharers)).toList();
        Bytes hostBudget = Bytes.of(nodeFit.hostFree.value() / sharers);
        RunSettings base = baseSettings(d, node, onNode);
        Fitter.Request request = new Fitter.Request(
                base,
                d.context(),
                model.architecture().contextLength(),
                nodeFit.gpuIds,
                nodeFit.gpus.stream().map(Hardware::memory).toList(),
                gpuBudget,
                nodeFit.hostCapacity,
                hostBudget,
                GPU_RUNTIME,
                HOST_RUNTIME);
        Fitter.Result result = Fitter.fit(mm, request);
        Map<String, Long> budgets = new LinkedHashMap<>();
        for (int i = 0; i < gpuBudget.size(); i++) {
            budgets.put(nodeFit.gpuIds.get(i), gpuBudget.get(i).value());
        }
        budgets.put("host", hostBudget.value());
        if (result instanceof Fitter.NoFit noFit) {
            return new Result(null, noFitReport(d, model, quant, node, noFit, catalog, allNodes), budgets);
        }
        Fitter.Fitted fitted = (Fitter.Fitted) result;
        return new Result(describe(d, model, quant, node, catalog, gpu, backend, mm, fitted), null, budgets);
    }

    static RunSettings baseSettings(Deployment d, Node node, int onNode) {
        // Prompt cache: llama-server's 8 GiB default, but never more than 1/16 of the node's RAM per deployment.
        long cacheRam = Math.min(
                LlamaCpp.SERVER_DEFAULT_CACHE_RAM.value(),
                node.ram().value() / 16 / onNode / (256 * Bytes.MIB) * 256 * Bytes.MIB);
        return RunSettings.server(
                0,
                d.ubatchSize(),
                d.batchSize(),
                d.parallel(),
                d.cacheTypeK(),
                d.cacheTypeV(),
                d.flashAttn() != FlashAttn.OFF, // auto: every backend we ship supports flash attention
                LlamaCpp.SERVER_DEFAULT_CTX_CHECKPOINTS,
                Bytes.of(cacheRam));
    }

    private static DeploymentPlan describe(
            Deployment d,
            ModelSpec model,
            QuantFile quant,
            Node node,
            Catalog catalog,
            Optional<Hardware> gpu,
            Backend backend,
            MemoryModel mm,
            Fitter.Fitted f) {
        RunSettings s = f.settings();
        Layout layout = f.layout();
        String hardwareSlug = hardwareSlug(node);
        List<Integer> tensorSplit =
                layout.split().stream().map(Double::intValue).toList();
        List<String> notes = new ArrayList<>();
        long trained = model.architecture().contextLength();
        if (d.maxContext() && s.nCtx() < LlamaCpp.roundDownContext(trained)) {
            notes.add("context limited by memory to " + s.nCtx() + " of the trained " + trained + " tokens");
        }
        switch (f.kind()) {
            case "moe-experts-on-cpu" ->
                notes.add("the routed experts of the first " + layout.nCpuMoe()
                        + " layers run on the CPU (--n-cpu-moe): the model does not fit the GPU memory whole");
            case "partial" ->
                notes.add("only " + layout.gpuLayers() + " of " + mm.allUnits()
                        + " layers fit on the GPU (-ngl); the rest run on the CPU at RAM bandwidth");
            case "cpu" -> notes.add("weights are memory-mapped from the model file (read from disk on first use)");
            default -> {}
        }
        if (d.parallel() > 1) {
            notes.add("each of the " + d.parallel() + " slots gets " + s.nCtx() / d.parallel() + " tokens of context");
        }
        long[] read = mm.bytesReadPerToken(s, layout, gpu.isPresent() ? 1 : 0, SpeedModel.QUOTED_DEPTH);
        long bandwidth =
                node.memoryBandwidthBytesPerSecond().orElse(catalog.cpu().memoryBandwidthBytesPerSecond());
        SpeedModel.Estimate speed = SpeedModel.estimate(
                gpu.orElse(null),
                node.gpus().stream().mapToInt(Inventory.GpuRef::count).sum(),
                bandwidth,
                node.cpuCores(),
                read[0],
                read[1],
                mm.weights().activeParamsPerToken(),
                gpu.isPresent() && layout.gpuLayers() > 0);
        Map<String, Object> kwargs = chatTemplateKwargs(d, model);
        DeploymentPlan partial = new DeploymentPlan(
                d.name(),
                node.name(),
                model.id(),
                model.name(),
                quant.quant(),
                hardwareSlug,
                backend.key(),
                catalog.images().reference(backend),
                f.kind(),
                s.nCtx(),
                s.kvUnified() ? s.nCtx() : s.nCtx() / s.nSeq(),
                trained,
                layout.gpuLayers(),
                mm.allUnits(),
                layout.nCpuMoe(),
                tensorSplit,
                s.flashAttn() ? "on" : "off",
                s.cacheTypeK().flag(),
                s.cacheTypeV().flag(),
                s.nSeq(),
                s.nBatch(),
                s.nUbatch(),
                d.port(),
                d.metrics(),
                d.thinking(),
                true,
                s.ctxCheckpoints(),
                s.cacheRam().value(),
                new Plan.ModelFile(
                        quant.repo(),
                        quant.file(),
                        quant.size().value(),
                        quant.sha256().orElse(""),
                        quant.source()),
                "values/" + model.id() + "/" + quant.slug() + "/" + hardwareSlug + ".yaml",
                List.of(),
                new Plan.Memory(
                        f.devices().stream().map(Plan.Device::of).toList(),
                        LlamaCpp.FIT_TARGET.value(),
                        HOST_RESERVE.value(),
                        "Prositronic fit engine: llama.cpp's allocations per device (docs/fit-engine.md); GPU and host"
                                + " runtime overheads are estimates"),
                new Plan.Speed(
                        speed.generation(),
                        speed.prompt(),
                        true,
                        "roofline estimate at " + SpeedModel.QUOTED_DEPTH + " tokens of context"),
                List.copyOf(notes));
        return withArgs(partial, kwargs);
    }

    private static DeploymentPlan withArgs(DeploymentPlan p, Map<String, Object> kwargs) {
        return new DeploymentPlan(
                p.name(),
                p.node(),
                p.model(),
                p.modelName(),
                p.quant(),
                p.hardware(),
                p.backend(),
                p.image(),
                p.layout(),
                p.ctxSize(),
                p.ctxPerSlot(),
                p.trainedContext(),
                p.gpuLayers(),
                p.layers(),
                p.nCpuMoe(),
                p.tensorSplit(),
                p.flashAttn(),
                p.cacheTypeK(),
                p.cacheTypeV(),
                p.parallel(),
                p.batchSize(),
                p.ubatchSize(),
                p.port(),
                p.metrics(),
                p.thinking(),
                p.mmap(),
                p.ctxCheckpoints(),
                p.cacheRamBytes(),
                p.modelFile(),
                p.valuesFile(),
                ServerFlags.args(p, kwargs),
                p.memory(),
                p.speed(),
                p.notes());
    }

    /**
     * Thinking on or off through the chat template, only when it differs from the model's default. Boolean toggles
     * ({@code enable_thinking}) get the boolean; gpt-oss's {@code reasoning_effort} cannot switch reasoning off, so
     * "off" becomes its lowest level.
     */
    public static Map<String, Object> chatTemplateKwargs(Deployment d, ModelSpec model) {
        Map<String, Object> kwargs = new LinkedHashMap<>();
        var caps = model.capabilities();
        if (caps.thinking() && d.thinking() != caps.thinkingDefaultOn()) {
            if (caps.thinkingKwarg().equals("reasoning_effort")) {
                kwargs.put(caps.thinkingKwarg(), d.thinking() ? "medium" : "low");
            } else {
                kwargs.put(caps.thinkingKwarg(), d.thinking());
            }
        }
        return kwargs;
    }

    /** {@code nvidia-rtx3090}, {@code 2x-nvidia-rtx3090} for several, {@code cpu} without GPU. */
    public static String hardwareSlug(Node node) {
        if (node.gpus().isEmpty()) {
            return CPU_HARDWARE;
        }
        List<String> parts = new ArrayList<>();
        for (var g : node.gpus()) {
            parts.add(g.count() > 1 ? g.count() + "x-" + g.model() : g.model());
        }
        return String.join("-", parts).toLowerCase(Locale.ROOT);
    }

    /**
     * Why a deployment does not fit, with the numbers, and the nearest plans that do: a smaller file, a shorter
     * context, a quantized cache, another node. Each alternative is fitted for real, alone on its node.
     */
    static String noFitReport(
            Deployment d,
            ModelSpec model,
            QuantFile quant,
            Node node,
            Fitter.NoFit noFit,
            Catalog catalog,
            List<Node> allNodes) {
        StringBuilder sb = new StringBuilder();
        sb.append("deployment `")
                .append(d.name())
                .append("` (")
                .append(model.id())
                .append(' ')
                .append(quant.quant())
                .append(", ")
                .append(d.context().isPresent() ? d.context().getAsLong() + " tokens" : "context max")
                .append(") does not fit node ")
                .append(node.name())
                .append(": at ")
                .append(noFit.settings().nCtx())
                .append(" tokens it needs");
        for (int i = 0; i < noFit.devices().size(); i++) {
            DeviceMemory dev = noFit.devices().get(i);
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
                    .append(noFit.budgets().get(i).human())
                    .append(" available");
        }
        sb.append(" (after a reserve of ")
                .append(LlamaCpp.FIT_TARGET.human())
                .append(" per GPU and ")
                .append(HOST_RESERVE.human())
                .append(" of RAM).");
        List<String> alternatives = new ArrayList<>();
        List<QuantFile> smaller = model.quantizations().stream()
                .filter(q -> q.size().compareTo(quant.size()) < 0)
                .sorted((a, b) -> b.size().compareTo(a.size()))
                .toList();
        int found = 0;
        for (QuantFile q : smaller) {
            if (found == 2) {
                break;
            }
            Optional<Long> asked =
                    fitAlone(with(d, q.quant(), d.context(), d.cacheTypeK(), d.cacheTypeV()), node, catalog);
            Optional<Long> anyContext = asked.isPresent() || d.context().isEmpty()
                    ? asked
                    : fitAlone(with(d, q.quant(), OptionalLong.empty(), d.cacheTypeK(), d.cacheTypeV()), node, catalog);
            if (anyContext.isPresent()) {
                alternatives.add("`quant: " + q.quant() + "`" + (asked.isPresent() ? "" : " with `context: max`")
                        + " (context " + anyContext.get() + ")");
                found++;
            }
        }
        if (d.context().isPresent()) {
            fitAlone(with(d, d.quant(), OptionalLong.empty(), d.cacheTypeK(), d.cacheTypeV()), node, catalog)
                    .ifPresent(ctx -> alternatives.add("`context: " + ctx + "`"));
        }
        for (var ct : List.of(CacheType.Q8_0, CacheType.Q4_0)) {
            if (d.cacheTypeK().ordinal() < ct.ordinal() && d.flashAttn() != FlashAttn.OFF) {
                fitAlone(with(d, d.quant(), d.context(), ct, ct), node, catalog)
                        .ifPresent(ctx -> alternatives.add("`cacheTypeK: " + ct.flag() + "` and `cacheTypeV: "
                                + ct.flag() + "` (context " + ctx + ")"));
                break;
            }
        }
        for (Node other : allNodes) {
            if (!other.name().equals(node.name())) {
                fitAlone(d, other, catalog)
                        .ifPresent(ctx -> alternatives.add("`node: " + other.name() + "` (context " + ctx
                                + ", if it has room beside its own deployments)"));
            }
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

    private static Deployment with(Deployment d, String quant, OptionalLong ctx, CacheType k, CacheType v) {
        return new Deployment(
                d.name(),
                d.model(),
                quant,
                d.node(),
                ctx,
                k,
                v,
                d.flashAttn(),
                d.parallel(),
                d.batchSize(),
                d.ubatchSize(),
                d.thinking(),
                d.port(),
                d.metrics());
    }

    /** The context a deployment would get alone on a node, if it fits there at all. */
    static Optional<Long> fitAlone(Deployment d, Node node, Catalog catalog) {
        Result r = fitOne(d, node, catalog, new NodeFit(node, catalog), 1, 1, List.of());
        return r.plan == null ? Optional.empty() : Optional.of(r.plan.ctxSize());
    }
}
