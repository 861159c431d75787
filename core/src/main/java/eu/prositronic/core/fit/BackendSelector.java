package eu.prositronic.core.fit;

import eu.prositronic.core.catalog.Backend;
import eu.prositronic.core.catalog.Hardware;
import java.util.Optional;
import java.util.Set;

/**
 * Chooses the llama.cpp build for a node's GPU. CUDA 13 dropped compute capability below 7.5 and needs driver 580.65.06
 * or newer (CUDA toolkit release notes, table 3); older cards or drivers get the CUDA 12 image. ROCm images cover the
 * gfx targets of ROCm's support matrix; other AMD cards run the Vulkan build.
 */
public final class BackendSelector {
    private BackendSelector() {}

    static final int CUDA13_MIN_COMPUTE_CAPABILITY = 75;
    static final int CUDA13_MIN_DRIVER_MAJOR = 580;
    /** gfx targets of the ROCm 7 support matrix that llama.cpp's server-rocm image is built for. */
    static final Set<String> ROCM_TARGETS =
            Set.of("gfx908", "gfx90a", "gfx942", "gfx950", "gfx1030", "gfx1100", "gfx1101", "gfx1200", "gfx1201");

    public static Backend select(Optional<Hardware> gpu, Optional<String> driverVersion) {
        if (gpu.isEmpty()) {
            return Backend.CPU;
        }
        Hardware h = gpu.get();
        return switch (h.vendor()) {
            case NVIDIA -> {
                if (h.computeCapabilityValue() < CUDA13_MIN_COMPUTE_CAPABILITY) {
                    yield Backend.CUDA12;
                }
                boolean oldDriver = driverVersion
                        .map(v -> Integer.parseInt(v.split("\\.")[0]) < CUDA13_MIN_DRIVER_MAJOR)
                        .orElse(false);
                yield oldDriver ? Backend.CUDA12 : Backend.CUDA13;
            }
            case AMD -> h.gfxTarget().filter(ROCM_TARGETS::contains).isPresent() ? Backend.ROCM : Backend.VULKAN;
            case CPU -> Backend.CPU;
        };
    }
}
