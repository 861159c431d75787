package eu.prositronic.core.problem;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Suggestions never invent: a homoglyph is its original, a tie suggests nothing, an empty list says so. */
class SuggestionsTest {
    @Test
    void aHomoglyphOfGpu01IsGpu01NotCpu01() {
        // U+0261 LATIN SMALL LETTER SCRIPT G, and a Cyrillic р (U+0440)
        assertThat(Suggestions.closest("\u0261pu-01", List.of("cpu-01", "gpu-01")))
                .contains("gpu-01");
        assertThat(Suggestions.closest("g\u0440u-01", List.of("cpu-01", "gpu-01")))
                .contains("gpu-01");
        assertThat(Suggestions.closest("gpu\u200b-01", List.of("cpu-01", "gpu-01")))
                .contains("gpu-01");
    }

    @Test
    void twoEquallyCloseNamesSuggestNeither() {
        assertThat(Suggestions.closest("hpu-01", List.of("cpu-01", "gpu-01"))).isEmpty();
    }

    @Test
    void anEmptyListIsNotValidValuesColonNothing() {
        assertThat(Suggestions.fix("x", List.of()))
                .doesNotContain("valid values")
                .isNotBlank();
    }

    @Test
    void aBlankNameIsNeitherSuggestedNorListed() {
        assertThat(Suggestions.closest("a", List.of("", " ", "gpu-01"))).isEmpty();
        assertThat(Suggestions.fix("node-0", List.of("", "gpu-01"))).isEqualTo("valid values: gpu-01");
        assertThat(Suggestions.fix("node-0", List.of("", " ")))
                .doesNotContain("valid values")
                .isNotBlank();
    }

    @Test
    void aLongListIsCut() {
        List<String> many = java.util.stream.IntStream.range(0, 1000)
                .mapToObj(i -> "node-" + i)
                .toList();
        assertThat(Suggestions.fix("zzzzzzzzzzzz", many)).contains("(975 more)");
    }
}
