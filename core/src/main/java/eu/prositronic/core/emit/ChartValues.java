package eu.prositronic.core.emit;

import eu.prositronic.core.catalog.DriverVersion;
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
            List<Shard> shards,
            Mmproj mmproj,
            Mmproj draft) {}

    public record Shard(String path, long sizeBytes, String sha256) {}

    /**
     * The vision projector the init container downloads beside the model and llama-server loads with {@code --mmproj};
     * {@code file} "" without vision. Size and sha256 only where the catalog has them exactly.
     */
    public record Mmproj(String file, String huggingFaceRepo, String revision, long sizeBytes, String sha256) {
        static final Mmproj NONE = new Mmproj("", "", "", 0, "");

        /** The draft model's file (speculative decoding), in the same shape: {@code file} "" without a draft. */
        static Mmproj draft(DeploymentPlan p) {
            return p.deployment()
                    .draft()
                    .map(d -> {
                        ModelSpec.QuantFile f = d.quant();
                        boolean exact = f.verified();
                        return new Mmproj(
                                f.file(),
                                f.repo(),
                                f.revision().orElse(""),
                                exact ? f.size().value() : 0,
                                exact ? f.sha256().orElse("") : "");
                    })
                    .orElse(NONE);
        }

        static Mmproj of(DeploymentPlan p) {
            if (!p.deployment().vision().enabled()) {
                return NONE;
            }
            ModelSpec.QuantFile f =
                    p.model().capabilities().vision().orElseThrow().file();
            boolean exact = f.verified();
            return new Mmproj(
                    f.file(),
                    f.repo(),
                    f.revision().orElse(""),
                    exact ? f.size().value() : 0,
                    exact ? f.sha256().orElse("") : "");
        }
    }

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
            int threads,
            boolean mmprojOffload,
            int draftNMax,
            int draftGpuLayers,
            boolean metrics,
            boolean jinja,
            String reasoning,
            SortedMap<String, Object> chatTemplateKwargs) {}

    /**
     * GPU scheduling: {@code product} is the GPU feature discovery label the node must carry (the chart also accepts its
     * {@code -SHARED} form); {@code minDriver} the driver version the image's CUDA needs, as nvidia-smi prints it ("": none); the chart turns
     * it into node affinity on GPU feature discovery's driver-version labels.
     */
    public record Gpu(
            boolean enabled, String vendor, int count, String resourceName, String product, String minDriver) {}

    /** A release layer's part of {@link Gpu}: the driver floor of the image this deployment runs. */
    public record ReleaseGpu(String minDriver) {}

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
            ReleaseModel model,
            Server server,
            Map<String, String> nodeSelector,

            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            GpuGuard.Affinity affinity,

            Resources resources,
            ReleasePersistence persistence,
            Fit fit,
            ReleaseVerify verify) {

        public static Release of(DeploymentPlan p, Images images) {
            return new Release(
                    p.name(),
                    ChartValues.image(p),
                    new ReleaseGpu(minDriver(p, images)),
                    new ReleaseModel(Mmproj.of(p), Mmproj.draft(p)),
                    ChartValues.server(p),
                    Map.of("kubernetes.io/hostname", p.node().name()),
                    GpuGuard.fleetAffinity(p),
                    ChartValues.resources(p),
                    new ReleasePersistence(cacheGiB(p.quant().size().plus(mmprojBytes(p))) + "Gi"),
                    ChartValues.fit(p),
                    new ReleaseVerify(
                            p.memory().gpuNeedAtLoadBytes(), p.memory().gpuReserveIfAny()));
        }
    }

    /**
     * The plan's figures for the chart's free-memory preflight ({@code verify.enabled} turns it on): what each GPU holds
     * at load and the margin, as the systemd unit's preflight reads them from host vars.
     */
    public record ReleaseVerify(List<Long> gpuNeedBytes, long gpuReserveBytes) {}

    /**
     * What a deployment adds to its catalog page's model: the files it loads besides it (the vision projector, the
     * draft model), which helmfile merges into the page's {@code model} map.
     */
    public record ReleaseModel(Mmproj mmproj, Mmproj draft) {}

    /** The model cache volume of the deployment: the model and the files it loads besides it. */
    public record ReleasePersistence(String size) {}

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
                        shards(q),
                        Mmproj.of(p),
                        Mmproj.draft(p)),
                server(p),
                new Gpu(
                        hasGpu,
                        nvidia ? "nvidia" : "amd",
                        hasGpu ? p.node().gpuCount() : 1,
                        nvidia ? "nvidia.com/gpu" : "amd.com/gpu",
                        product,
                        minDriver(p, images)),
                hasGpu && nvidia ? "nvidia" : "",
                resources(p),
                new Persistence(
                        true,
                        "",
                        "",
                        List.of("ReadWriteOnce"),
                        cacheGiB(q.size().plus(mmprojBytes(p))) + "Gi"),
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

    /** The driver floor of the deployment's CUDA image, as the catalog writes it ("" for other backends). */
    static String minDriver(DeploymentPlan p, Images images) {
        if (!p.backend().cuda()) {
            return "";
        }
        return images.minDriver(p.backend()).map(DriverVersion::toString).orElse("");
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
                p.threads(),
                p.deployment().vision().offload(),
                p.deployment().draft().map(d -> d.nDraft()).orElse(0),
                eu.prositronic.core.fit.DraftModel.of(p.deployment())
                        .map(d -> d.gpuLayers())
                        .orElse(0),
                p.deployment().metrics(),
                true,
                ServerArgs.reasoning(p),
                ServerArgs.templateKwargs(p));
    }

    /**
     * Requests what the host part uses; the limit adds the page-cache headroom of the reserve (1 GiB). A CPU-only
     * deployment requests the cores it computes on: its planned {@code --threads} (the node's cores split between its
     * deployments). A GPU deployment requests one core.
     */
    static Resources resources(DeploymentPlan p) {
        Bytes host = p.memory().ramUsed();
        String cpu = p.threads() > 0 ? String.valueOf(p.threads()) : "1";
        return new Resources(
                new Requests(cpu, host.kubernetesQuantity()),
                new Limits(host.plus(Bytes.ofGiB(1)).kubernetesQuantity()));
    }

    /** The bytes the volume holds beside the model: the vision projector's file and the draft model's (0 without). */
    static Bytes mmprojBytes(DeploymentPlan p) {
        Bytes mm = p.deployment().vision().enabled()
                ? p.model().capabilities().vision().orElseThrow().file().size()
                : Bytes.ZERO;
        return mm.plus(p.deployment().draft().map(d -> d.quant().size()).orElse(Bytes.ZERO));
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
