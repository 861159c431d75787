package eu.prositronic.core.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pinned llama.cpp server images, one per backend, and the floors each needs (catalog {@code images.yaml}): the one
 * home of image tags, driver floors and compute-capability floors.
 */
public record Images(String repository, String build, String source, Map<Backend, Image> byBackend) {

    /**
     * One backend's image. The floors are kept as written in {@code images.yaml} and checked here, so a bad floor fails
     * when the catalog is read, not when a node is planned.
     *
     * @param tag the pinned tag, e.g. {@code server-cuda-b11206}
     * @param digest the image index digest the tag pointed to ({@code sha256:…}), where public evidence gives one
     * @param minDriver the oldest NVIDIA driver the image runs on, e.g. {@code 580.65.06}
     * @param minComputeCapability the lowest NVIDIA compute capability the image is built for, e.g. {@code 7.5}
     * @param source why the tag (and digest) is believed to be published: a URL, or {@code unverified: …}
     */
    public record Image(
            String tag,
            Optional<String> digest,
            Optional<String> minDriver,
            Optional<String> minComputeCapability,
            String source) {
        public Image {
            minDriver.ifPresent(DriverVersion::parse);
            minComputeCapability.ifPresent(ComputeCapability::parse);
        }

        /** An image without digest or source (tests). */
        public Image(String tag, Optional<String> minDriver, Optional<String> minComputeCapability) {
            this(tag, Optional.empty(), minDriver, minComputeCapability, "");
        }

        /** Whether tag and digest come from a source a reader can open (not {@code unverified: …}). */
        public boolean verified() {
            return digest.isPresent() && !ModelSpec.QuantFile.marked(source) && !source.isEmpty();
        }

        public Optional<DriverVersion> driverFloor() {
            return minDriver.map(DriverVersion::parse);
        }

        public Optional<ComputeCapability> computeCapabilityFloor() {
            return minComputeCapability.map(ComputeCapability::parse);
        }

        /** Whether a GPU of this compute capability and driver (empty: unknown, assumed new enough) may run it. */
        public boolean runsOn(Optional<ComputeCapability> cc, Optional<DriverVersion> driver) {
            boolean ccOk = computeCapabilityFloor()
                    .map(floor -> cc.map(c -> c.atLeast(floor)).orElse(false))
                    .orElse(true);
            boolean driverOk = driverFloor()
                    .map(floor -> driver.map(d -> d.atLeast(floor)).orElse(true))
                    .orElse(true);
            return ccOk && driverOk;
        }
    }

    public Image image(Backend backend) {
        Image image = byBackend.get(backend);
        if (image == null) {
            throw new IllegalStateException("images.yaml has no image for backend " + backend.key());
        }
        return image;
    }

    public String reference(Backend backend) {
        return repository + ":" + image(backend).tag();
    }

    /**
     * The CUDA image for an NVIDIA GPU of this compute capability and driver (empty: unknown, assumed new enough): CUDA
     * 13 where both its floors hold, else CUDA 12 where its floors hold, else none — the node can run no CUDA image.
     */
    public Optional<Backend> cudaBackend(Optional<ComputeCapability> cc, Optional<DriverVersion> driver) {
        for (Backend b : List.of(Backend.CUDA13, Backend.CUDA12)) {
            if (image(b).runsOn(cc, driver)) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    /**
     * Why no CUDA image can start on a GPU of this compute capability (empty: unknown) with this driver (empty: unknown,
     * assumed new enough), and the fix; empty when {@link #cudaBackend} finds one. The one place that words it: the
     * inventory reader places it at the node, the backend selector refuses with it.
     *
     * @param gpu the GPU's catalog id, for the message
     */
    public Optional<NoCudaImage> noCudaImage(
            String gpu, Optional<ComputeCapability> cc, Optional<DriverVersion> driver) {
        if (cudaBackend(cc, driver).isPresent()) {
            return Optional.empty();
        }
        List<String> unmet = new ArrayList<>();
        Optional<DriverVersion> upgrade = Optional.empty();
        for (Backend b : List.of(Backend.CUDA12, Backend.CUDA13)) {
            Image image = image(b);
            boolean ccOk = image.runsOn(cc, Optional.empty());
            List<String> needs = new ArrayList<>();
            if (!ccOk) {
                needs.add("compute capability ≥ " + image.minComputeCapability().orElse("?"));
            }
            if (!image.runsOn(image.computeCapabilityFloor(), driver)) {
                needs.add("driver ≥ " + image.minDriver().orElse("?"));
            }
            if (ccOk) {
                Optional<DriverVersion> floor = image.driverFloor();
                if (floor.isPresent()
                        && upgrade.map(u -> floor.get().compareTo(u) < 0).orElse(true)) {
                    upgrade = floor;
                }
            }
            unmet.add(image.tag() + " needs " + String.join(" and ", needs));
        }
        String problem = "NVIDIA driver " + driver.map(DriverVersion::toString).orElse("(not given)") + " with " + gpu
                + " (compute capability " + cc.map(ComputeCapability::toString).orElse("unknown")
                + ") can start no CUDA image: " + String.join(", ", unmet);
        String vulkan = "run the Vulkan image " + reference(Backend.VULKAN)
                + " on this node by hand (Prositronic plans NVIDIA GPUs on the CUDA images only)";
        String fix = upgrade.map(u -> "upgrade the NVIDIA driver to " + u + " or newer, or " + vulkan)
                .orElse("no CUDA image here is built for this GPU: " + vulkan);
        return Optional.of(new NoCudaImage(problem, fix));
    }

    /** Why no CUDA image runs on a node ({@code problem}: the driver, the GPU, each image's unmet floor) and the fix. */
    public record NoCudaImage(String problem, String fix) {}

    /** The driver floor of a backend's image, if it has one. */
    public Optional<DriverVersion> minDriver(Backend backend) {
        return image(backend).driverFloor();
    }
}
