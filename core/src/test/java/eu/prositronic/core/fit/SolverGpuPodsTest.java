package eu.prositronic.core.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Kubernetes schedules one llama-server pod per GPU node unless the node shares its GPUs ({@code gpuSharing:}, then as
 * many as its replicas): the solver never places a deployment of its choosing beyond that, whatever the memory would
 * allow; a systemd node has no such limit, and deployments written on a node are kept (the planner warns).
 */
class SolverGpuPodsTest {
    static String inventory(String g2, String deployments) {
        return """
                cluster: {name: lab, namespace: llm}
                nodes:
                  - {name: g1, address: 10.0.0.1, ram: 64GiB, cpu: {cores: 16}, gpus: [{model: nvidia-rtx3090}]}
                  - {name: g2, address: 10.0.0.2, ram: 64GiB, cpu: {cores: 16}, gpus: [{model: nvidia-rtx3090}]%s}
                deployments:
                """.formatted(g2) + deployments.indent(2);
    }

    static final String SMALL = "model: qwen3-5-0-8b, quant: Q4_0, context: 4096, node: {gpu: nvidia-rtx3090}";

    static Map<String, Integer> podsByNode(Plan p) {
        Map<String, Integer> count = new TreeMap<>();
        p.deployments().forEach(d -> count.merge(d.node().name(), 1, Integer::sum));
        return count;
    }

    @Test
    void withoutSharingEachKubernetesGpuNodeTakesOneDeploymentThoughMemoryWouldAllowMore() throws Exception {
        Plan p = SolverTest.plan(inventory("", """
                - {name: a, %s}
                - {name: b, %s}
                """.formatted(SMALL, SMALL)));
        assertThat(podsByNode(p)).isEqualTo(Map.of("g1", 1, "g2", 1));
        p.deployments()
                .forEach(d -> assertThat(d.notes()).as(d.name()).noneMatch(n -> n.startsWith(Planner.SHARED_GPU_NOTE)));
    }

    @Test
    void aThirdDeploymentWithNoFreePodIsUnsolvable() throws Exception {
        UnsolvableException e = catchThrowableOfType(
                () -> SolverTest.plan(inventory("", """
                        - {name: a, %s}
                        - {name: b, %s}
                        - {name: c, %s}
                        """.formatted(SMALL, SMALL, SMALL))), UnsolvableException.class);
        assertThat(e).as("two pods, three deployments").isNotNull();
        Conflict.Relaxation fix = e.conflict().relaxations().get(0);
        assertThat(fix.kind()).isEqualTo("gpuSharing");
        assertThat(fix.sentence())
                .isEqualTo("let 2 pods share the GPUs of g1 under Kubernetes (`gpuSharing: {strategy: timeSlicing,"
                        + " replicas: 2}` on node g1, the device plugin's time-slicing)");
        assertThat(fix.edits())
                .as("a key the node lacks: named, not edited in place")
                .isEmpty();
    }

    @Test
    void tooFewReplicasGetAnEditOfTheNodesGpuSharingWithTheFewestThatSolve() throws Exception {
        UnsolvableException e = catchThrowableOfType(
                () -> SolverTest.plan(
                        inventory(", gpuSharing: {replicas: 2}", """
                        - {name: a, %s}
                        - {name: b, %s}
                        - {name: c, %s}
                        - {name: d, %s}
                        """.formatted(SMALL, SMALL, SMALL, SMALL))),
                UnsolvableException.class);
        Conflict.Relaxation fix = e.conflict().relaxations().stream()
                .filter(r -> r.subject().equals("g2"))
                .findFirst()
                .orElseThrow();
        assertThat(fix.kind()).isEqualTo("gpuSharing");
        assertThat(fix.edits()).singleElement().satisfies(edit -> {
            assertThat(edit.at().path()).isEqualTo("nodes[1].gpuSharing");
            assertThat(edit.at().line()).isEqualTo(4);
            assertThat(edit.replacement()).isEqualTo("{strategy: timeSlicing, replicas: 3}");
        });
    }

    @Test
    void aSharedNodeTakesAsManyAsItsReplicas() throws Exception {
        Plan p = SolverTest.plan(
                inventory(", gpuSharing: {strategy: timeSlicing, replicas: 2}", """
                - {name: a, %s}
                - {name: b, %s}
                - {name: c, %s}
                """.formatted(SMALL, SMALL, SMALL)));
        assertThat(podsByNode(p)).isEqualTo(Map.of("g1", 1, "g2", 2));
        p.deployments()
                .forEach(d -> assertThat(d.notes()).as(d.name()).noneMatch(n -> n.startsWith(Planner.SHARED_GPU_NOTE)));
    }

    @Test
    void aWrittenDeploymentTakesItsNodesPodFirst() throws Exception {
        Plan p = SolverTest.plan(inventory("", """
                - {name: fixed, model: qwen3-5-0-8b, quant: Q4_0, context: 4096, node: g2}
                - {name: free, %s}
                """.formatted(SMALL)));
        assertThat(p.deployments().get(1).node().name()).isEqualTo("g1");
    }

    @Test
    void systemdNodesShareTheirGpusWithoutTheDevicePluginSoTheSolverMayStackThem() throws Exception {
        String yaml = inventory("", """
                - {name: a, %s}
                - {name: b, %s}
                - {name: c, %s}
                """.formatted(SMALL, SMALL, SMALL))
                .replace("gpus: [{model: nvidia-rtx3090}]}", "gpus: [{model: nvidia-rtx3090}], serving: systemd}");
        Plan p = SolverTest.plan(yaml);
        assertThat(p.deployments()).hasSize(3);
        assertThat(podsByNode(p).values().stream()
                        .mapToInt(Integer::intValue)
                        .max()
                        .orElseThrow())
                .isGreaterThan(1);
    }
}
