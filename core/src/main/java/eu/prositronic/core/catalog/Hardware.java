package eu.prositronic.core.catalog;

import eu.prositronic.core.units.Bytes;
import java.util.Optional;

/** A GPU model, or the CPU-only pseudo-hardware {@code cpu}, with the figures the fit engine and report need. */
public record Hardware(
        String id,
        String name,
        Kind kind,
        Vendor vendor,
        Bytes memory,
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
