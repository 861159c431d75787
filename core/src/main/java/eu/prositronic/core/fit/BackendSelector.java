package eu.prositronic.core.fit;

import eu.prositronic.core.catalog.Backend;
import eu.prositronic.core.catalog.ComputeCapability;
import eu.prositronic.core.catalog.DriverVersion;
import eu.prositronic.core.catalog.Hardware;
import eu.prositronic.core.catalog.Images;
import java.util.Optional;
import java.util.Set;

/**
 * Chooses the llama.cpp build for a node's GPU. The NVIDIA floors (driver, compute capability) live in the catalog's
 * {@code images.yaml} only: CUDA 13 when the GPU's compute capability and the node's driver (when known) reach the
 * CUDA 13 image's floors, else the CUDA 12 image. ROCm images cover the gfx targets of ROCm's support matrix; other AMD
 * cards run the Vulkan build.
 */
public final class BackendSelector {
    private BackendSelector() {}

    /** gfx targets of the ROCm 7 support matrix that llama.cpp's server-rocm image is built for. */
    static final Set<String> ROCM_TARGETS =
            Set.of("gfx908", "gfx90a", "gfx942", "gfx950", "gfx1030", "gfx1100", "gfx1101", "gfx1200", "gfx1201");

    /**
     * The backend for a node whose first GPU is {@code gpu} (empty: CPU-only) and whose NVIDIA driver is {@code
     * driver} (empty: unknown, assumed new enough).
     */
    public static Backend select(Optional<Hardware> gpu, Optional<DriverVersion> driver, Images images) {
        if (gpu.isEmpty()) {
            return Backend.CPU;
        }
        Hardware h = gpu.get();
        return switch (h.vendor()) {
            case NVIDIA -> {
                // an unreadable compute capability counts as unknown: below any floor
                Optional<ComputeCapability> cc = h.computeCapability()
                        .filter(s -> ComputeCapability.PATTERN.matcher(s).matches())
                        .map(ComputeCapability::parse);
                if (images.image(Backend.CUDA13).runsOn(cc, driver)) {
                    yield Backend.CUDA13;
                }
                // Below CUDA 12's floors too the node cannot run either image; its preflight says so (a later issue
                // makes the plan say so).
                yield Backend.CUDA12;
            }
            case AMD -> h.gfxTarget().filter(ROCM_TARGETS::contains).isPresent() ? Backend.ROCM : Backend.VULKAN;
            case CPU -> Backend.CPU;
        };
    }
}
