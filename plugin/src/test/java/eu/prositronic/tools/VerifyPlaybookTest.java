package eu.prositronic.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import eu.prositronic.TestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code prositronic.infra.verify} run for real by ansible-playbook on this machine (connection local) against the
 * generated example, in its recorded mode: no llama-server container and no GPU here, so the role is handed a log
 * and nvidia-smi readings (core/src/test/resources/verify, see the README there) in place of the live load. It
 * installs the checker and the plan on the node, runs it, fetches verify/<deployment>.json next to plan.json and
 * fails the play when a part is off. The live load (container start, /health, nvidia-smi) has not run here.
 */
@Tag("tool")
class VerifyPlaybookTest {
    static final Path FIXTURES = TestSupport.repoRoot().resolve("core/src/test/resources/verify");

    @TempDir
    static Path out;

    static Path ansible;

    @BeforeAll
    static void generate() throws Exception {
        // the verify role loads what llama_server runs: every node served by systemd
        ansible = GeneratedExample.writeSystemdServedTo(out.resolve("prositronic"))
                .dir()
                .resolve("ansible");
    }

    static ExternalTool.Run verify(Path node, String... extra) {
        // the example's chat loads its vision projector: the composed log with the projector's lines of a public
        // log, and the reading after the load with it
        String recorded = "{\"verify_recorded\": {\"chat\": {\"log\": \""
                + FIXTURES.resolve("composed-cuda-qwen35-4b-rtx3090-vision.log") + "\", \"gpu_before\": \""
                + FIXTURES.resolve("smi-rtx3090-before.csv") + "\", \"gpu_after\": \""
                + FIXTURES.resolve("smi-rtx3090-after-vision.csv")
                + "\"}}}";
        List<String> cmd = new ArrayList<>(List.of(
                "ansible-playbook",
                "-i",
                "inventory.yml",
                "prositronic.infra.verify",
                "--limit",
                "gpu-01",
                "-e",
                "ansible_connection=local",
                "-e",
                "ansible_become=false",
                "-e",
                "ansible_python_interpreter=python3",
                "-e",
                "verify_work_dir=" + node,
                "-e",
                recorded));
        cmd.addAll(List.of(extra));
        return ExternalTool.run(
                ansible, Map.of("ANSIBLE_COLLECTIONS_PATH", ansible.toString()), cmd.toArray(String[]::new));
    }

    @Test
    void thePlaybookPassesTheSyntaxCheck() {
        ExternalTool.Run r = ExternalTool.run(
                ansible,
                Map.of("ANSIBLE_COLLECTIONS_PATH", ansible.toString()),
                "ansible-playbook",
                "-i",
                "inventory.yml",
                "prositronic.infra.verify",
                "--syntax-check");
        assertThat(r.exitCode()).as(r.output()).isZero();
    }

    @Test
    void aRunThatMatchesItsPlanWritesTheVerifyFileOnTheController(@TempDir Path node) throws Exception {
        ExternalTool.Run r = verify(node);
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output())
                .contains("Every verified deployment matches its plan.")
                .contains("PASS chat: wrote");
        JsonNode written = new ObjectMapper()
                .readTree(ansible.resolve("../verify/chat.json").normalize().toFile());
        assertThat(written.path("pass").asBoolean()).isTrue();
        assertThat(written.path("devices").get(0).path("id").asText()).isEqualTo("nvidia-rtx3090:0");
        assertThat(written.path("devices").get(0).path("gpuUsedAfterBytes").asLong())
                .isEqualTo(13365L << 20);
    }

    @Test
    void aPartOffItsPlanByFourPercentFailsThePlay(@TempDir Path node) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode plan = (ObjectNode)
                mapper.readTree(ansible.resolve("../plan.json").normalize().toFile());
        for (JsonNode d : plan.path("deployments")) {
            if (d.path("name").asText().equals("chat")) {
                ObjectNode gpu = (ObjectNode) d.path("memory").path("devices").get(0);
                gpu.put("kvCacheBytes", gpu.path("kvCacheBytes").asLong() * 100 / 104);
            }
        }
        Path off = node.resolve("plan-off.json");
        Files.createDirectories(node);
        mapper.writeValue(off.toFile(), plan);
        Path results = node.resolve("results");
        ExternalTool.Run r =
                verify(node.resolve("work"), "-e", "verify_plan_file=" + off, "-e", "verify_output_dir=" + results);
        assertThat(r.exitCode()).as(r.output()).isNotZero();
        assertThat(r.output()).contains("chat differ from the plan by more than 3 % or 256 MiB in at least one part");
        JsonNode written = mapper.readTree(results.resolve("chat.json").toFile());
        assertThat(written.path("pass").asBoolean()).isFalse();
        assertThat(written.path("devices")
                        .get(0)
                        .path("parts")
                        .get(1)
                        .path("differencePercent")
                        .asDouble())
                .isEqualTo(4.0);
    }
}
