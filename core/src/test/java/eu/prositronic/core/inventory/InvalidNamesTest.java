package eu.prositronic.core.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import eu.prositronic.core.problem.Problem;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** After an invalid name nothing is invented: no duplicate of a placeholder, no suggestion that is itself refused. */
class InvalidNamesTest {
    static final String TWO_NODES = """
            cluster: {name: homelab, namespace: llm}
            nodes:
              - name: NAME_A
                address: 192.168.1.21
                ram: 64GiB
                cpu: {cores: 16}
              - name: NAME_B
                address: 192.168.1.22
                ram: 64GiB
                cpu: {cores: 16}
            deployments:
              - name: DEP_A
                model: qwen3-5-4b
                quant: Q4_K_M
                node: NODE_A
                port: 8080
              - name: DEP_B
                model: qwen3-5-4b
                quant: Q4_K_M
                node: NODE_B
                port: 8080
            """;

    static List<String> formatted(String yaml) {
        return HostileInputTest.problems(yaml).stream().map(Problem::format).toList();
    }

    @Test
    void twoInvalidNodeAndDeploymentNamesAreFourProblemsAndNoInventedDuplicate() {
        List<String> problems = formatted(TWO_NODES
                .replace("NAME_A", "GPU_01")
                .replace("NAME_B", "GPU 02")
                .replace("NODE_A", "GPU_01")
                .replace("NODE_B", "GPU 02")
                .replace("DEP_A", "Chat_A")
                .replace("DEP_B", "Chat B"));
        assertThat(problems).hasSize(4).noneMatch(p -> p.contains("a second")).noneMatch(p -> p.contains("unknown"));
    }

    @Test
    void twoNodesWithoutANameAreNotTwoNodesNamedNode() {
        List<String> problems = formatted(TWO_NODES
                .replace("  - name: NAME_A\n    address", "  - address")
                .replace("  - name: NAME_B\n    address", "  - address")
                .replace("NODE_A", "gpu-01")
                .replace("NODE_B", "gpu-02")
                .replace("DEP_A", "chat-a")
                .replace("DEP_B", "chat-b"));
        assertThat(problems).noneMatch(p -> p.contains("a second node"));
        assertThat(problems).filteredOn(p -> p.contains("missing key `name`")).hasSize(2);
    }

    @Test
    void aHomoglyphOfGpu01IsNotCalledCpu01() {
        List<String> problems = formatted(TWO_NODES
                .replace("NAME_A", "gpu-01")
                .replace("NAME_B", "cpu-01")
                .replace("NODE_A", "\u0261pu-01")
                .replace("NODE_B", "cpu-01")
                .replace("DEP_A", "chat-a")
                .replace("DEP_B", "chat-b"));
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0)).contains("perhaps you meant `gpu-01`").doesNotContain("`cpu-01`");
    }

    static final Pattern PERHAPS = Pattern.compile("perhaps `([^`]*)`");

    @Test
    void everySuggestedNameIsOneTheLoaderAccepts() {
        for (String bad : List.of("7B_Chat", "X".repeat(70), "--", "Ünïcödé-näme", "0-1", "a".repeat(60) + "_b")) {
            List<String> problems = formatted(TWO_NODES
                    .replace("NAME_A", "gpu-01")
                    .replace("NAME_B", "gpu-02")
                    .replace("NODE_A", "gpu-01")
                    .replace("NODE_B", "gpu-02")
                    .replace("DEP_A", "\"" + bad + "\"")
                    .replace("DEP_B", "chat-b"));
            assertThat(problems).as(bad).hasSize(1);
            Matcher m = PERHAPS.matcher(problems.get(0));
            assertThat(m.find()).as(problems.get(0)).isTrue();
            String suggested = m.group(1);
            assertThat(Labels.accepted(suggested, Labels.HELM_RELEASE_NAME_MAX, true))
                    .as(bad + " -> " + suggested)
                    .isTrue();
            // and the suggestion, applied, loads
            String fixed = TWO_NODES
                    .replace("NAME_A", "gpu-01")
                    .replace("NAME_B", "gpu-02")
                    .replace("NODE_A", "gpu-01")
                    .replace("NODE_B", "gpu-02")
                    .replace("DEP_A", suggested.equals("chat-b") ? "chat-c" : suggested)
                    .replace("DEP_B", "chat-b");
            org.assertj.core.api.Assertions.assertThatCode(() -> eu.prositronic.TestSupport.inventory(fixed))
                    .as(bad + " -> " + suggested)
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void aPortClashAtTheTopSuggestsAPortThatExists() {
        List<String> problems = formatted(TWO_NODES
                .replace("NAME_A", "gpu-01")
                .replace("NAME_B", "gpu-02")
                .replace("NODE_A", "gpu-01")
                .replace("NODE_B", "gpu-01")
                .replace("DEP_A", "chat-a")
                .replace("DEP_B", "chat-b")
                .replace("port: 8080", "port: 65535"));
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0))
                .contains("already used")
                .contains("e.g. 1024")
                .doesNotContain("65536");
    }
}
