package eu.prositronic.core.units;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.prositronic.core.problem.Suggestions;
import org.junit.jupiter.api.Test;

class BytesTest {
    @Test
    void parsesBinaryAndDecimalUnits() {
        assertThat(Bytes.parse("64GiB").value()).isEqualTo(64L << 30);
        assertThat(Bytes.parse("64GB").value()).isEqualTo(64_000_000_000L);
        assertThat(Bytes.parse("512 MiB").value()).isEqualTo(512L << 20);
        assertThat(Bytes.parse("1.5TiB").value()).isEqualTo(3L << 39);
        assertThat(Bytes.parse("1024").value()).isEqualTo(1024);
        assertThat(Bytes.parse("2KB").value()).isEqualTo(2000);
    }

    @Test
    void rejectsUnknownUnitsWithTheAcceptedForms() {
        assertThatThrownBy(() -> Bytes.parse("64G")).hasMessageContaining("64GiB");
        assertThatThrownBy(() -> Bytes.parse("lots")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void printsKubernetesQuantitiesRoundedUpToMiB() {
        assertThat(Bytes.ofGiB(6).kubernetesQuantity()).isEqualTo("6Gi");
        assertThat(Bytes.of(Bytes.MIB + 1).kubernetesQuantity()).isEqualTo("2Mi");
    }

    @Test
    void suggestsTheClosestName() {
        assertThat(Suggestions.fix("nvidia-rtx-3090", java.util.List.of("nvidia-rtx3090", "nvidia-rtx4090")))
                .isEqualTo("perhaps you meant `nvidia-rtx3090`");
        assertThat(Suggestions.fix("zzz", java.util.List.of("b", "a"))).isEqualTo("valid values: a, b");
    }
}
