package eu.prositronic.core.emit;

import eu.prositronic.core.catalog.Hardware;
import eu.prositronic.core.catalog.Images;
import eu.prositronic.core.catalog.ModelSpec;
import eu.prositronic.core.fit.DeploymentPlan;
import eu.prositronic.core.fit.RunSettings;
import eu.prositronic.core.units.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
        Resources resources,
        Persistence persistence,
        Fit fit) {

    public record Image(String repository, String tag) {}

    /**
     * The file and where it comes from. {@code shards} lists every part the download init container fetches, with its
     * size and sha256 only where the catalog has them exactly (a {@linkplain ModelSpec.QuantFile#verified verified}
     * file); an estimated size is never checked against the download.
     */
    public record Model(
            String id,
            String name,
            String quant,
            String huggingFaceRepo,
            String file,
            long sizeBytes,
            String sha256,
            String revision,
            List<Shard> shards) {}

    public record Shard(String path, long sizeBytes, String sha256) {}

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
            String reasoning,
            SortedMap<String, Object> chatTemplateKwargs) {}

    /**
     * GPU scheduling: {@code product} is the GPU feature discovery label the node must carry (the chart also accepts its
     * {@code -SHARED} form); {@code minDriverMajor} the driver major version the image's CUDA needs (0: none).
     */
    public record Gpu(
            boolean enabled, String vendor, int count, String resourceName, String product, int minDriverMajor) {}

    /** A release layer's part of {@link Gpu}: the driver floor of the image this deployment runs. */
    public record ReleaseGpu(int minDriverMajor) {}

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
            ReleaseGpu gpu,
            Server server,
            Map<String, String> nodeSelector,
            Resources resources,
            Fit fit) {

        public static Release of(DeploymentPlan p, Images images, List<DeploymentPlan> all) {
            return of(p, images, cpuTenants(p, all));
        }

        /** @param cpuTenants the CPU-only deployments on the deployment's node ({@link #cpuTenantsByNode}) */
        public static Release of(DeploymentPlan p, Images images, long cpuTenants) {
            return new Release(
                    p.name(),
                    ChartValues.image(p),
                    new ReleaseGpu(minDriverMajor(p, images)),
                    ChartValues.server(p),
                    Map.of("kubernetes.io/hostname", p.node().name()),
                    ChartValues.resources(p, cpuTenants),
                    ChartValues.fit(p));
        }
    }

    public static ChartValues of(DeploymentPlan p, Images images) {
        var q = p.quant();
        boolean hasGpu = p.node().hasGpu();
        Hardware.Vendor vendor = p.node().gpuVendor().orElse(Hardware.Vendor.NVIDIA);
        boolean nvidia = vendor == Hardware.Vendor.NVIDIA;
        String product =
                hasGpu ? p.node().primaryGpu().flatMap(Hardware::productLabel).orElse("") : "";
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
                        q.verified() ? q.sha256().orElse("") : "",
                        q.revision().orElse(""),
                        shards(q)),
                server(p),
                new Gpu(
                        hasGpu,
                        nvidia ? "nvidia" : "amd",
                        hasGpu ? p.node().gpuCount() : 1,
                        nvidia ? "nvidia.com/gpu" : "amd.com/gpu",
                        product,
                        minDriverMajor(p, images)),
                hasGpu && nvidia ? "nvidia" : "",
                resources(p, 1),
                new Persistence(true, "", "", List.of("ReadWriteOnce"), cacheGiB(q.size()) + "Gi"),
                fit(p));
    }

    private static final Pattern SPLIT = Pattern.compile("^(.*)-00001-of-(\\d{5})\\.gguf$");

    /**
     * Every part to download. A verified file gives exact sizes and hashes; otherwise sizes are 0 and hashes "" (not
     * checked). A first shard named {@code …-00001-of-0000N.gguf} without a shard list gets its siblings by that name,
     * as llama.cpp's split loader looks for them.
     */
    static List<Shard> shards(ModelSpec.QuantFile q) {
        boolean exact = q.verified();
        List<ModelSpec.Shard> parts = q.parts();
        Matcher m = SPLIT.matcher(q.file());
        if (q.shards().isEmpty() && m.matches()) {
            int n = Integer.parseInt(m.group(2));
            List<ModelSpec.Shard> named = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                named.add(new ModelSpec.Shard(
                        String.format(Locale.ROOT, "%s-%05d-of-%s.gguf", m.group(1), i, m.group(2)),
                        Bytes.ZERO,
                        Optional.empty()));
            }
            parts = named;
            exact = false;
        }
        List<Shard> out = new ArrayList<>();
        for (ModelSpec.Shard s : parts) {
            out.add(new Shard(
                    s.path(), exact ? s.size().value() : 0, exact ? s.sha256().orElse("") : ""));
        }
        return out;
    }

    /** The major version of the driver floor of the deployment's CUDA image (0 for other backends). */
    static int minDriverMajor(DeploymentPlan p, Images images) {
        if (!p.backend().cuda()) {
            return 0;
        }
        return images.minDriver(p.backend()).map(d -> d.parts()[0]).orElse(0);
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
                ServerArgs.reasoning(p),
                ServerArgs.templateKwargs(p));
    }

    /**
     * Requests what the host part uses; the limit adds the page-cache headroom of the reserve (1 GiB). A CPU-only
     * deployment computes on the node's cores, so it requests them: all of them alone, an equal share when {@code
     * cpuTenants} CPU-only deployments share the node. A GPU deployment requests one core.
     */
    static Resources resources(DeploymentPlan p, long cpuTenants) {
        Bytes host = p.memory().ramUsed();
        String cpu = "1";
        if (!p.node().hasGpu()) {
            cpu = String.valueOf(Math.max(1, p.node().cpuCores() / Math.max(1, cpuTenants)));
        }
        return new Resources(
                new Requests(cpu, host.kubernetesQuantity()),
                new Limits(host.plus(Bytes.ofGiB(1)).kubernetesQuantity()));
    }

    /** The CPU-only deployments of the plan on the deployment's node (the deployment itself included). */
    static long cpuTenants(DeploymentPlan p, List<DeploymentPlan> all) {
        return all.stream()
                .filter(o ->
                        !o.node().hasGpu() && o.node().name().equals(p.node().name()))
                .count();
    }

    /**
     * {@link #cpuTenants} of every node at once, by node name (one pass: a fleet's deployments are not scanned per
     * deployment); a node without CPU-only deployments is absent.
     */
    public static Map<String, Long> cpuTenantsByNode(List<DeploymentPlan> all) {
        Map<String, Long> byNode = new java.util.HashMap<>();
        for (DeploymentPlan o : all) {
            if (!o.node().hasGpu()) {
                byNode.merge(o.node().name(), 1L, Long::sum);
            }
        }
        return byNode;
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
