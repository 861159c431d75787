package eu.prositronic.core.emit.report;

import eu.prositronic.core.catalog.Backend;
import eu.prositronic.core.fit.DeploymentPlan;
import eu.prositronic.core.fit.DeviceMemory;
import eu.prositronic.core.fit.MemoryPlan;
import eu.prositronic.core.units.Bytes;
import java.util.ArrayList;
import java.util.List;

/**
 * Sentences about one fit, shared by the fleet report and the catalog site: where the layers are and why, what it uses,
 * and what deserves a warning. Every figure is read from the typed plan ({@link MemoryPlan} sums), none recomputed.
 */
final class Facts {
    /** Below this much free memory beyond the reserve a device's margin is called thin. */
    static final Bytes THIN_MARGIN = Bytes.ofMiB(512);

    private Facts() {}

    /** "all 33 layers on the GPU", "20 of 33 layers on the GPU, the rest on the CPU", "on the CPU". */
    static String layoutPhrase(DeploymentPlan p) {
        String gpus = p.node().gpuCount() > 1 ? "the GPUs" : "the GPU";
        return switch (p.layoutKind()) {
            case FULL -> "all " + p.layers() + " layers on " + gpus;
            case MOE_EXPERTS_ON_CPU ->
                "all " + p.layers() + " layers on " + gpus + " but the routed experts of " + p.nCpuMoe()
                        + " layers, which stay in RAM";
            case PARTIAL -> p.gpuLayers() + " of " + p.layers() + " layers on " + gpus + ", the rest on the CPU";
            case CPU -> "all " + p.layers() + " layers on the CPU";
        };
    }

    /** "11.63 GiB VRAM and 1.20 GiB RAM", or "3.10 GiB RAM" without a GPU. */
    static String memoryPhrase(DeploymentPlan p) {
        MemoryPlan m = p.memory();
        return (p.node().hasGpu() ? m.vramUsed().human() + " VRAM and " : "")
                + m.ramUsed().human() + " RAM";
    }

    /** Why the layers are where they are, with the figures that decided it. */
    static String whyLayers(DeploymentPlan p) {
        MemoryPlan m = p.memory();
        String reserve = m.gpuReserve().human();
        return switch (p.layoutKind()) {
            case FULL ->
                "Everything fits on the GPU" + (p.node().gpuCount() > 1 ? "s" : "") + ": weights, KV cache and"
                        + " buffers take " + m.vramUsed().human() + " of "
                        + m.vramCapacity().human() + ", and "
                        + reserve + " per GPU stays free as the reserve. Layers on the GPU run at its memory bandwidth,"
                        + " so none is offloaded; the context is "
                        + (p.deployment().maxContext()
                                ? "the largest that fits, up to the model's trained "
                                        + DeploymentPage.thousands(
                                                p.model().architecture().contextLength()) + " tokens"
                                : "the one asked for")
                        + ".";
            case MOE_EXPERTS_ON_CPU ->
                "The whole model does not fit the GPU's " + m.vramCapacity().human() + " (less "
                        + reserve + " reserve) with its context, so the routed experts of " + p.nCpuMoe() + " layers go"
                        + " to system RAM (--n-cpu-moe " + p.nCpuMoe() + "): a token reads only a few experts, so this"
                        + " costs the least speed. Attention, the shared weights and the KV cache stay on the GPU ("
                        + m.vramUsed().human() + "); RAM holds "
                        + m.host().weights().human() + " of weights.";
            case PARTIAL ->
                "The weights, KV cache and buffers need more than the GPU's "
                        + m.vramCapacity().human()
                        + " less the " + reserve + " reserve, so llama.cpp keeps the last " + p.gpuLayers() + " of "
                        + p.layers() + " layers on the GPU (-ngl " + p.gpuLayers() + ", "
                        + m.vramUsed().human()
                        + ") and runs the first " + (p.layers() - p.gpuLayers()) + " on the CPU from RAM ("
                        + m.host().weights().human() + " of weights there). Each token then waits for the CPU's"
                        + " memory bandwidth: expect it slower than a full fit.";
            case CPU ->
                "There is no GPU: every layer runs on the CPU from system RAM ("
                        + m.ramUsed().human() + "), at the speed of the RAM's bandwidth.";
        };
    }

    /** What an operator should know before applying: thin margins, offload, an older image, unverified files. */
    static List<String> warnings(DeploymentPlan p, boolean verifiedFile) {
        List<String> w = new ArrayList<>();
        MemoryPlan m = p.memory();
        for (DeviceMemory gpu : m.gpus()) {
            Bytes free = gpu.capacity().minus(gpu.used()).minus(m.gpuReserve());
            if (free.value() < THIN_MARGIN.value()) {
                w.add("Thin margin on " + gpu.id() + ": " + (free.value() < 0 ? "none" : free.human())
                        + " free beyond the " + m.gpuReserve().human() + " reserve.");
            }
        }
        switch (p.layoutKind()) {
            case PARTIAL ->
                w.add("Partial offload: only " + p.gpuLayers() + " of " + p.layers() + " layers on the GPU.");
            case MOE_EXPERTS_ON_CPU -> w.add("MoE experts of " + p.nCpuMoe() + " layers in system RAM.");
            default -> {}
        }
        if (p.backend() == Backend.CUDA12) {
            w.add("Runs the CUDA 12 image (" + p.image().tag() + "): the node's driver or GPU is below the CUDA 13"
                    + " image's floor.");
        }
        if (!verifiedFile) {
            w.add("Unverified model file: no revision and sha256 a download can be checked against.");
        }
        p.notes().stream()
                .filter(n -> n.startsWith(eu.prositronic.core.fit.Planner.SHARED_GPU_NOTE))
                .forEach(n -> w.add(n + "."));
        return w;
    }
}
