package eu.prositronic.core.fit;

import eu.prositronic.core.catalog.Backend;
import eu.prositronic.core.catalog.ComputeCapability;
import eu.prositronic.core.catalog.DriverVersion;
import eu.prositronic.core.catalog.Hardware;
import eu.prositronic.core.catalog.Images;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Chooses the llama.cpp build for a node's GPUs. The NVIDIA floors (driver, compute capability) live in the catalog's
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
     * gfx targets that llama.cpp's server-rocm image (ROCm 7.2.1) is built for at the pin: {@code ROCM_DOCKER_ARCH} in
     * .devops/rocm.Dockerfile, which .github/workflows/docker.yml does not override for the rocm image.
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/.devops/rocm.Dockerfile#L37-L37">.devops/rocm.Dockerfile L37</a>
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/.github/workflows/docker.yml#L99-L99">.github/workflows/docker.yml L99</a>
     */
    static final Set<String> ROCM_TARGETS = Set.of(
            "gfx908", "gfx90a", "gfx942", "gfx1030", "gfx1100", "gfx1101", "gfx1102", "gfx1151", "gfx1150", "gfx1200",
            "gfx1201");

    /**
     * The backend for a node's GPUs ({@code devices}, one entry per device; empty: CPU-only) with its NVIDIA driver
     * {@code driver} (empty: unknown, assumed new enough). One image runs every GPU of the node: the images' floors
     * are lower bounds, so NVIDIA nodes are chosen for by their lowest compute capability (an unknown one counts as
     * below every floor), and an AMD node gets ROCm only when the image is built for every GPU's gfx target.
     */
    public static Backend select(List<Hardware> devices, Optional<DriverVersion> driver, Images images) {
        if (devices.isEmpty()) {
            return Backend.CPU;
        }
        Hardware first = devices.get(0);
        return switch (first.vendor()) {
            case NVIDIA -> {
                Optional<ComputeCapability> lowest = lowestComputeCapability(devices);
                // A node that can start no CUDA image (its driver below every floor its GPUs' compute capability
                // allows) is an input error the inventory reader places at the node, with the fix
                // (Images.noCudaImage); reaching here with one is a bug, never a plan with an image the node
                // cannot start.
                yield images.cudaBackend(lowest, driver)
                        .orElseThrow(() -> new IllegalStateException(images.noCudaImage(first.id(), lowest, driver)
                                .map(n -> n.problem() + "; " + n.fix())
                                .orElse("no CUDA image")));
            }
            case AMD ->
                devices.stream().allMatch(h -> h.gfxTarget()
                                .filter(ROCM_TARGETS::contains)
                                .isPresent())
                        ? Backend.ROCM
                        : Backend.VULKAN;
            case CPU -> Backend.CPU;
        };
    }

    /** The lowest compute capability of the GPUs; empty when any is unknown or unreadable (below every floor). */
    static Optional<ComputeCapability> lowestComputeCapability(List<Hardware> devices) {
        ComputeCapability lowest = null;
        for (Hardware h : devices) {
            Optional<ComputeCapability> cc = h.parsedComputeCapability();
            if (cc.isEmpty()) {
                return Optional.empty();
            }
            if (lowest == null || cc.get().compareTo(lowest) < 0) {
                lowest = cc.get();
            }
        }
        return Optional.ofNullable(lowest);
    }
}
