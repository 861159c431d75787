package eu.prositronic.core.inventory;

import eu.prositronic.core.units.Bytes;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** The hardware inventory as read from {@code inventory.yaml}: the cluster, its nodes and what runs where. */
public record Inventory(Path file, Cluster cluster, List<Node> nodes, List<Deployment> deployments) {

    public Optional<Node> node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
    }

    public record Cluster(String name, String namespace, ContainerRuntime containerRuntime) {}

    /**
     * A machine. {@code memoryBandwidth} overrides the catalog's CPU default for CPU-resident work; {@code
     * driverVersion} (NVIDIA) decides between CUDA 12 and CUDA 13 images when known.
     */
    public record Node(
            String name,
            String address,
            Bytes ram,
            int cpuCores,
            Optional<Long> memoryBandwidthBytesPerSecond,
            List<GpuRef> gpus,
            Optional<String> driverVersion) {
        public boolean hasGpu() {
            return !gpus.isEmpty();
        }
    }

    public record GpuRef(String model, int count) {}

    /** What to run: a catalog model and quantization on a node, with the llama-server settings asked for. */
    public record Deployment(
            String name,
            String model,
            String quant,
            String node,
            OptionalLong context,
            CacheType cacheTypeK,
            CacheType cacheTypeV,
            FlashAttn flashAttn,
            int parallel,
            int batchSize,
            int ubatchSize,
            boolean thinking,
            int port,
            boolean metrics) {
        /** {@code context: max}: the largest context that fits, up to the trained maximum. */
        public boolean maxContext() {
            return context.isEmpty();
        }
    }
}
