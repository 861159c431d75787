package eu.prositronic.core.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import eu.prositronic.TestSupport;
import eu.prositronic.core.Compiler;
import eu.prositronic.core.console.ConflictMessage;
import eu.prositronic.core.emit.PlanJson;
import eu.prositronic.core.inventory.InventoryEdit;
import eu.prositronic.core.inventory.InventoryLoader;
import eu.prositronic.core.inventory.InventoryRequest;
import eu.prositronic.core.problem.InvalidInputException;
import eu.prositronic.core.problem.ProsiException;
import eu.prositronic.core.write.OutputWriter;
import eu.prositronic.core.yaml.Serializers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SolverTest {
    /**
     * Two GPU nodes (24 GiB in zone a, 16 GiB in zone b) and a 32 GiB CPU box in zone a; big shares its GPU among up to
     * four pods, so that Kubernetes schedules several deployments there (mid takes one).
     */
    static final String NODES = """
            cluster: {name: lab, namespace: llm}
            %s
            nodes:
              - name: big
                address: 10.0.0.1
                ram: 64GiB
                cpu: {cores: 16}
                gpus: [{model: nvidia-rtx3090}]
                gpuSharing: {strategy: timeSlicing, replicas: 4}
                labels: {zone: a}
              - name: mid
                address: 10.0.0.2
                ram: 32GiB
                cpu: {cores: 8}
                gpus: [{model: nvidia-rtx4060ti-16gb}]
                labels: {zone: b}
              - name: box
                address: 10.0.0.3
                ram: 32GiB
                cpu: {cores: 8}
                labels: {zone: a}
            deployments:
            """;

    static String inventory(String solver, String deployments) {
        return NODES.formatted(solver) + deployments.indent(2);
    }

    static InventoryRequest asked(String yaml) throws Exception {
        return InventoryLoader.read(Path.of("inventory.yaml"), yaml, TestSupport.catalog());
    }

    static Plan plan(String yaml) throws Exception {
        return Solver.plan(asked(yaml), TestSupport.catalog());
    }

    static Map<String, DeploymentPlan> byName(Plan p) {
        return p.deployments().stream().collect(Collectors.toMap(DeploymentPlan::name, Function.identity()));
    }

    static String json(Plan p) {
        return Serializers.json(PlanJson.of(p, "test"));
    }

    @Test
    void aFullyExplicitInventoryIsPlannedExactlyAsWrittenWithoutSolverFields() throws Exception {
        String yaml = inventory("", """
                - {name: chat, model: qwen3-5-4b, quant: Q5_K_M, node: big, context: max}
                - {name: cpu, model: qwen3-5-0-8b, quant: Q4_0, node: box, context: 16384}
                """);
        Plan solved = plan(yaml);
        Plan planned = Planner.plan(TestSupport.inventory(yaml), TestSupport.catalog());
        assertThat(json(solved)).isEqualTo(json(planned));
        assertThat(json(solved)).doesNotContain("chosenBy").doesNotContain("\"solver\"");
    }

    @Test
    void theExampleInventoryIsByteForByteWhatThePlannerMakesOfIt() throws Exception {
        InventoryRequest asked = InventoryLoader.read(
                TestSupport.exampleInventory(),
                TestSupport.read(TestSupport.exampleInventory()),
                TestSupport.catalog());
        assertThat(Solver.choosing(asked)).isFalse();
        assertThat(json(Solver.plan(asked, TestSupport.catalog())))
                .isEqualTo(json(Planner.plan(TestSupport.exampleInventoryLoaded(), TestSupport.catalog())));
    }

    @Test
    void theSameInputGivesTheSameBytes() throws Exception {
        String yaml = inventory("solver: {objective: quality}", """
                - {name: a, model: qwen3-5-9b, quant: auto, node: auto}
                - {name: b, model: qwen3-5-4b, quant: [Q8_0, Q6_K, Q4_K_M], node: auto, context: 65536}
                - {name: c, model: qwen3-5-0-8b, quant: auto, node: {labels: {zone: a}}}
                """);
        String first = json(plan(yaml));
        assertThat(json(plan(yaml))).isEqualTo(first);
        assertThat(first).contains("\"chosenBy\"").contains("\"alternatives\"").contains("\"method\" : \"exhaustive\"");
    }

    @Test
    void aLargeSearchSpaceIsSolvedGreedilyAndTheResultFitsAndRepeats() throws Exception {
        String yaml = eu.prositronic.core.scale.FleetGenerator.inventory(30, 0, true);
        Solver.Solution first = Solver.solve(asked(yaml), TestSupport.catalog());
        assertThat(first.report().method()).isEqualTo(SolverReport.Method.GREEDY);
        assertThat(first.report().searchSpaceLog10()).isGreaterThan(Math.log10(Solver.EXHAUSTIVE_LIMIT));
        Plan plan = Planner.plan(first.inventory(), TestSupport.catalog());
        assertThat(plan.deployments()).hasSize(asked(yaml).requests().size());
        assertThat(json(Solver.plan(asked(yaml), TestSupport.catalog())))
                .isEqualTo(json(plan.withSolver(first.report())));
    }

    @Test
    void explicitValuesAreNeverChangedBesideChoices() throws Exception {
        Plan p = plan(inventory("", """
                - {name: fixed, model: qwen3-5-4b, quant: Q4_K_M, node: mid, context: 32768, port: 9000}
                - {name: free, model: qwen3-5-9b, quant: auto, node: auto}
                """));
        DeploymentPlan fixed = byName(p).get("fixed");
        assertThat(fixed.node().name()).isEqualTo("mid");
        assertThat(fixed.quant().quant()).isEqualTo("Q4_K_M");
        assertThat(fixed.ctxSize()).isEqualTo(32768);
        assertThat(fixed.deployment().port()).isEqualTo(9000);
        assertThat(p.choice("fixed")).isEmpty();
        assertThat(p.choice("free")).isPresent();
    }

    @Test
    void anOrderedListIsAnOrderOfPreference() throws Exception {
        // Q3_K_M is listed before Q4_K_M and fits; Q8_0 of the 35B-A3B (34 GiB) does not fit box's 30 GiB
        Plan p = plan(inventory("", """
                - {name: a, model: qwen3-5-9b, quant: [Q3_K_M, Q4_K_M, Q8_0], node: mid, context: 65536}
                """));
        assertThat(p.deployments().get(0).quant().quant()).isEqualTo("Q3_K_M");
        Plan q = plan(inventory("", """
                - {name: a, model: qwen3-5-35b-a3b, quant: [Q8_0, Q3_K_M], node: box, context: 16384}
                """));
        assertThat(q.deployments().get(0).quant().quant()).isEqualTo("Q3_K_M");
        assertThat(q.choice("a").orElseThrow().chosenBy().get(0).reason()).contains("Q8_0 fits no candidate node");
    }

    @Test
    void selectorsChooseAmongTheNodesTheyMatch() throws Exception {
        Plan p = plan(inventory("", """
                - {name: a, model: qwen3-5-4b, quant: Q4_K_M, node: {labels: {zone: b}}}
                - {name: b, model: qwen3-5-4b, quant: Q4_K_M, node: {gpu: cpu}}
                - {name: c, model: qwen3-5-4b, quant: Q4_K_M, node: {minVram: 20GiB}}
                - {name: d, model: qwen3-5-4b, quant: Q4_K_M, node: {labels: {zone: a}, gpu: nvidia-rtx3090}}
                """));
        Map<String, DeploymentPlan> by = byName(p);
        assertThat(by.get("a").node().name()).isEqualTo("mid");
        assertThat(by.get("b").node().name()).isEqualTo("box");
        assertThat(by.get("c").node().name()).isEqualTo("big");
        assertThat(by.get("d").node().name()).isEqualTo("big");
        assertThat(by.get("d").deployment().port()).as("8080 is c's on big").isEqualTo(8081);
    }

    @Test
    void badChoicesAreInputErrorsWithAFix() {
        assertThatThrownBy(() -> asked(inventory("", """
                        - {name: a, model: qwen3-5-4b, quant: [Q4_K_M, Q9_K], node: auto}
                        """)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("deployments[0].quant[1]: model qwen3-5-4b has no quantization `Q9_K`");
        assertThatThrownBy(() -> asked(inventory("", """
                        - {name: a, model: qwen3-5-4b, quant: auto, node: {labels: {zone: c}}}
                        """)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("no node matches the selector (labels {zone:c})")
                .hasMessageContaining("big (labels {zone:a}, nvidia-rtx3090, 24.00 GiB VRAM)");
        assertThatThrownBy(() -> asked(inventory("", """
                        - {name: a, model: qwen3-5-4b, quant: auto, node: auto, context: {min: 65536, max: 32768}}
                        """)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("the range's min 65536 is above its max 32768");
        assertThatThrownBy(() -> asked(inventory("", """
                        - {name: a, model: qwen3-5-4b, quant: auto, node: {gpu: nvidia-rtx-3090}}
                        """)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("perhaps you meant `nvidia-rtx3090`");
        assertThatThrownBy(() -> asked(inventory("solver: {objective: fast}", """
                        - {name: a, model: qwen3-5-4b, quant: auto, node: auto, gpuLayers: 10}
                        """)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("solver.objective")
                .hasMessageContaining("a layout pin needs a node named in the inventory");
    }

    @Test
    void aContextRangeStaysWithinItsBounds() throws Exception {
        Plan p = plan(inventory("", """
                - {name: a, model: qwen3-5-27b, quant: Q4_K_M, node: big, context: {min: 16384, max: 65536}}
                - {name: b, model: qwen3-5-4b, quant: Q4_K_M, node: box, context: {min: 8192, max: 20000}}
                """));
        Map<String, DeploymentPlan> by = byName(p);
        assertThat(by.get("a").ctxSize()).isBetween(16384L, 65536L);
        assertThat(by.get("b").ctxSize()).isEqualTo(19968); // the largest multiple of 256 below 20000
        assertThat(p.choice("a").orElseThrow().chosenBy())
                .anySatisfy(c -> assertThat(c.choice()).isEqualTo("context"));
    }

    @Test
    void theObjectiveChangesTheChoice() throws Exception {
        String deployment = "- {name: a, model: qwen3-5-27b, quant: [Q6_K, Q4_K_M], node: big}";
        Map<String, String> chosen = new java.util.TreeMap<>();
        for (String objective : java.util.List.of("quality", "context", "speed", "power")) {
            Plan p = plan(inventory("solver: {objective: " + objective + "}", deployment));
            chosen.put(
                    objective,
                    p.deployments().get(0).quant().quant() + "@"
                            + p.deployments().get(0).ctxSize());
        }
        assertThat(chosen.get("quality")).startsWith("Q6_K@");
        assertThat(chosen.get("context")).startsWith("Q4_K_M@");
        assertThat(chosen.get("speed")).startsWith("Q4_K_M@");
        assertThat(chosen.get("power"))
                .as("the proxy: fewer bytes read per token")
                .startsWith("Q4_K_M@");
        long q6 = Long.parseLong(chosen.get("quality").split("@")[1]);
        long q4 = Long.parseLong(chosen.get("context").split("@")[1]);
        assertThat(q4).isGreaterThan(q6);
        // a deployment's own objective wins over the fleet's
        Plan own = plan(inventory(
                "solver: {objective: quality}",
                "- {name: a, model: qwen3-5-27b, quant: [Q6_K, Q4_K_M], node: big, objective: context}"));
        assertThat(own.deployments().get(0).quant().quant()).isEqualTo("Q4_K_M");
    }

    @Test
    void maxDeploymentsShareANodeByNeedUnderObjectiveContext() throws Exception {
        String deployments = """
                - {name: long, model: qwen3-5-9b, quant: Q4_K_M, node: big, context: max}
                - {name: short, model: qwen3-5-27b, quant: Q3_K_M, node: big, context: max, port: 8081}
                """;
        Plan equal = plan(inventory("", deployments));
        Plan byNeed = plan(inventory("solver: {objective: context}", deployments));
        assertThat(equal.solver()).as("objective quality keeps the equal split").isEmpty();
        double equalMin = minShare(equal);
        double needMin = minShare(byNeed);
        assertThat(needMin).isGreaterThanOrEqualTo(equalMin);
        assertThat(byNeed.choice("long").orElseThrow().chosenBy().get(0).reason())
                .contains("the smallest share of each model's trained context is maximised");
    }

    static double minShare(Plan p) {
        return p.deployments().stream()
                .mapToDouble(
                        d -> d.ctxSize() / (double) d.model().architecture().contextLength())
                .min()
                .orElseThrow();
    }

    /** a (about 16 GiB) and b (about 26 GiB) cannot share box's 30 GiB; c fits mid whatever happens: {a, b}. */
    static final String IMPOSSIBLE = inventory("", """
            - name: a
              model: qwen3-5-9b
              quant: Q8_0
              node: box
              context: 131072
            - name: b
              model: qwen3-5-27b
              quant: Q3_K_M
              node: box
              context: 131072
              port: 8081
            - name: c
              model: qwen3-5-4b
              quant: auto
              node: {labels: {zone: b}}
            """);

    @Test
    void anImpossibleInventoryFailsWithTheSmallestConflictAndAVerifiedRelaxation() throws Exception {
        UnsolvableException e = catchThrowableOfType(
                () -> Solver.plan(asked(IMPOSSIBLE), TestSupport.catalog()), UnsolvableException.class);
        assertThat(e).isNotNull();
        Conflict c = e.conflict();
        assertThat(c.members()).extracting(Conflict.Member::name).containsExactly("a", "b");
        assertThat(c.minimal()).isTrue();
        // minimal: each member alone (with c) can be solved
        for (String out : java.util.List.of("a", "b")) {
            InventoryRequest r = asked(IMPOSSIBLE);
            InventoryRequest without = r.with(
                    r.nodes(),
                    r.requests().stream().filter(x -> !x.name().equals(out)).toList());
            assertThat(Solver.solve(without, TestSupport.catalog()).inventory().deployments())
                    .hasSize(2);
        }
        assertThat(c.relaxations()).isNotEmpty();
        String message = ConflictMessage.format(c, "inventory.yaml");
        assertThat(message)
                .startsWith("deployments `a`, `b` cannot be placed together (the smallest such set")
                .contains("box 30.00 GiB of RAM after the reserves")
                .contains("Cheapest fix (checked by solving again): "
                        + c.relaxations().get(0).sentence());
    }

    @Test
    void everyRelaxationAppliedToTheInventoryTextCompiles(@TempDir Path dir) throws Exception {
        Conflict c = catchThrowableOfType(
                        () -> Solver.plan(asked(IMPOSSIBLE), TestSupport.catalog()), UnsolvableException.class)
                .conflict();
        assertThat(c.relaxations()).extracting(Conflict.Relaxation::kind).contains("node", "context", "ram");
        for (Conflict.Relaxation r : c.relaxations()) {
            String edited = InventoryEdit.apply(IMPOSSIBLE, r.edits());
            assertThat(edited).isNotEqualTo(IMPOSSIBLE);
            Path inventory = dir.resolve(r.kind() + "-" + r.subject() + ".yaml");
            Files.writeString(inventory, edited);
            try {
                Compiler.Result result = Compiler.compile(
                        new Compiler.Request(
                                inventory,
                                Optional.empty(),
                                dir.resolve("out-" + r.kind() + "-" + r.subject()),
                                "test",
                                OutputWriter.Writer.ANONYMOUS),
                        s -> {});
                assertThat(result.plan().deployments()).as(r.sentence()).hasSize(3);
            } catch (ProsiException e) {
                throw new AssertionError("relaxation `" + r.sentence() + "` does not compile:\n" + edited, e);
            }
        }
    }

    @Test
    void theCompilerReportsAConflictAsAnErrorWithTheFix(@TempDir Path dir) throws Exception {
        Path inventory = dir.resolve("inventory.yaml");
        Files.writeString(inventory, IMPOSSIBLE);
        assertThatThrownBy(() -> Compiler.compile(
                        new Compiler.Request(
                                inventory, Optional.empty(), dir.resolve("out"), "test", OutputWriter.Writer.ANONYMOUS),
                        s -> {}))
                .isInstanceOf(ProsiException.class)
                .hasMessageContaining("cannot be placed together")
                .hasMessageContaining(inventory + ":");
        assertThat(dir.resolve("out")).doesNotExist();
    }
}
