package eu.prositronic.core.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Named cases of {@link BlockYaml}: the styles it chooses, the fold, and what it leaves to YAMLGenerator. */
class BlockYamlTest {
    private static final String LONG = "memory from the Prositronic fit engine; speed is a calibrated estimate of the"
            + " tokens per second on this node";

    @Test
    void everyScalarStyleAndTheFoldAreYamlGeneratorsBytes() throws Exception {
        Map<String, Object> doc = new LinkedHashMap<>();
        String[] values = {
            "plain",
            "a: b",
            "a:b",
            "#x",
            "x #y",
            "x#y",
            "'q'",
            "\"q\"",
            "-",
            "- x",
            "-x",
            "?",
            "? x",
            "0123",
            "0_1",
            "1_000",
            "0x1F",
            "1e3",
            ".5",
            "+1",
            "1.",
            "yes",
            "No",
            "on",
            "OFF",
            "y",
            "null",
            "~",
            "~x",
            "",
            " lead",
            "trail ",
            "multi\nline",
            "multi\nline\n",
            "\n",
            "\n\nx\n\n",
            " x\ny",
            "tab\there",
            "cr\rhere",
            "é ü",
            "😀",
            "\u00a0",
            "\ufeff",
            "\u007f",
            "\u0007",
            "---",
            "...x",
            "[x]",
            "{x}",
            "a,b",
            "&a",
            "*a",
            "!a",
            "|",
            ">",
            "%",
            "@",
            "`",
            LONG,
            LONG.replace(' ', ','),
            LONG + "\t",
            " " + LONG,
            LONG.replace("of the", "of  the")
        };
        for (int i = 0; i < values.length; i++) {
            doc.put("k" + i, values[i]);
        }
        doc.put("numbers", List.of(1, -2L, 3.5, 1e20, Double.NaN, 0.1f));
        doc.put("flags", List.of(true, false));
        doc.put("none", null);
        doc.put("empty", Map.of());
        doc.put("nothing", List.of());
        doc.put("nested", List.of(List.of("a", List.of()), Map.of("x", List.of(Map.of("y", LONG)))));
        Map<String, Object> keys = new LinkedHashMap<>();
        for (String k : new String[] {"1", "-x", ".x", "true", "y", "a b", "a: b", "#k", "k\tv", "é", "'k'"}) {
            keys.put(k, k);
        }
        doc.put("keys", keys);
        String fast = Serializers.blockYaml(doc);
        assertThat(fast).isEqualTo(Serializers.jacksonYaml(doc));
        assertThat(fast)
                .contains(
                        "k1: \"a: b\"\n",
                        "k2: a:b\n",
                        "k6: '''q'''\n",
                        "k13: \"0123\"\n",
                        "k14: '0_1'\n",
                        "k21: \"yes\"\n")
                .contains("k32: |-\n  multi\n  line\n", "empty: {}\n", "nothing: []\n", "  - true\n");
    }

    @Test
    void aRootScalarIsLeftToYamlGenerator() {
        assertThatThrownBy(() -> Serializers.blockYaml("x")).isInstanceOf(BlockYaml.Unsupported.class);
        assertThat(Serializers.yaml("x")).isEqualTo(Serializers.jacksonYaml("x"));
    }

    @Test
    void keysSnakeYamlWouldWriteAsComplexKeysAreLeftToYamlGenerator() {
        for (String key : new String[] {"", "k".repeat(128), "two\nlines"}) {
            Map<String, Object> doc = Map.of(key, "v");
            assertThatThrownBy(() -> Serializers.blockYaml(doc)).isInstanceOf(BlockYaml.Unsupported.class);
            assertThat(Serializers.yaml(doc)).isEqualTo(Serializers.jacksonYaml(doc));
        }
    }

    @Test
    void stringsWithNelLsPsOrALoneSurrogateAreLeftToYamlGenerator() {
        for (String s : new String[] {"a\u0085b", "a\u2028b", "a\u2029", "\ud800x", "x\udc00"}) {
            Map<String, Object> doc = Map.of("k", s);
            assertThatThrownBy(() -> Serializers.blockYaml(doc)).isInstanceOf(BlockYaml.Unsupported.class);
            assertThat(Serializers.yaml(doc)).isEqualTo(Serializers.jacksonYaml(doc));
        }
    }

    @Test
    void aDocumentDeeperThanYamlGeneratorAllowsFailsTheSameWay() {
        List<Object> deep = new ArrayList<>();
        List<Object> at = deep;
        for (int i = 0; i < 1100; i++) {
            List<Object> next = new ArrayList<>();
            at.add(next);
            at = next;
        }
        assertThatThrownBy(() -> Serializers.jacksonYaml(deep)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Serializers.yaml(deep)).isInstanceOf(IllegalStateException.class);
    }
}
