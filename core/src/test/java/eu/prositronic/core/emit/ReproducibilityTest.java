package eu.prositronic.core.emit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import eu.prositronic.TestSupport;
import eu.prositronic.core.Compiler;
import eu.prositronic.core.fit.Planner;
import eu.prositronic.core.inventory.Inventory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReproducibilityTest {
    static OutputTree emit() throws Exception {
        Inventory inv = TestSupport.exampleInventoryLoaded();
        return Compiler.emit(
                new EmitContext(Planner.plan(inv, TestSupport.catalog()), TestSupport.catalog(), inv.file(), "test"),
                s -> {});
    }

    @Test
    void theSameInputGivesTheSameBytes() throws Exception {
        OutputTree a = emit();
        OutputTree b = emit();
        assertThat(a.files().keySet()).isEqualTo(b.files().keySet());
        a.files()
                .forEach((path, bytes) ->
                        assertThat(b.files().get(path)).as(path).isEqualTo(bytes));
    }

    /**
     * Two separate JVMs, in different working folders, with different locales, time zones and default charsets (a
     * Turkish locale lower-cases `I` to a dotless `ı` and writes decimal commas), write byte-identical trees.
     */
    @Test
    @Tag("slow") // starts two JVMs: run by scripts/test and CI, not by a plain mvn test
    void twoProcessesWithDifferentLocalesTimeZonesAndFoldersWriteTheSameBytes(@TempDir Path tmp) throws Exception {
        Path a = compileInAnotherProcess(
                tmp.resolve("a"),
                Map.of("LANG", "C.UTF-8", "LC_ALL", "C.UTF-8", "TZ", "UTC"),
                List.of("-Duser.language=en", "-Duser.country=US", "-Duser.timezone=UTC", "-Dfile.encoding=UTF-8"));
        Path b = compileInAnotherProcess(
                tmp.resolve("b"),
                Map.of("LANG", "tr_TR.ISO-8859-9", "LC_ALL", "tr_TR.ISO-8859-9", "TZ", "Pacific/Kiritimati"),
                List.of(
                        "-Duser.language=tr",
                        "-Duser.country=TR",
                        "-Duser.timezone=Pacific/Kiritimati",
                        "-Dfile.encoding=ISO-8859-9"));
        Map<String, byte[]> treeA = tree(a);
        Map<String, byte[]> treeB = tree(b);
        assertThat(treeA).as("the example wrote files").containsKey("plan.json");
        assertThat(treeB.keySet()).isEqualTo(treeA.keySet());
        treeA.forEach((path, bytes) -> {
            assertThat(new String(treeB.get(path), StandardCharsets.UTF_8))
                    .as(path)
                    .isEqualTo(new String(bytes, StandardCharsets.UTF_8));
            assertThat(treeB.get(path)).as(path).isEqualTo(bytes);
        });
    }

    /** Runs {@link CompileInAnotherProcess} in {@code dir}/work, writing {@code dir}/out. */
    static Path compileInAnotherProcess(Path dir, Map<String, String> env, List<String> jvmArgs) throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Path out = dir.resolve("out");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-Dprositronic.repoRoot=" + TestSupport.repoRoot());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(CompileInAnotherProcess.class.getName());
        command.add(out.toAbsolutePath().toString());
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] log = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the process ends").isTrue();
        assertThat(p.exitValue()).as(new String(log, StandardCharsets.UTF_8)).isZero();
        return out;
    }

    static Map<String, byte[]> tree(Path root) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
            }
        }
        return files;
    }

    @Test
    void theOutputHoldsEveryContractedPath() throws Exception {
        OutputTree t = emit();
        assertThat(t.files())
                .containsKeys(
                        "plan.json",
                        "plan.schema.json",
                        "values/qwen3-5-4b/q5_k_m/nvidia-rtx3090.yaml",
                        "values/qwen3-5-4b/q3_k_m/cpu.yaml",
                        "values/qwen3-5-0-8b/q4_0/cpu.yaml",
                        "values/qwen3-5-27b/q4_k_m/nvidia-rtx4090.yaml",
                        "helmfile.yaml.gotmpl",
                        "charts/llama-server/Chart.yaml",
                        "charts/llama-server/values.schema.json",
                        "ansible/inventory.yml",
                        "ansible/host_vars/gpu-01.yml",
                        "ansible/ansible_collections/prositronic/infra/galaxy.yml",
                        "ansible/ansible_collections/prositronic/infra/playbooks/nvidia_container_toolkit.yml",
                        "report/index.md",
                        "report/chat.md",
                        "report/chat-memory.svg");
        List<String> timestamps = t.files().keySet().stream()
                .filter(p -> t.text(p).matches("(?s).*20\\d\\d-\\d\\d-\\d\\dT\\d\\d:\\d\\d.*"))
                .toList();
        assertThat(timestamps).as("no timestamps in generated files").isEmpty();
    }

    @Test
    void planJsonValidatesAgainstItsSchema() throws Exception {
        OutputTree t = emit();
        var schema =
                JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(t.text("plan.schema.json"));
        JsonNode plan = new ObjectMapper().readTree(t.text("plan.json"));
        assertThat(schema.validate(plan)).isEmpty();
        assertThat(plan.at("/deployments/0/memory/devices/0/kind").asText()).isEqualTo("gpu");
        assertThat(plan.at("/deployments/2/memory/devices").size())
                .as("CPU-only: one device")
                .isEqualTo(1);
    }

    @Test
    void aValuesFileIsTheCatalogPageOfItsPathAndTheDeploymentsOwnSettingsAreItsReleaseLayer() throws Exception {
        OutputTree t = emit();
        assertThat(t.text("values/qwen3-5-27b/q4_k_m/nvidia-rtx4090.yaml"))
                .as("the model x quant alone on the RTX 4090 with every setting at its default")
                .contains("fullnameOverride: qwen3-5-27b-q4-k-m")
                .contains("cacheTypeK: f16")
                .contains("port: 8080")
                .contains("metrics: false")
                .doesNotContain("enable_thinking")
                .contains("reasoning: \"\"");
        assertThat(t.text("helmfile.yaml.gotmpl"))
                .contains("- values/qwen3-5-27b/q4_k_m/nvidia-rtx4090.yaml\n      - releases/extract.yaml");
        String release = t.text("releases/extract.yaml");
        assertThat(release)
                .contains("ctxSize: 131072")
                .contains("flashAttn: \"on\"")
                .contains("cacheTypeK: q4_0")
                .contains("cacheTypeV: q4_0")
                .contains("port: 8001")
                .contains("metrics: true")
                .contains("reasoning: \"off\"")
                .doesNotContain("enable_thinking")
                .contains("tag: server-cuda13-b")
                .contains("minDriver: 580.65.06");
    }
}
