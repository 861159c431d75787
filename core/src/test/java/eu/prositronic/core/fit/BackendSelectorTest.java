package eu.prositronic.core.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.prositronic.TestSupport;
import eu.prositronic.core.catalog.Backend;
import eu.prositronic.core.catalog.DriverVersion;
import eu.prositronic.core.catalog.Hardware;
import eu.prositronic.core.catalog.Images;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackendSelectorTest {
    static final Images IMAGES = TestSupport.catalog().images();

    static List<Hardware> gpu(String... ids) {
        return Arrays.stream(ids)
                .map(id -> TestSupport.catalog().hardware(id).orElseThrow())
                .toList();
    }

    static Optional<DriverVersion> driver(String v) {
        return Optional.of(DriverVersion.parse(v));
    }

    @Test
    void aDriverOfTheRightMajorBelowTheCuda13FloorGetsCuda12() {
        assertThat(BackendSelector.select(gpu("nvidia-rtx3090"), driver("580.10.02"), IMAGES))
                .isEqualTo(Backend.CUDA12);
    }

    @Test
    void theCuda13DriverFloorItselfGetsCuda13() {
        assertThat(BackendSelector.select(gpu("nvidia-rtx3090"), driver("580.65.06"), IMAGES))
                .isEqualTo(Backend.CUDA13);
        assertThat(BackendSelector.select(gpu("nvidia-rtx3090"), driver("580.65.6"), IMAGES))
                .isEqualTo(Backend.CUDA13);
    }

    @Test
    void anUnknownDriverIsAssumedNewEnough() {
        assertThat(BackendSelector.select(gpu("nvidia-rtx3090"), Optional.empty(), IMAGES))
                .isEqualTo(Backend.CUDA13);
    }

    @Test
    void aPascalCardGetsCuda12WhateverTheDriver() {
        assertThat(gpu("nvidia-gtx1080ti").get(0).computeCapability()).contains("6.1");
        assertThat(BackendSelector.select(gpu("nvidia-gtx1080ti"), driver("590.44.01"), IMAGES))
                .isEqualTo(Backend.CUDA12);
        assertThat(BackendSelector.select(gpu("nvidia-gtx1080ti"), Optional.empty(), IMAGES))
                .isEqualTo(Backend.CUDA12);
    }

    @Test
    void theFloorsComeFromImagesYamlNotFromCode() {
        Map<Backend, Images.Image> byBackend = new EnumMap<>(IMAGES.byBackend());
        byBackend.put(Backend.CUDA13, new Images.Image("server-cuda13-b1", Optional.of("590.1"), Optional.of("9.0")));
        Images stricter = new Images(IMAGES.repository(), IMAGES.build(), IMAGES.source(), byBackend);
        assertThat(BackendSelector.select(gpu("nvidia-rtx3090"), driver("580.65.06"), stricter))
                .as("CC 8.6 is below a floor of 9.0")
                .isEqualTo(Backend.CUDA12);
        assertThat(BackendSelector.select(gpu("nvidia-h100-80gb"), driver("580.65.06"), stricter))
                .as("driver below a floor of 590.1")
                .isEqualTo(Backend.CUDA12);
        assertThat(BackendSelector.select(gpu("nvidia-h100-80gb"), driver("590.1.0"), stricter))
                .isEqualTo(Backend.CUDA13);
    }

    @Test
    void aNodeOfMixedNvidiaGpusGetsTheImageItsLowestComputeCapabilityStarts() {
        assertThat(BackendSelector.select(gpu("nvidia-rtx5090"), driver("590.44.01"), IMAGES))
                .isEqualTo(Backend.CUDA13);
        assertThat(BackendSelector.select(gpu("nvidia-rtx5090", "nvidia-gtx1080ti"), driver("590.44.01"), IMAGES))
                .as("CC 6.1 is below the CUDA 13 image's 7.5, whichever card comes first")
                .isEqualTo(Backend.CUDA12);
        assertThat(BackendSelector.select(gpu("nvidia-gtx1080ti", "nvidia-rtx5090"), driver("590.44.01"), IMAGES))
                .isEqualTo(Backend.CUDA12);
        assertThat(BackendSelector.lowestComputeCapability(gpu("nvidia-rtx4090", "nvidia-v100-32gb", "nvidia-rtx3090")))
                .map(Object::toString)
                .contains("7.0");
    }

    @Test
    void otherVendorsAndCpu() {
        assertThat(BackendSelector.select(gpu("amd-rx7900xtx"), Optional.empty(), IMAGES))
                .isEqualTo(Backend.ROCM);
        assertThat(BackendSelector.select(List.of(), Optional.empty(), IMAGES)).isEqualTo(Backend.CPU);
    }

    @Test
    void theFloorsInImagesYamlAreTheDocumentedOnes() {
        assertThat(IMAGES.minDriver(Backend.CUDA13)).contains(DriverVersion.parse("580.65.06"));
        assertThat(IMAGES.image(Backend.CUDA13).minComputeCapability()).contains("7.5");
        assertThat(IMAGES.minDriver(Backend.CUDA12))
                .as("server-cuda images declare NVIDIA_REQUIRE_CUDA=cuda>=12.8: a 570 driver")
                .contains(DriverVersion.parse("570.26"));
    }

    @Test
    void a580_10DriverRunsTheCuda12ImageAndA550DriverNoCudaImage() {
        assertThat(IMAGES.cudaBackend(Optional.empty(), driver("580.10.02"))).contains(Backend.CUDA12);
        assertThat(IMAGES.cudaBackend(Optional.empty(), driver("550.54.15"))).isEmpty();
        assertThat(IMAGES.cudaBackend(Optional.empty(), driver("570.26"))).contains(Backend.CUDA12);
        assertThatThrownBy(() -> BackendSelector.select(gpu("nvidia-rtx3090"), driver("550.54.15"), IMAGES))
                .as("never an image the node cannot start")
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("550.54.15");
    }

    @Test
    void a580_10DriverWithAGpuOnlyTheCuda13ImageIsBuiltForGetsNoImageButTheDriverAndTheFix() {
        Map<Backend, Images.Image> byBackend = new EnumMap<>(IMAGES.byBackend());
        Images.Image cuda12 = IMAGES.image(Backend.CUDA12);
        byBackend.put(
                Backend.CUDA12,
                new Images.Image(
                        cuda12.tag(), cuda12.digest(), cuda12.minDriver(), Optional.of("8.0"), cuda12.source()));
        Images ampereCuda12 = new Images(IMAGES.repository(), IMAGES.build(), IMAGES.source(), byBackend);
        List<Hardware> t4 = gpu("nvidia-t4");
        var cc = t4.get(0).parsedComputeCapability();
        assertThat(ampereCuda12.cudaBackend(cc, driver("580.10.02"))).isEmpty();
        assertThat(ampereCuda12.noCudaImage("nvidia-t4", cc, driver("580.10.02")))
                .hasValueSatisfying(n -> {
                    assertThat(n.problem())
                            .contains("NVIDIA driver 580.10.02 with nvidia-t4 (compute capability 7.5)")
                            .contains("server-cuda-b11206 needs compute capability ≥ 8.0")
                            .contains("server-cuda13-b11206 needs driver ≥ 580.65.06");
                    assertThat(n.fix())
                            .contains("upgrade the NVIDIA driver to 580.65.06 or newer")
                            .contains("server-vulkan-b11382");
                });
        assertThatThrownBy(() -> BackendSelector.select(t4, driver("580.10.02"), ampereCuda12))
                .as("never an image the node cannot start")
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("580.10.02")
                .hasMessageContaining("upgrade the NVIDIA driver to 580.65.06");
        assertThat(BackendSelector.select(t4, driver("580.65.06"), ampereCuda12))
                .isEqualTo(Backend.CUDA13);
        assertThat(ampereCuda12.noCudaImage("nvidia-t4", cc, driver("580.65.06")))
                .isEmpty();
    }

    @Test
    void everyImageNamesItsBuildAndASource() {
        for (Backend b : Backend.values()) {
            Images.Image image = IMAGES.image(b);
            assertThat(image.tag()).as(b.key()).matches(".*-b[0-9]+");
            assertThat(image.source()).as(b.key()).isNotBlank();
            image.digest().ifPresent(d -> assertThat(d).matches("sha256:[0-9a-f]{64}"));
        }
    }
}
