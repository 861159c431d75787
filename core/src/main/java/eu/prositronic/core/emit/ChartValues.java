package eu.prositronic.core.emit;

import com.fasterxml.jackson.annotation.JsonInclude;
import eu.prositronic.core.catalog.Hardware;
import eu.prositronic.core.fit.DeploymentPlan;
import eu.prositronic.core.fit.RunSettings;
import eu.prositronic.core.units.Bytes;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * The llama-server chart's values, typed, in the chart's key order (charts/llama-server/values.yaml; docs/contracts.md
 * §1). A values file is {@link #of} a catalog page; a release layer ({@link Release}) is what one deployment runs.
 */
public record ChartValues(
        String fullnameOverride,
        Image image,
        Model model,
        Server server,
        Gpu gpu,
        String runtimeClassName,
        @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, String> nodeSelector,
        Resources resources,
        Persistence persistence,
        Fit fit) {

    public record Image(String repository, String tag) {}

    public record Model(
            String id, String name, String quant, String huggingFaceRepo, String file, long sizeBytes, String sha256) {}

    public record Server(
            int port,
            String alias,
            long ctxSize,
            int gpuLayers,
            int nCpuMoe,
            List<Integer> tensorSplit,
            String flashAttn,
            String cacheTypeK,
            String cacheTypeV,
            int parallel,
            int batchSize,
            int ubatchSize,
            long cacheRamMiB,
            int ctxCheckpoints,
            boolean kvUnified,
            boolean metrics,
            boolean jinja,
            SortedMap<String, Object> chatTemplateKwargs) {}

    public record Gpu(boolean enabled, String vendor, int count, String resourceName) {}

    public record Resources(Requests requests, Limits limits) {}

    public record Requests(String cpu, String memory) {}

    public record Limits(String memory) {}

    public record Persistence(
            boolean enabled, String existingClaim, String storageClass, List<String> accessModes, String size) {}

    /** Documentation only: the chart never reads it. */
    public record Fit(
            String hardware,
            String backend,
            String estimate,
            String gpuLayers,
            long vramCapacityBytes,
            long vramUsedBytes,
            long ramUsedBytes,
            double generationTokensPerSecond,
            double promptTokensPerSecond) {}

    /**
     * A deployment's own layer over the values file of its path: its name and node, and everything that depends on the
     * deployment rather than on the model × quant × hardware (image, flags, resources, figures).
     */
    public record Release(
            String fullnameOverride,
            Image image,
            Server server,
            Map<String, String> nodeSelector,
            Resources resources,
            Fit fit) {

        public static Release of(DeploymentPlan p) {
            return new Release(
                    p.name(),
                    ChartValues.image(p),
                    ChartValues.server(p),
                    Map.of("kubernetes.io/hostname", p.node().name()),
                    ChartValues.resources(p),
                    ChartValues.fit(p));
        }
    }

    public static ChartValues of(DeploymentPlan p) {
        var q = p.quant();
        boolean hasGpu = p.node().hasGpu();
        Hardware.Vendor vendor = p.node().gpuVendor().orElse(Hardware.Vendor.NVIDIA);
        boolean nvidia = vendor == Hardware.Vendor.NVIDIA;
        Map<String, String> nodeSelector = p.node()
                .primaryGpu()
                .flatMap(Hardware::productLabel)
                .map(label -> Map.of(nvidia ? "nvidia.com/gpu.product" : "amd.com/gpu.product-name", label))
                .orElse(null);
        return new ChartValues(
                p.name(),
                image(p),
                new Model(
                        p.model().id(),
                        p.model().name(),
                        q.quant(),
                        q.repo(),
                        q.file(),
                        q.size().value(),
                        q.sha256().orElse("")),
                server(p),
                new Gpu(
                        hasGpu,
                        nvidia ? "nvidia" : "amd",
                        hasGpu ? p.node().gpuCount() : 1,
                        nvidia ? "nvidia.com/gpu" : "amd.com/gpu"),
                hasGpu && nvidia ? "nvidia" : "",
                nodeSelector,
                resources(p),
                new Persistence(true, "", "", List.of("ReadWriteOnce"), cacheGiB(q.size()) + "Gi"),
                fit(p));
    }

    static Image image(DeploymentPlan p) {
        return new Image(p.image().repository(), p.image().tag());
    }

    static Server server(DeploymentPlan p) {
        RunSettings s = p.settings();
        return new Server(
                p.deployment().port(),
                p.model().id(),
                s.nCtx(),
                p.gpuLayers(),
                p.nCpuMoe(),
                p.tensorSplit(),
                ServerArgs.flashAttn(p),
                s.cacheTypeK().flag(),
                s.cacheTypeV().flag(),
                s.nSeq(),
                s.nBatch(),
                s.nUbatch(),
                s.cacheRam().value() / Bytes.MIB,
                s.checkpointsPerSlot(),
                s.kvUnified(),
                p.deployment().metrics(),
                true,
                p.chatTemplateKwargs());
    }

    /** Requests what the host part uses; the limit adds the page-cache headroom of the reserve (1 GiB). */
    static Resources resources(DeploymentPlan p) {
        Bytes host = p.memory().ramUsed();
        return new Resources(
                new Requests("1", host.kubernetesQuantity()),
                new Limits(host.plus(Bytes.ofGiB(1)).kubernetesQuantity()));
    }

    /** The model cache volume: the file plus a fifth for a download beside it, rounded up, plus 1 GiB. */
    static long cacheGiB(Bytes file) {
        return (long) Math.ceil(file.value() * 1.2 / Bytes.GIB) + 1;
    }

    static Fit fit(DeploymentPlan p) {
        return new Fit(
                p.hardware(),
                p.backend().key(),
                "memory from the Prositronic fit engine; speed is a calibrated estimate (docs/fit-engine.md, Speed)",
                p.gpuLayers() + " / " + p.layers(),
                p.memory().vramCapacity().value(),
                p.memory().vramUsed().value(),
                p.memory().ramUsed().value(),
                p.speed().generationTokensPerSecond(),
                p.speed().promptTokensPerSecond());
    }
}
