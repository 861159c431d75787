package eu.prositronic.core.problem;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProblemTest {
    static String format(String value, String message, String fix) {
        return new Problem(Path.of("inventory.yaml"), 3, 9, "nodes[0].ram", value, message, fix).format();
    }

    @Test
    void aMessageThatNamesTheValueDoesNotRepeatIt() {
        assertThat(format("nvidia-rtx-3090", "unknown GPU `nvidia-rtx-3090`", "perhaps you meant `nvidia-rtx3090`"))
                .isEqualTo("inventory.yaml:3:9: nodes[0].ram: unknown GPU `nvidia-rtx-3090`; perhaps you meant"
                        + " `nvidia-rtx3090`");
    }

    @Test
    void aMessageThatDoesNotNameTheValueGetsItOnce() {
        assertThat(format("64", "less than 1 GiB of RAM", "write the unit, e.g. 64GiB"))
                .isEqualTo("inventory.yaml:3:9: nodes[0].ram: less than 1 GiB of RAM (found `64`); write the unit,"
                        + " e.g. 64GiB");
    }

    @Test
    void aValueInsideALargerWordIsNotNamed() {
        assertThat(format("1", "ubatchSize 128 is larger than batchSize 64", null))
                .endsWith("(found `1`)");
        assertThat(format("4096", "ubatchSize 4096 is larger than batchSize 2048", null))
                .isEqualTo("inventory.yaml:3:9: nodes[0].ram: ubatchSize 4096 is larger than batchSize 2048");
    }

    @Test
    void lineBreaksAndInvisibleCharactersAreShownEscaped() {
        assertThat(format("64GiB\nx", "not a size", null)).endsWith("not a size (found `64GiB\\nx`)");
        assertThat(format(
                        "nvidia\u200Brtx3090",
                        "unknown GPU `nvidia\u200Brtx3090`",
                        "or add hardware/nvidia\u200Brtx3090.yaml"))
                .isEqualTo("inventory.yaml:3:9: nodes[0].ram: unknown GPU `nvidia\\u200Brtx3090`; or add"
                        + " hardware/nvidia\\u200Brtx3090.yaml");
        assertThat(format("a\u00A0b\tc", "bad", null)).endsWith("(found `a\\u00A0b\\tc`)");
        assertThat(format("grüße", "bad", null)).as("visible non-ASCII stays").endsWith("(found `grüße`)");
    }

    @Test
    void anEmptyValueIsSaidInWords() {
        assertThat(format("", "a size is required", null)).endsWith("a size is required (found an empty value)");
    }

    @Test
    void noValueNoFoundClause() {
        assertThat(new Problem(null, 0, 0, "", null, "no nodes", "add one").format())
                .isEqualTo("<input>: no nodes; add one");
    }
}
