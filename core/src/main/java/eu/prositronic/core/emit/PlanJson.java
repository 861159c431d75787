package eu.prositronic.core.emit;

import eu.prositronic.core.fit.DeploymentPlan;
import eu.prositronic.core.fit.DeviceMemory;
import eu.prositronic.core.fit.Plan;
import java.util.List;

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
            List<Node> nodes) {}

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
            List<String> notes) {}

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

    public record Memory(List<Device> devices, long reserveBytes, long hostReserveBytes, String method) {}

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
                plan.deployments().stream().map(PlanJson::of).toList(),
                plan.nodes().stream().map(PlanJson::of).toList());
    }

    public static Deployment of(DeploymentPlan p) {
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
                        MEMORY_METHOD),
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
                p.notes());
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
