package eu.prositronic.core.emit;

import com.fasterxml.jackson.annotation.JsonInclude;
import eu.prositronic.core.fit.DeploymentPlan;
import eu.prositronic.core.fit.DeviceMemory;
import eu.prositronic.core.fit.Plan;
import eu.prositronic.core.fit.PowerModel;
import eu.prositronic.core.fit.PowerPlan;
import eu.prositronic.core.fit.SolverReport;
import eu.prositronic.core.inventory.Energy;
import java.util.List;
import java.util.Optional;

/**
 * The shape of {@code plan.json} (see plan.schema.json): the typed plan mapped to bytes and spellings, field for field.
 * This is the one place where the plan becomes strings; the report's pages read the same mapping.
 */
public final class PlanJson {
    private PlanJson() {}

    public record Document(
            String $schema,
            String generator,
            String cluster,
            String namespace,
            String containerRuntime,
            List<Deployment> deployments,
            List<Node> nodes,
            Power power,
            @JsonInclude(JsonInclude.Include.NON_NULL) Solver solver) {
        /** The document with no deployments (the shell {@link ParallelJsonList} writes them into). */
        Document withoutDeployments() {
            return new Document(
                    $schema, generator, cluster, namespace, containerRuntime, List.of(), nodes, power, solver);
        }
    }

    /**
     * How the solver chose, where the inventory left choices (absent when it left none): the method ({@code exhaustive}
     * or {@code greedy}) and its rule, the fleet's objective, the search space (combinations of file and node, as its log10), the
     * node placements fitted and those taken from the cache of identical hardware.
     */
    public record Solver(
            String method, String rule, String objective, double searchSpaceLog10, long fits, long fromCache) {}

    /** One choice the solver made for a deployment: {@code quant}, {@code node}, {@code context} or {@code port}. */
    public record ChosenBy(String choice, String value, String reason) {}

    /**
     * Another file and node that fit beside the rest of the plan, with its differences from the chosen: memory (VRAM and
     * RAM together), context, estimated generation speed, power (when a power estimate is known), and its score.
     */
    public record Alternative(
            String quant,
            String node,
            long ctxSize,
            long memoryDeltaBytes,
            long contextDelta,
            double generationTokensPerSecondDelta,
            @JsonInclude(JsonInclude.Include.NON_NULL) Double powerDeltaWatts,
            double score) {}

    public record Deployment(
            String name,
            String node,
            String model,
            String modelName,
            String quant,
            String hardware,
            String backend,
            String image,
            String layout,
            long ctxSize,
            long ctxPerSlot,
            long trainedContext,
            int gpuLayers,
            int layers,
            int nCpuMoe,
            List<Integer> tensorSplit,
            String flashAttn,
            String cacheTypeK,
            String cacheTypeV,
            int parallel,
            int threads,
            int batchSize,
            int ubatchSize,
            int port,
            boolean metrics,
            boolean thinking,
            boolean mmap,
            int ctxCheckpoints,
            long cacheRamBytes,
            ModelFile modelFile,
            Vision vision,
            Draft draft,
            String valuesFile,
            List<String> args,
            Memory memory,
            Speed speed,
            Draw power,
            List<String> notes,
            @JsonInclude(JsonInclude.Include.NON_NULL) String objective,
            @JsonInclude(JsonInclude.Include.NON_NULL) List<ChosenBy> chosenBy,
            @JsonInclude(JsonInclude.Include.NON_NULL) List<Alternative> alternatives) {}

    /**
     * The GGUF file: repository, revision, path, exact bytes, sha256 ("" where split or not published), every shard of
     * a split file, and whether all of it is verified (a source at the revision, a hash per part); when not,
     * {@code sizeSource} starts with {@code unverified:}, {@code computed:} or {@code estimate:} and says why.
     */
    public record ModelFile(
            String repo,
            String revision,
            String file,
            long sizeBytes,
            String sha256,
            List<Shard> shards,
            boolean verified,
            String sizeSource) {}

    public record Shard(String path, long sizeBytes, String sha256) {}

    /**
     * The vision projector: whether llama-server loads it ({@code --mmproj}), its file, the device it is on ("" without
     * vision), its weights and its compute buffer at the deployment's flash-attention setting, and where the compute
     * figure comes from. The same bytes are the devices' {@code projectorWeightsBytes} and {@code projectorComputeBytes}.
     */
    /**
     * Speculative decoding with a draft model: whether it is on, the draft's catalog model and file, the tokens it
     * drafts a step, its {@code -ngl} units on the GPUs and of all; its memory is the devices' {@code draftBytes}.
     */
    public record Draft(
            boolean enabled, String model, String quant, ModelFile modelFile, int nDraft, int gpuLayers, int layers) {}

    public record Vision(
            boolean enabled,
            ModelFile mmproj,
            String device,
            long weightsBytes,
            long computeBytes,
            String computeSource) {}

    /**
     * @param gpuMemory per GPU, in the devices' order: the memory the fit planned against and where it comes from
     */
    public record Memory(
            List<Device> devices, long reserveBytes, long hostReserveBytes, String method, List<GpuMemory> gpuMemory) {}

    /**
     * One GPU's memory as planned: {@code basis} {@code runtime} (the total the GPU runtime reports, from a public log:
     * {@code source}) or {@code nominal} (nvidia-smi's or rocm-smi's total, the catalog's {@code memoryBytes}); a
     * device's {@code capacityBytes} is this less the reserve, shared among the node's deployments.
     */
    public record GpuMemory(String id, String basis, long plannedBytes, long nominalBytes, String source) {}

    public record Device(
            String id,
            String kind,
            long capacityBytes,
            long usedBytes,
            long weightsBytes,
            long kvCacheBytes,
            long recurrentStateBytes,
            long computeBytes,
            long projectorWeightsBytes,
            long projectorComputeBytes,
            long draftBytes,
            long overheadBytes,
            long checkpointsBytes,
            long promptCacheBytes,
            long atLoadBytes) {}

    public record Speed(
            double generationTokensPerSecond,
            double promptTokensPerSecond,
            boolean estimate,
            String method,
            SpeedConditions conditions,
            Range generationRange,
            Range promptRange) {}

    /** What the speed figures hold for: one busy slot of llama-server at this build. */
    public record SpeedConditions(long depth, int promptTokens, int slots, String build, String tool) {}

    public record Range(double low, double high) {}

    static final String SPEED_METHOD = "Prositronic speed model (docs/fit-engine.md, Speed): a per-token floor plus"
            + " bytes read over each device's effective bandwidth, prompt FLOPs over its effective matrix rate;"
            + " calibrated on published llama.cpp figures (tools/speed/published.tsv)";

    public record Node(String name, List<String> gpus, long ramBytes, List<Share> shares) {}

    /**
     * The fleet's power and cost, every figure an estimate (fit/PowerModel): the settings it was computed at, the
     * fleet's and each node's draw, and how many nodes have no figure (CPU-only without {@code power:}).
     */
    public record Power(
            boolean estimate,
            String method,
            EnergySettings energy,
            Draw fleet,
            int nodesWithoutFigures,
            List<NodeDraw> nodes) {}

    public record EnergySettings(
            Double pricePerKWh, String currency, double pue, double dutyCycle, double hoursPerMonth) {}

    /** Watts, kWh and cost; {@code null} where there is no figure (an unknown draw, no price, no speed). */
    public record Draw(
            String basis,
            Double loadWatts,
            Double idleWatts,
            Double kWhPerMonth,
            Double costPerMonth,
            Double costPerMillionTokens) {}

    public record NodeDraw(String node, Draw draw) {}

    static final String POWER_METHOD = "Prositronic power model (docs/fit-engine.md, Power and cost): GPUs at their"
            + " catalog board power while generating and " + Math.round(PowerModel.IDLE_SHARE * 100) + " % of it idle,"
            + " shared by memory used; a node's measured power: replaces it; host CPUs are not counted without it;"
            + " energy = (load x duty + idle x (1 - duty)) x hours x PUE; cost per million tokens on one busy stream";

    public record Share(String deployment, String device, long capacityBytes, long usedBytes) {}

    static final String MEMORY_METHOD = "Prositronic fit engine: llama.cpp's allocations per device"
            + " (docs/fit-engine.md); GPU and host runtime overheads are estimates";

    public static Document of(Plan plan, String generatorVersion) {
        return new Document(
                "./plan.schema.json",
                "prositronic-maven-plugin " + generatorVersion,
                plan.cluster().name(),
                plan.cluster().namespace(),
                plan.cluster().containerRuntime().key(),
                Parallel.map(
                        plan.deployments(),
                        d -> of(d, plan.power().deployments().get(d.name()), plan.choice(d.name()))),
                plan.nodes().stream().map(PlanJson::of).toList(),
                power(plan.power()),
                plan.solver()
                        .map(s -> new Solver(
                                s.method().key(),
                                s.method().rule(),
                                s.objective().key(),
                                s.searchSpaceLog10(),
                                s.evaluations(),
                                s.cacheHits()))
                        .orElse(null));
    }

    static Power power(PowerPlan power) {
        Energy e = power.energy();
        return new Power(
                true,
                POWER_METHOD,
                new EnergySettings(
                        e.priced() ? e.pricePerKWh().getAsDouble() : null,
                        e.currency(),
                        e.pue(),
                        e.dutyCycle(),
                        PowerModel.HOURS_PER_MONTH),
                draw(power.fleet()),
                (int) power.nodes().stream()
                        .filter(n -> n.draw().basis() == PowerPlan.Basis.UNKNOWN)
                        .count(),
                power.nodes().stream()
                        .map(n -> new NodeDraw(n.node(), draw(n.draw())))
                        .toList());
    }

    /** A draw with figures rounded to what the estimate can promise: watts and kWh to 0.1, a month's cost to the cent, a million tokens' to 4 digits. */
    static Draw draw(PowerPlan.Draw d) {
        boolean known = d.basis() != PowerPlan.Basis.UNKNOWN && d.basis() != PowerPlan.Basis.NONE;
        return new Draw(
                d.basis().key(),
                known ? tenth(d.loadWatts()) : null,
                known ? tenth(d.idleWatts()) : null,
                known ? tenth(d.kWhPerMonth()) : null,
                known && d.costPerMonth().isPresent()
                        ? Math.round(d.costPerMonth().getAsDouble() * 100) / 100.0
                        : null,
                known && d.costPerMillionTokens().isPresent()
                        ? digits(d.costPerMillionTokens().getAsDouble())
                        : null);
    }

    static double tenth(double v) {
        return Math.round(v * 10) / 10.0;
    }

    static double digits(double v) {
        return v > 0
                ? new java.math.BigDecimal(v)
                        .round(new java.math.MathContext(4))
                        .doubleValue()
                : 0;
    }

    /** A deployment without its fleet (the catalog site's pages): no power figures. */
    public static Deployment of(DeploymentPlan p) {
        return of(p, null, Optional.empty());
    }

    /** A deployment with its share of the fleet's power ({@code null}: none) and what the solver chose for it. */
    public static Deployment of(DeploymentPlan p, PowerPlan.Draw power, Optional<SolverReport.Choice> choice) {
        var d = p.deployment();
        var s = p.settings();
        var q = p.quant();
        return new Deployment(
                p.name(),
                p.node().name(),
                p.model().id(),
                p.model().name(),
                q.quant(),
                p.hardware(),
                p.backend().key(),
                p.image().reference(),
                p.layoutKind().key(),
                s.nCtx(),
                p.ctxPerSlot(),
                p.model().architecture().contextLength(),
                p.gpuLayers(),
                p.layers(),
                p.nCpuMoe(),
                p.tensorSplit(),
                ServerArgs.flashAttn(p),
                s.cacheTypeK().flag(),
                s.cacheTypeV().flag(),
                s.nSeq(),
                p.threads(),
                s.nBatch(),
                s.nUbatch(),
                d.port(),
                d.metrics(),
                d.thinking(),
                true,
                s.checkpointsPerSlot(),
                s.cacheRam().value(),
                modelFile(q),
                vision(p),
                draft(p),
                p.valuesFile(),
                ServerArgs.of(p),
                new Memory(
                        p.memory().devices().stream().map(PlanJson::of).toList(),
                        p.memory().gpuReserve().value(),
                        p.memory().hostReserve().value(),
                        MEMORY_METHOD,
                        gpuMemory(p)),
                new Speed(
                        p.speed().generationTokensPerSecond(),
                        p.speed().promptTokensPerSecond(),
                        true,
                        SPEED_METHOD,
                        new SpeedConditions(
                                p.speed().depth(),
                                p.speed().promptTokens(),
                                p.speed().slots(),
                                p.speed().build(),
                                "llama-server"),
                        new Range(
                                p.speed().generationRange().low(),
                                p.speed().generationRange().high()),
                        new Range(
                                p.speed().promptRange().low(),
                                p.speed().promptRange().high())),
                power == null ? null : draw(power),
                p.notes(),
                choice.map(c -> c.objective().key()).orElse(null),
                choice.map(c -> c.chosenBy().stream()
                                .map(b -> new ChosenBy(b.choice(), b.value(), b.reason()))
                                .toList())
                        .orElse(null),
                choice.map(c -> c.alternatives().stream()
                                .map(a -> new Alternative(
                                        a.quant(),
                                        a.node(),
                                        a.ctxSize(),
                                        a.memoryDeltaBytes(),
                                        a.contextDelta(),
                                        a.generationDelta(),
                                        a.powerDeltaWatts().isPresent()
                                                ? a.powerDeltaWatts().getAsDouble()
                                                : null,
                                        a.score()))
                                .toList())
                        .orElse(null));
    }

    static Draft draft(DeploymentPlan p) {
        return eu.prositronic.core.fit.DraftModel.of(p.deployment())
                .map(d -> new Draft(
                        true,
                        d.setting().model().id(),
                        d.setting().quant().quant(),
                        modelFile(d.setting().quant()),
                        d.setting().nDraft(),
                        d.gpuLayers(),
                        d.model().allUnits()))
                .orElse(new Draft(false, "", "", null, 0, 0, 0));
    }

    static Vision vision(DeploymentPlan p) {
        if (!p.deployment().vision().enabled()) {
            return new Vision(false, null, "", 0, 0, "");
        }
        var v = p.model().capabilities().vision().orElseThrow();
        var on = p.memory().devices().stream()
                .filter(m -> m.projector().value() > 0)
                .findFirst()
                .orElseThrow();
        return new Vision(
                true,
                modelFile(v.file()),
                on.id(),
                on.projectorWeights().value(),
                on.projectorCompute().value(),
                v.computeSource());
    }

    static ModelFile modelFile(eu.prositronic.core.catalog.ModelSpec.QuantFile q) {
        return new ModelFile(
                q.repo(),
                q.revision().orElse(""),
                q.file(),
                q.size().value(),
                q.sha256().orElse(""),
                q.shards().stream()
                        .map(s ->
                                new Shard(s.path(), s.size().value(), s.sha256().orElse("")))
                        .toList(),
                q.verified(),
                q.verified() ? q.source() : q.unverified().orElseThrow());
    }

    public static List<GpuMemory> gpuMemory(DeploymentPlan p) {
        var gpus = p.node().devices();
        List<GpuMemory> out = new java.util.ArrayList<>();
        for (int i = 0; i < p.memory().gpus().size() && i < gpus.size(); i++) {
            var h = gpus.get(i);
            out.add(new GpuMemory(
                    p.memory().gpus().get(i).id(),
                    h.memoryBasis().key(),
                    h.plannedMemory().value(),
                    h.memory().value(),
                    h.usableMemory().map(u -> u.source()).orElse("catalog memoryBytes (nvidia-smi/rocm-smi total)")));
        }
        return out;
    }

    static Device of(DeviceMemory m) {
        return new Device(
                m.id(),
                m.kind().key(),
                m.capacity().value(),
                m.used().value(),
                m.weights().value(),
                m.kvCache().value(),
                m.recurrentState().value(),
                m.compute().value(),
                m.projectorWeights().value(),
                m.projectorCompute().value(),
                m.draft().value(),
                m.overhead().value(),
                m.checkpoints().value(),
                m.promptCache().value(),
                m.atLoad().value());
    }

    static Node of(Plan.NodePlan n) {
        return new Node(
                n.name(),
                n.gpus(),
                n.ram().value(),
                n.shares().stream()
                        .map(s -> new Share(
                                s.deployment(),
                                s.device(),
                                s.capacity().value(),
                                s.used().value()))
                        .toList());
    }
}
