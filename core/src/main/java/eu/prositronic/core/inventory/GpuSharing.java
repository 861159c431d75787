package eu.prositronic.core.inventory;

import java.util.List;

/**
 * {@code gpuSharing: {strategy: timeSlicing, replicas: N}} on a Kubernetes-served NVIDIA node: the NVIDIA device plugin
 * advertises each of the node's GPUs as {@code replicas} {@code nvidia.com/gpu} (CUDA time-slicing), so that up to
 * {@code replicas} llama-server pods, each asking for as many {@code nvidia.com/gpu} as the node has GPUs, are scheduled
 * there at once. GPU feature discovery then labels the product {@code <product>-SHARED}, which the chart accepts
 * ({@code gpu.acceptShared}). Time-slicing shares compute, not memory: the plan still gives each deployment its share of
 * every GPU's memory.
 */
public record GpuSharing(Strategy strategy, int replicas) {
    /** The sharing methods of the device plugin that Prositronic configures. */
    public enum Strategy {
        TIME_SLICING("timeSlicing");

        private final String key;

        Strategy(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }

        public static List<String> keys() {
            return List.of("timeSlicing");
        }
    }

    /** The fewest replicas worth sharing (1 is a GPU per pod, as without the key). */
    public static final int MIN_REPLICAS = 2;

    /** A sanity bound: every pod holds its share of the GPU's memory, so dozens are already a lot. */
    public static final int MAX_REPLICAS = 64;

    /** The name of this configuration in the device plugin's ConfigMap ({@code config.map}). */
    public String configName() {
        return "time-slicing-" + replicas;
    }
}
