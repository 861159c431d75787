package eu.prositronic.core.catalog;

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
     * @param minDriver the oldest NVIDIA driver the image runs on, e.g. {@code 580.65.06}
     * @param minComputeCapability the lowest NVIDIA compute capability the image is built for, e.g. {@code 7.5}
     */
    public record Image(String tag, Optional<String> minDriver, Optional<String> minComputeCapability) {
        public Image {
            minDriver.ifPresent(DriverVersion::parse);
            minComputeCapability.ifPresent(ComputeCapability::parse);
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

    /** The driver floor of a backend's image, if it has one. */
    public Optional<DriverVersion> minDriver(Backend backend) {
        return image(backend).driverFloor();
    }
}
