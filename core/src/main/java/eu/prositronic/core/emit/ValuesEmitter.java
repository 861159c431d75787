package eu.prositronic.core.emit;

import static eu.prositronic.core.emit.Serializers.ordered;

import eu.prositronic.core.catalog.Hardware;
import eu.prositronic.core.catalog.ModelSpec;
import eu.prositronic.core.fit.Plan;
import eu.prositronic.core.fit.Plan.DeploymentPlan;
import eu.prositronic.core.fit.Planner;
import eu.prositronic.core.inventory.Inventory;
import eu.prositronic.core.units.Bytes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code values/<model>/<quant>/<hardware>.yaml}: everything the llama-server chart needs for one model × quantization ×
 * hardware (docs/contracts.md §1). Deployments that share a path share the file: the first by name writes it, the
 * others' differences go inline into their helmfile release.
 */
public final class ValuesEmitter implements Emitter {
    @Override
    public String name() {
        return "values";
    }

    @Override
    public void emit(EmitContext c, OutputTree out) {
        Map<String, DeploymentPlan> first = firstByValuesFile(c.plan());
        for (DeploymentPlan p : first.values()) {
            out.put(p.valuesFile(), Serializers.yaml(values(p, c)));
        }
    }

    /** The deployment that writes each values file: the first by name. */
    public static Map<String, DeploymentPlan> firstByValuesFile(Plan plan) {
        Map<String, DeploymentPlan> first = new LinkedHashMap<>();
        plan.deployments().stream()
                .sorted((a, b) -> a.name().compareTo(b.name()))
                .forEach(p -> first.putIfAbsent(p.valuesFile(), p));
        return first;
    }

    /** The chart values of one deployment, in the chart's key order. */
    public static Map<String, Object> values(DeploymentPlan p, EmitContext c) {
        ModelSpec model = c.catalog().model(p.model()).orElseThrow();
        Inventory.Node node = c.inventory().node(p.node()).orElseThrow();
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("fullnameOverride", p.model() + "-" + p.quant().toLowerCase().replace('_', '-'));
        String image = p.image();
        v.put(
                "image",
                ordered(
                        "repository",
                        image.substring(0, image.lastIndexOf(':')),
                        "tag",
                        image.substring(image.lastIndexOf(':') + 1)));
        v.put(
                "model",
                ordered(
                        "id", p.model(),
                        "name", p.modelName(),
                        "quant", p.quant(),
                        "huggingFaceRepo", p.modelFile().repo(),
                        "file", p.modelFile().file(),
                        "sizeBytes", p.modelFile().sizeBytes(),
                        "sha256", p.modelFile().sha256()));
        v.put("server", server(p, model, c));
        boolean gpu = !node.gpus().isEmpty();
        Hardware hw = gpu ? c.catalog().hardware(node.gpus().get(0).model()).orElseThrow() : null;
        int gpuCount = node.gpus().stream().mapToInt(Inventory.GpuRef::count).sum();
        if (gpu) {
            boolean nvidia = hw.vendor() == Hardware.Vendor.NVIDIA;
            v.put(
                    "gpu",
                    ordered(
                            "enabled",
                            true,
                            "vendor",
                            nvidia ? "nvidia" : "amd",
                            "count",
                            gpuCount,
                            "resourceName",
                            nvidia ? "nvidia.com/gpu" : "amd.com/gpu"));
            v.put("runtimeClassName", nvidia ? "nvidia" : "");
            hw.productLabel()
                    .ifPresent(label -> v.put(
                            "nodeSelector",
                            ordered(nvidia ? "nvidia.com/gpu.product" : "amd.com/gpu.product-name", label)));
        } else {
            v.put("gpu", ordered("enabled", false, "vendor", "nvidia", "count", 1, "resourceName", "nvidia.com/gpu"));
            v.put("runtimeClassName", "");
        }
        Plan.Device host = p.memory().devices().get(p.memory().devices().size() - 1);
        Bytes hostUsed = Bytes.of(host.usedBytes());
        // The memory limit is the host prediction plus the page-cache headroom of the reserve; requests what is used.
        v.put(
                "resources",
                ordered(
                        "requests", ordered("cpu", "1", "memory", hostUsed.kubernetesQuantity()),
                        "limits",
                                ordered("memory", hostUsed.plus(Bytes.ofGiB(1)).kubernetesQuantity())));
        long cacheGiB = (long) Math.ceil(p.modelFile().sizeBytes() * 1.2 / Bytes.GIB) + 1;
        v.put(
                "persistence",
                ordered(
                        "enabled",
                        true,
                        "existingClaim",
                        "",
                        "storageClass",
                        "",
                        "accessModes",
                        List.of("ReadWriteOnce"),
                        "size",
                        cacheGiB + "Gi"));
        v.put("fit", fit(p));
        return v;
    }

    static Map<String, Object> server(DeploymentPlan p, ModelSpec model, EmitContext c) {
        Inventory.Deployment d = c.inventory().deployments().stream()
                .filter(x -> x.name().equals(p.name()))
                .findFirst()
                .orElseThrow();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("port", p.port());
        s.put("alias", p.model());
        s.put("ctxSize", p.ctxSize());
        s.put("gpuLayers", p.gpuLayers());
        s.put("nCpuMoe", p.nCpuMoe());
        s.put("tensorSplit", p.tensorSplit());
        s.put("flashAttn", p.flashAttn());
        s.put("cacheTypeK", p.cacheTypeK());
        s.put("cacheTypeV", p.cacheTypeV());
        s.put("parallel", p.parallel());
        s.put("batchSize", p.batchSize());
        s.put("ubatchSize", p.ubatchSize());
        s.put("cacheRamMiB", p.cacheRamBytes() / Bytes.MIB);
        s.put("ctxCheckpoints", p.ctxCheckpoints());
        s.put("metrics", p.metrics());
        s.put("jinja", true);
        s.put("chatTemplateKwargs", Planner.chatTemplateKwargs(d, model));
        return s;
    }

    static Map<String, Object> fit(DeploymentPlan p) {
        long vramCapacity = 0;
        long vramUsed = 0;
        long ram = 0;
        for (Plan.Device d : p.memory().devices()) {
            if (d.kind().equals("gpu")) {
                vramCapacity += d.capacityBytes();
                vramUsed += d.usedBytes();
            } else {
                ram += d.usedBytes();
            }
        }
        return ordered(
                "hardware",
                p.hardware(),
                "backend",
                p.backend(),
                "estimate",
                "memory from the Prositronic fit engine; speed is a roofline estimate",
                "gpuLayers",
                p.gpuLayers() + " / " + p.layers(),
                "vramCapacityBytes",
                vramCapacity,
                "vramUsedBytes",
                vramUsed,
                "ramUsedBytes",
                ram,
                "generationTokensPerSecond",
                p.speed().generationTokensPerSecond(),
                "promptTokensPerSecond",
                p.speed().promptTokensPerSecond());
    }
}
