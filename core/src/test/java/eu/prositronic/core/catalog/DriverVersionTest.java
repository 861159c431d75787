package eu.prositronic.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class DriverVersionTest {
    static DriverVersion v(String s) {
        return DriverVersion.parse(s);
    }

    @Test
    void comparesEveryPartAsANumber() {
        assertThat(v("580.10.02")).isLessThan(v("580.65.06"));
        assertThat(v("580.65.06")).isLessThan(v("580.82.07"));
        assertThat(v("575.99.99")).isLessThan(v("580.0"));
        assertThat(v("580.9")).as("9 < 10, not '9' > '1'").isLessThan(v("580.10"));
        assertThat(v("580.65")).isEqualByComparingTo(v("580.65.0"));
        assertThat(v("580.65.06")).isEqualTo(v("580.65.6")).hasSameHashCodeAs(v("580.65.6"));
    }

    @Test
    void keepsTheTextAsWritten() {
        assertThat(v("580.65.06")).hasToString("580.65.06");
    }

    @Test
    void rejectsWhatIsNotAVersionAndPartsThatOverflow() {
        assertThatThrownBy(() -> v("580")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> v("580.65.06.1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> v("580.x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> v("580.99999999999"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too large");
    }

    @Test
    void anImageWithABadFloorIsRejectedWhenItIsMade() {
        assertThatThrownBy(() -> new Images.Image("t", Optional.of("580.x"), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Images.Image("t", Optional.empty(), Optional.of("75")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void computeCapabilitiesCompareByMajorThenMinor() {
        assertThat(ComputeCapability.parse("6.1")).isLessThan(ComputeCapability.parse("7.5"));
        assertThat(ComputeCapability.parse("10.0")).isGreaterThan(ComputeCapability.parse("9.0"));
        assertThat(ComputeCapability.parse("12.0")).isGreaterThan(ComputeCapability.parse("8.9"));
    }
}
