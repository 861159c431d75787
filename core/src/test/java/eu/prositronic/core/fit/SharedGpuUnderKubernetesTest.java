package eu.prositronic.core.fit;

import static org.assertj.core.api.Assertions.assertThat;

import eu.prositronic.TestSupport;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two deployments fit one GPU by memory, but under Kubernetes each pod asks the device plugin for the node's whole
 * GPUs: the plan says so, and the report warns with the key to write, unless the node shares its GPUs ({@code
 * gpuSharing:} with enough replicas) or is served by systemd.
 */
class SharedGpuUnderKubernetesTest {
    static Plan plan(String serving) throws Exception {
        return plan(serving, "");
    }

    static Plan plan(String serving, String g1Sharing) throws Exception {
        return Planner.plan(TestSupport.inventory("""
                        cluster: {name: lab, namespace: llm}
                        nodes:
                          - {name: g1, address: 10.0.0.1, ram: 64GiB, cpu: {cores: 16}, gpus: [{model: nvidia-rtx3090}], serving: %s%s}
                          - {name: g2, address: 10.0.0.2, ram: 64GiB, cpu: {cores: 16}, gpus: [{model: nvidia-rtx3090}], serving: %s}
                        deployments:
                          - {name: a, model: qwen3-5-4b, quant: Q4_K_M, node: g1, context: 32768}
                          - {name: b, model: qwen3-5-0-8b, quant: Q4_0, node: g1, context: 8192, port: 8081}
                          - {name: c, model: qwen3-5-4b, quant: Q4_K_M, node: g2, context: 32768}
                        """.formatted(serving, g1Sharing, serving)), TestSupport.catalog());
    }

    static List<String> shared(DeploymentPlan p) {
        return p.notes().stream()
                .filter(n -> n.startsWith(Planner.SHARED_GPU_NOTE))
                .toList();
    }

    @Test
    void kubernetesServedDeploymentsSharingAGpuEachGetTheNoteAndTheLoneOneDoesNot() throws Exception {
        Plan plan = plan("kubernetes");
        assertThat(shared(plan.deployments().get(0)))
                .containsExactly("Shares the GPUs of node g1 with b under Kubernetes: the NVIDIA device plugin gives"
                        + " each pod whole GPUs, so only one of these pods is scheduled; add `gpuSharing: {strategy:"
                        + " timeSlicing, replicas: 2}` to node g1 (the device plugin's time-slicing, which the helmfile"
                        + " then configures); or serve the node with `serving: systemd`, or place one deployment"
                        + " elsewhere");
        assertThat(shared(plan.deployments().get(1))).singleElement().asString().contains("node g1 with a under");
        assertThat(shared(plan.deployments().get(2))).isEmpty();
        assertThat(eu.prositronic.core.emit.report.FactsAccess.warnings(
                        plan.deployments().get(0)))
                .anyMatch(w -> w.startsWith("Shares the GPUs of node g1 with b"));
    }

    @Test
    void systemdServedDeploymentsShareTheGpuWithoutTheDevicePlugin() throws Exception {
        Plan plan = plan("systemd");
        plan.deployments().forEach(d -> assertThat(shared(d)).as(d.name()).isEmpty());
    }

    @Test
    void aNodeThatSharesItsGpuAmongEnoughPodsGetsNoNoteAndNoWarning() throws Exception {
        Plan plan = plan("kubernetes", ", gpuSharing: {strategy: timeSlicing, replicas: 2}");
        plan.deployments().forEach(d -> assertThat(shared(d)).as(d.name()).isEmpty());
        plan.deployments().forEach(d -> assertThat(eu.prositronic.core.emit.report.FactsAccess.warnings(d))
                .as(d.name())
                .noneMatch(w -> w.startsWith(Planner.SHARED_GPU_NOTE)));
    }

    @Test
    void moreDeploymentsThanReplicasKeepTheNoteWithTheReplicasToWrite() throws Exception {
        Plan plan = Planner.plan(TestSupport.inventory("""
                        cluster: {name: lab, namespace: llm}
                        nodes:
                          - {name: g1, address: 10.0.0.1, ram: 64GiB, cpu: {cores: 16}, gpus: [{model: nvidia-rtx3090}], gpuSharing: {replicas: 2}}
                        deployments:
                          - {name: a, model: qwen3-5-0-8b, quant: Q4_0, node: g1, context: 4096}
                          - {name: b, model: qwen3-5-0-8b, quant: Q4_0, node: g1, context: 4096, port: 8081}
                          - {name: c, model: qwen3-5-0-8b, quant: Q4_0, node: g1, context: 4096, port: 8082}
                        """), TestSupport.catalog());
        assertThat(shared(plan.deployments().get(2)))
                .containsExactly("Shares the GPUs of node g1 with a, b under Kubernetes: its `gpuSharing` has 2"
                        + " replicas, so only 2 of these 3 pods are scheduled; write `replicas: 3` in its `gpuSharing`;"
                        + " or serve the node with `serving: systemd`, or place one deployment elsewhere");
    }

    @Test
    void anAmdNodeGetsTheNoteWithoutTheNvidiaOnlyKey() throws Exception {
        Plan plan = Planner.plan(TestSupport.inventory("""
                        cluster: {name: lab, namespace: llm}
                        nodes:
                          - {name: r1, address: 10.0.0.1, ram: 64GiB, cpu: {cores: 16}, gpus: [{model: amd-rx7900xtx}]}
                        deployments:
                          - {name: a, model: qwen3-5-0-8b, quant: Q4_0, node: r1, context: 4096}
                          - {name: b, model: qwen3-5-0-8b, quant: Q4_0, node: r1, context: 4096, port: 8081}
                        """), TestSupport.catalog());
        assertThat(shared(plan.deployments().get(0)))
                .containsExactly(
                        "Shares the GPUs of node r1 with b under Kubernetes: the device plugin gives each pod"
                                + " whole GPUs, so only one of these pods is scheduled (`gpuSharing` configures NVIDIA's device"
                                + " plugin only); or serve the node with `serving: systemd`, or place one deployment elsewhere");
    }
}
