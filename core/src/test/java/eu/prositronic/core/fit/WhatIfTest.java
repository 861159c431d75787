package eu.prositronic.core.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.prositronic.TestSupport;
import eu.prositronic.core.Compiler;
import eu.prositronic.core.catalog.Catalog;
import eu.prositronic.core.inventory.InventoryLoader;
import eu.prositronic.core.inventory.InventoryRequest;
import eu.prositronic.core.problem.ProsiException;
import eu.prositronic.core.problem.Setting;
import eu.prositronic.core.write.OutputWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What-if: hardware edits planned again and compared, never written. */
class WhatIfTest {
    static final String ONE_3090 = """
            cluster: {name: lab, namespace: llm}
            nodes:
              - {name: gpu-01, address: 10.0.0.1, ram: 64GiB, cpu: {cores: 16}, gpus: [{model: nvidia-rtx3090}]}
              - {name: gpu-02, address: 10.0.0.2, ram: 64GiB, cpu: {cores: 16}, gpus: [{model: nvidia-rtx3090}]}
            deployments:
              - {name: big, model: qwen3-5-27b, quant: Q5_K_M, node: gpu-02, context: max}
              - {name: chat, model: qwen3-5-4b, quant: Q4_K_M, node: gpu-01, context: 32768}
            """;

    static List<String> difference(String inventory, String spec) throws Exception {
        Catalog catalog = TestSupport.catalog();
        InventoryRequest inv = InventoryLoader.read(Path.of("inventory.yaml"), inventory, catalog);
        List<WhatIf.Edit> edits = WhatIf.parse(spec, inv.nodes(), catalog);
        WhatIf.Planning planning = i -> Solver.plan(i, catalog, PowerModel::aloneLoadWatts);
        return WhatIf.difference(
                edits, WhatIf.outcome(inv, planning), WhatIf.outcome(WhatIf.apply(inv, edits), planning));
    }

    @Test
    void aSecondGpuGivesTheMaxContextDeploymentMoreAndLeavesTheOtherAlone() throws Exception {
        List<String> lines = difference(ONE_3090, "gpu-02+nvidia-rtx3090");
        lines.forEach(System.out::println);
        assertThat(lines.get(0)).isEqualTo("What if an NVIDIA GeForce RTX 3090 more on gpu-02:");
        String big =
                lines.stream().filter(l -> l.startsWith("  big: ")).findFirst().orElseThrow();
        assertThat(big).contains("context ").contains("VRAM ").contains(" → ");
        assertThat(lines).contains("  1 deployment unchanged");
        // the second board draws under load too
        assertThat(lines).anyMatch(l -> l.equals("  fleet draw under load: 700 W → 1,050 W (estimate)"));
    }

    @Test
    void aDeploymentTheSolverPlacesMovesToTheNewNodeWhenThatServesItBetter() throws Exception {
        // gpu-01 shares its GPU between two pods, so that Kubernetes schedules both; the new node is its copy
        String shared = """
                cluster: {name: lab, namespace: llm}
                nodes:
                  - {name: gpu-01, address: 10.0.0.1, ram: 64GiB, cpu: {cores: 16}, gpus: [{model: nvidia-rtx3090}], gpuSharing: {replicas: 2}}
                deployments:
                  - {name: big, model: qwen3-5-27b, quant: Q4_K_M, node: gpu-01, context: 65536}
                  - {name: chat, model: qwen3-5-9b, quant: auto, node: auto, context: 32768, port: 8081}
                """;
        List<String> lines = difference(shared, "gpu-02=gpu-01");
        lines.forEach(System.out::println);
        String chat =
                lines.stream().filter(l -> l.startsWith("  chat: ")).findFirst().orElseThrow();
        assertThat(chat)
                .contains("node gpu-01 → gpu-02")
                .contains("layout partial")
                .contains("→ full");
        // the written-out deployment stays where it is, with the host RAM chat no longer shares
        assertThat(lines).anyMatch(l -> l.startsWith("  big: RAM "));
    }

    @Test
    void lessRamCanMakeACpuDeploymentNoLongerFit() throws Exception {
        String cpu = """
                cluster: {name: lab, namespace: llm}
                nodes:
                  - {name: cpu-01, address: 10.0.0.3, ram: 32GiB, cpu: {cores: 8}}
                deployments:
                  - {name: cpu-chat, model: qwen3-5-9b, quant: Q4_K_M, node: cpu-01, context: 65536}
                """;
        List<String> lines = difference(cpu, "cpu-01.ram=4GiB");
        assertThat(lines.get(1))
                .startsWith("  cpu-chat: no longer fits (host needs ")
                .contains(" of ");
    }

    @Test
    void aDeploymentThatDoesNotFitIsShownWhatTheEditWouldDoInTheFailure(@TempDir Path dir) throws Exception {
        Path inventory = dir.resolve("inventory.yaml");
        Files.writeString(inventory, """
                cluster: {name: lab, namespace: llm}
                nodes:
                  - {name: gpu-01, address: 10.0.0.1, ram: 16GiB, cpu: {cores: 16}, gpus: [{model: nvidia-rtx3060}]}
                deployments:
                  - {name: big, model: qwen3-5-27b, quant: Q8_0, node: gpu-01, context: 65536}
                """);
        Path out = dir.resolve("out");
        Compiler.Request request = new Compiler.Request(
                inventory,
                Optional.empty(),
                out,
                "test",
                OutputWriter.Writer.ANONYMOUS,
                Optional.of("gpu-01+2x-nvidia-rtx3090"));
        assertThatThrownBy(() -> Compiler.compile(request, s -> {}))
                .isInstanceOf(ProsiException.class)
                .hasMessageContaining("does not fit")
                .hasMessageContaining("What if 2 × NVIDIA GeForce RTX 3090 more on gpu-01:")
                .hasMessageContaining("  big: now fits: qwen3-5-27b Q8_0 on gpu-01 with 65,536 tokens");
        assertThat(out).doesNotExist();
    }

    @Test
    void theBuildWritesTheRealPlanAndReturnsTheDifference(@TempDir Path dir) throws Exception {
        Path inventory = dir.resolve("inventory.yaml");
        Files.writeString(inventory, ONE_3090);
        Compiler.Result plain = Compiler.compile(
                new Compiler.Request(
                        inventory, Optional.empty(), dir.resolve("a"), "test", OutputWriter.Writer.ANONYMOUS),
                s -> {});
        Compiler.Result withWhatIf = Compiler.compile(
                new Compiler.Request(
                        inventory,
                        Optional.empty(),
                        dir.resolve("b"),
                        "test",
                        OutputWriter.Writer.ANONYMOUS,
                        Optional.of("gpu-03=gpu-02")),
                s -> {});
        assertThat(plain.whatIf()).isEmpty();
        assertThat(withWhatIf.whatIf())
                .containsExactly(
                        "What if a node gpu-03 like gpu-02:",
                        "  2 deployments unchanged",
                        "  fleet draw under load: 700 W → 753 W (estimate)");
        assertThat(Files.readString(dir.resolve("b/plan.json")))
                .isEqualTo(Files.readString(dir.resolve("a/plan.json")));
    }

    @Test
    void badEditsNameThemselvesAndAFix() throws Exception {
        Catalog catalog = TestSupport.catalog();
        List<eu.prositronic.core.inventory.Node> inv = InventoryLoader.read(
                        Path.of("inventory.yaml"), ONE_3090, catalog)
                .nodes();
        List<List<String>> cases = List.of(
                List.of("gpu-2+nvidia-rtx3090", "`gpu-2+nvidia-rtx3090`: unknown node `gpu-2`", "gpu-02"),
                List.of("gpu-02+nvidia-rtx-3090", "unknown GPU `nvidia-rtx-3090`", "nvidia-rtx3090"),
                List.of("gpu-02+amd-rx7900xtx", "gpu-02 runs nvidia GPUs", "same vendor"),
                List.of("gpu-02.ram=lots", "not a size: `lots`", "gpu-02.ram=128GiB"),
                List.of("gpu-01=gpu-02", "there is a node `gpu-01` already", "a name of its own"),
                List.of("gpu-02 more", "not an edit", "<node>+<gpu>"),
                List.of(" ; ", "no edit", "gpu-02+nvidia-rtx3090"));
        for (List<String> c : cases) {
            assertThatThrownBy(() -> WhatIf.parse(c.get(0), inv, catalog))
                    .as(c.get(0))
                    .isInstanceOf(ProsiException.class)
                    .satisfies(e -> assertThat(((ProsiException) e).message(Setting.Spellings.NEUTRAL))
                            .startsWith("the what if setting: ")
                            .contains(c.get(1))
                            .contains(c.get(2)));
        }
    }
}
