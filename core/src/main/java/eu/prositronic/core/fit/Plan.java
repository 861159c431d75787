package eu.prositronic.core.fit;

import java.util.List;

/**
 * The plan: every deployment fitted on its node. This is what {@code plan.json} serializes, field for field (see
 * plan.schema.json); sizes are bytes, speeds tokens per second.
 */
public record Plan(
        String cluster,
        String namespace,
        String containerRuntime,
        List<DeploymentPlan> deployments,
        List<NodePlan> nodes) {

    public record DeploymentPlan(
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
            String valuesFile,
            List<String> args,
            Memory memory,
            Speed speed,
            List<String> notes) {}

    public record ModelFile(String repo, String file, long sizeBytes, String sha256, String sizeSource) {}

    /**
     * @param reserveBytes the margin kept free on every GPU when fitting (llama.cpp's --fit-target)
     * @param hostReserveBytes the node RAM left to the operating system when fitting
     */
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
            long overheadBytes) {
        static Device of(DeviceMemory d) {
            return new Device(
                    d.id(),
                    d.kind() == DeviceMemory.Kind.GPU ? "gpu" : "cpu",
                    d.capacity().value(),
                    d.used().value(),
                    d.weights().value(),
                    d.kvCache().value(),
                    d.recurrentState().value(),
                    d.compute().value(),
                    d.overhead().value());
        }
    }

    public record Speed(
            double generationTokensPerSecond, double promptTokensPerSecond, boolean estimate, String method) {}

    /** How a node's memory is shared by the deployments on it. */
    public record NodePlan(String name, List<String> gpus, long ramBytes, List<Share> shares) {}

    public record Share(String deployment, String device, long capacityBytes, long usedBytes) {}
}
