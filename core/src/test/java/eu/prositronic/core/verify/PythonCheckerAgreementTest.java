package eu.prositronic.core.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import eu.prositronic.TestSupport;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Python checker the verify role ships to nodes and this Java reference give the same verify file and exit
 * status on the same inputs. Needs python3 (every Ansible node and CI runner has it); fails, never skips, without it.
 */
@Tag("tool")
class PythonCheckerAgreementTest {
    static final Path SCRIPT = TestSupport.repoRoot().resolve("playbooks/roles/verify/files/prositronic_verify.py");

    @ParameterizedTest(name = "{0} against {1} (kv scaled by {2}/100, smi {3})")
    @CsvSource({
        "chat, composed-cuda-qwen35-4b-rtx3090.log, 100, true",
        "chat, composed-cuda-qwen35-4b-rtx3090.log, 96, true",
        "chat, composed-cuda-qwen35-4b-rtx3090.log, 99, false",
        "cpu-chat, composed-cuda-qwen35-4b-rtx3090.log, 100, false",
        "cpu-small, node-llama-cpp-qwen35-0.8B-q8_0-cpu.log, 100, false",
        "chat, composed-cuda-qwen35-4b-rtx3090-vision.log, 100, false",
        "chat-with-vision, composed-cuda-qwen35-4b-rtx3090-vision.log, 100, false",
        "chat, composed-cuda-qwen35-4b-rtx3090-draft.log, 100, false",
    })
    void bothCheckersWriteTheSameVerifyFile(
            String deployment, String log, int kvPercent, boolean smi, @TempDir Path dir) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode plan = (ObjectNode) mapper.readTree(VerifierTest.PLAN.toFile());
        if (deployment.equals("chat-with-vision")) {
            // the chat deployment with its vision projector on GPU 0, as VerifierTest#chatWithVision
            deployment = "chat";
            for (JsonNode d : plan.path("deployments")) {
                if (d.path("name").asText().equals("chat")) {
                    ObjectNode gpu =
                            (ObjectNode) d.path("memory").path("devices").get(0);
                    gpu.put("projectorWeightsBytes", 672_423_616L);
                    gpu.put("projectorComputeBytes", 234_148_096L);
                }
            }
        }
        for (JsonNode d : plan.path("deployments")) {
            for (JsonNode dev : d.path("memory").path("devices")) {
                ((ObjectNode) dev).put("kvCacheBytes", dev.path("kvCacheBytes").asLong() * kvPercent / 100);
            }
        }
        Path planFile = dir.resolve("plan.json");
        mapper.writeValue(planFile.toFile(), plan);
        List<String> args = new ArrayList<>(List.of(
                "--plan",
                planFile.toString(),
                "--deployment",
                deployment,
                "--log",
                VerifierTest.FIXTURES.resolve(log).toString()));
        if (smi) {
            args.addAll(List.of(
                    "--gpu-before",
                    VerifierTest.SMI_BEFORE.toString(),
                    "--gpu-after",
                    VerifierTest.SMI_AFTER.toString()));
        }
        List<String> java = new ArrayList<>(args);
        java.addAll(List.of("--out", dir.resolve("java").toString()));
        int javaRc = VerifyMain.run(
                java.toArray(String[]::new),
                new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()));

        List<String> py = new ArrayList<>(List.of(python(), SCRIPT.toString()));
        py.addAll(args);
        py.addAll(List.of("--out", dir.resolve("py").toString()));
        Process p = new ProcessBuilder(py).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(javaRc);

        JsonNode fromJava = mapper.readTree(
                dir.resolve("java").resolve(deployment + ".json").toFile());
        JsonNode fromPython =
                mapper.readTree(dir.resolve("py").resolve(deployment + ".json").toFile());
        assertThat(fromPython).isEqualTo(fromJava);
        assertThat(fromJava.path("devices").size()).isPositive();
    }

    static String python() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(d, "python3");
            if (!d.isEmpty() && Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return fail("python3 is not installed; run scripts/install-test-tools.sh (it installs python3 with ansible)");
    }
}
