package eu.prositronic.core.catalog;

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

    /** The driver floor of a backend's image, if it has one. */
    public Optional<DriverVersion> minDriver(Backend backend) {
        return image(backend).driverFloor();
    }
}
