package eu.prositronic.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Ansible checks the generated collection, inventory and host variables the way an operator runs them. The
 * output is in a temporary folder outside any git work tree: ansible-lint finds its files through git and would lint
 * nothing inside an ignored target/ folder.
 */
@Tag("tool") // drives the real ansible-playbook, ansible-lint and yamllint: run by scripts/test, not by a plain mvn
// test
class AnsibleCollectionTest {
    @TempDir
    static Path out;

    static Path ansible;

    @BeforeAll
    static void generate() throws Exception {
        ansible = GeneratedExample.writeTo(out.resolve("prositronic")).dir().resolve("ansible");
    }

    @Test
    void theCollectionPassesAnsibleLintInTheProductionProfile() {
        Path collection = ansible.resolve("ansible_collections/prositronic/infra");
        ExternalTool.Run r = ExternalTool.run(collection, Map.of("GIT_DIR", "/nonexistent"), "ansible-lint");
        assertThat(r.exitCode()).as(r.output()).isZero();
        Matcher m = Pattern.compile(
                        "Passed with production profile: 0 failure\\(s\\), 0 warning\\(s\\) on (\\d+) files")
                .matcher(r.output());
        assertThat(m.find()).as(r.output()).isTrue();
        assertThat(Integer.parseInt(m.group(1))).as("files linted").isGreaterThan(20);
    }

    @Test
    void everyPlaybookPassesTheSyntaxCheckWithTheGeneratedInventory() {
        for (String playbook : new String[] {"site", "nvidia_container_toolkit", "llama_server"}) {
            ExternalTool.Run r = playbook(playbook, "--syntax-check");
            assertThat(r.exitCode()).as(playbook + "\n" + r.output()).isZero();
        }
    }

    @Test
    void theGeneratedHostVariablesMatchTheRolesArgumentSpecs() {
        ExternalTool.Run r = playbook("validate_inventory");
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("failed=0");
        assertThat(r.output()).containsPattern("gpu-01\\s+: ok=\\d+");
    }

    /**
     * The operator's own layer can break what the generator guarantees: validate_inventory catches two instances on
     * one port, an image that is not pinned and a host Ansible cannot reach, each with the node and the fix.
     */
    @Test
    void validateInventoryCatchesDuplicatePortsUnpinnedImagesAndMissingConnections() throws Exception {
        Path ops = out.resolve("ops");
        java.nio.file.Files.createDirectories(ops.resolve("host_vars"));
        java.nio.file.Files.writeString(
                ops.resolve("hosts.yml"), "---\nall:\n  hosts:\n    stray: {prositronic_node_name: stray}\n");
        String model = "{id: m, hugging_face_repo: o/r, file: f.gguf, size_bytes: 1, sha256: \"\"}";
        java.nio.file.Files.writeString(
                ops.resolve("host_vars/cpu-01.yml"),
                "---\nllama_server_instances:\n"
                        + "  - {name: a, image: \"ghcr.io/ggml-org/llama.cpp:server\", backend: cpu, port: 8080, model: "
                        + model + "}\n"
                        + "  - {name: b, image: \"ghcr.io/ggml-org/llama.cpp:server-b1234\", backend: cpu, port: 8080,"
                        + " model: " + model + "}\n");
        ExternalTool.Run r = playbook("validate_inventory", "-i", ops.toString());
        assertThat(r.exitCode()).as(r.output()).isNotZero();
        assertThat(r.output())
                .contains("stray has no connection settings")
                .contains("two instances share a port (ports 8080, 8080)")
                .contains("images not pinned to a llama.cpp build tag")
                .contains("ghcr.io/ggml-org/llama.cpp:server ");
    }

    @Test
    void theGeneratedInventoryIsCleanYaml() {
        ExternalTool.Run r = ExternalTool.run(
                ansible,
                "yamllint",
                "-s",
                "-c",
                "ansible_collections/prositronic/infra/.yamllint",
                "inventory.yml",
                "host_vars");
        assertThat(r.exitCode()).as(r.output()).isZero();
    }

    /** {@code ansible-playbook -i inventory.yml prositronic.infra.<name>} as an operator runs it from the output. */
    static ExternalTool.Run playbook(String name, String... extra) {
        java.util.List<String> command = new java.util.ArrayList<>(
                java.util.List.of("ansible-playbook", "-i", "inventory.yml", "prositronic.infra." + name));
        command.addAll(java.util.List.of(extra));
        return ExternalTool.run(
                ansible, Map.of("ANSIBLE_COLLECTIONS_PATH", ansible.toString()), command.toArray(String[]::new));
    }
}
