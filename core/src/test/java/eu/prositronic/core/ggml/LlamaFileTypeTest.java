package eu.prositronic.core.ggml;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LlamaFileTypeTest {
    @Test
    void idsAreThoseOfLlamaH() {
        assertThat(LlamaFileType.fromId(15)).contains(LlamaFileType.Q4_K_M);
        assertThat(LlamaFileType.fromId(7)).contains(LlamaFileType.Q8_0);
        assertThat(LlamaFileType.fromId(38)).contains(LlamaFileType.MXFP4);
        assertThat(LlamaFileType.fromId(4)).as("removed upstream").isEmpty();
        assertThat(LlamaFileType.Q4_K_M.defaultType()).contains(GgmlType.Q4_K);
        assertThat(LlamaFileType.IQ2_S.defaultType()).contains(GgmlType.IQ2_XS);
    }

    @Test
    void aUniformFileHasTheOneFileTypeOfItsWeightsOrIsGuessed() {
        assertThat(LlamaFileType.uniform(GgmlType.Q8_0)).isEqualTo(LlamaFileType.Q8_0);
        assertThat(LlamaFileType.uniform(GgmlType.F32).id()).isZero();
        assertThat(LlamaFileType.uniform(GgmlType.BF16).id()).isEqualTo(32);
        assertThat(LlamaFileType.uniform(GgmlType.Q4_K)).as("Q4_K_S or Q4_K_M").isEqualTo(LlamaFileType.GUESSED);
        assertThat(LlamaFileType.uniform(GgmlType.I32)).isEqualTo(LlamaFileType.GUESSED);
    }
}
