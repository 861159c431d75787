package eu.prositronic.core.catalog;

import eu.prositronic.core.units.Bytes;
import java.util.Optional;

/**
 * A GPU model, or the CPU-only pseudo-hardware {@code cpu}, with the figures the fit engine and report need.
 *
 * @param memory the device's memory as nvidia-smi or rocm-smi reports its total
 * @param usableMemory the total the GPU runtime reports on Linux where a public log shows it (CUDA's {@code
 *     cudaMemGetInfo}, the {@code total} column of llama.cpp's memory breakdown): below {@code memory} by what the driver
 *     reserves for itself, and all that the process can allocate from; empty where no such figure is known
 */
public record Hardware(
        String id,
        String name,
        Kind kind,
        Vendor vendor,
        Bytes memory,
        Optional<UsableMemory> usableMemory,
        long memoryBandwidthBytesPerSecond,
        double fp16Tflops,
        double fp32Tflops,
        Optional<String> computeCapability,
        String architecture,
        Optional<String> gfxTarget,
        Optional<String> productLabel,
        int powerWatts,
        String source) {

    public enum Kind {
        GPU,
        CPU
    }

    public enum Vendor {
        NVIDIA,
        AMD,
        CPU
    }

    /**
     * The memory the planner fits into: the runtime-reported total where the catalog knows it (it is never above
     * {@link #memory()}), otherwise the nominal total.
     */
    public Bytes plannedMemory() {
        return usableMemory.map(UsableMemory::bytes).orElse(memory);
    }

    /** Which figure {@link #plannedMemory()} is: plan.json's {@code memoryBasis}. */
    public MemoryBasis memoryBasis() {
        return usableMemory.isPresent() ? MemoryBasis.RUNTIME : MemoryBasis.NOMINAL;
    }

    /**
     * The runtime-reported total and the catalog's source line for it (a public log a reader can open).
     *
     * @param source the entry's {@code usableMemoryBytes: ...} source line
     */
    public record UsableMemory(Bytes bytes, String source) {}

    /** Where a GPU's planned memory comes from. */
    public enum MemoryBasis {
        /** The total the GPU runtime reports ({@code usableMemoryBytes}, from a public log). */
        RUNTIME,
        /** The total nvidia-smi or rocm-smi reports ({@code memoryBytes}); the runtime's is not known. */
        NOMINAL;

        /** The spelling in plan.json and the report. */
        public String key() {
            return this == RUNTIME ? "runtime" : "nominal";
        }
    }

    /** The compute capability, parsed; empty for AMD and CPU, and where it is not {@code major.minor}. */
    public Optional<ComputeCapability> parsedComputeCapability() {
        return computeCapability
                .filter(s -> ComputeCapability.PATTERN.matcher(s).matches())
                .map(ComputeCapability::parse);
    }

    /** Compute capability as a comparable number: {@code "8.6"} → 86. */
    public int computeCapabilityValue() {
        return computeCapability
                .map(cc -> {
                    String[] parts = cc.split("\\.");
                    return Integer.parseInt(parts[0]) * 10 + (parts.length > 1 ? Integer.parseInt(parts[1]) : 0);
                })
                .orElse(0);
    }
}
