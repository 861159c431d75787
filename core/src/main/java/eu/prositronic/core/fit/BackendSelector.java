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
 * CUDA 13 image's floors, else the CUDA 12 image when they reach its floors. A node that reaches neither (its driver
 * below every floor its GPU's compute capability allows, e.g. 580.10 with a GPU only the CUDA 13 image is built for)
 * is rejected as input ({@code NodeReader}) with {@link Images#noCudaImage}: the driver, each image's unmet floor and
 * the fix. ROCm images cover the gfx targets of ROCm's support matrix; other AMD
 * cards run the Vulkan build.
 */
public final class BackendSelector {
    private BackendSelector() {}

    /**
     * gfx targets of the ROCm 7 support matrix that llama.cpp's server-rocm image is built for.
     *
     * <p>Known gap: at the pin the server-rocm image (ROCm 7.2.1) is built for gfx908, gfx90a, gfx942, gfx1030,
     * gfx1100, gfx1101, gfx1102, gfx1151, gfx1150, gfx1200 and gfx1201 ({@code ROCM_DOCKER_ARCH} in
     * .devops/rocm.Dockerfile, which .github/workflows/docker.yml does not override). This set lists gfx950, which the
     * image is not built for, and lacks gfx1102, gfx1150 and gfx1151; a later issue fixes the set.
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/.devops/rocm.Dockerfile#L37-L37">.devops/rocm.Dockerfile L37</a>
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/.github/workflows/docker.yml#L99-L99">.github/workflows/docker.yml L99</a>
     */
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
                Optional<ComputeCapability> cc = h.parsedComputeCapability();
                // A node that can start no CUDA image (its driver below every floor its GPU's compute capability
                // allows) is an input error the inventory reader places at the node, with the fix
                // (Images.noCudaImage); reaching here with one is a bug, never a plan with an image the node
                // cannot start.
                yield images.cudaBackend(cc, driver)
                        .orElseThrow(() -> new IllegalStateException(images.noCudaImage(h.id(), cc, driver)
                                .map(n -> n.problem() + "; " + n.fix())
                                .orElse("no CUDA image")));
            }
            case AMD -> h.gfxTarget().filter(ROCM_TARGETS::contains).isPresent() ? Backend.ROCM : Backend.VULKAN;
            case CPU -> Backend.CPU;
        };
    }
}
