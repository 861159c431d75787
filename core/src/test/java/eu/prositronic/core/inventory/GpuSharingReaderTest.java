package eu.prositronic.core.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import eu.prositronic.TestSupport;
import eu.prositronic.core.problem.Problem;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code gpuSharing:} on a node: read as the device plugin's time-slicing, every bad value a placed error with a fix. */
class GpuSharingReaderTest {
    static String inventory(String node, String sharing) {
        return """
                cluster: {name: lab, namespace: llm}
                nodes:
                  - name: g1
                    address: 10.0.0.1
                    ram: 64GiB
                    cpu: {cores: 16}
                %s
                    gpuSharing: %s
                deployments:
                  - {name: a, model: qwen3-5-0-8b, quant: Q4_0, node: g1, context: 4096}
                """.formatted(node, sharing);
    }

    static final String RTX = "    gpus: [{model: nvidia-rtx3090, count: 2}]";

    static Problem only(String node, String sharing) {
        List<Problem> problems = InventoryLoaderTest.problems(inventory(node, sharing), TestSupport.catalog());
        assertThat(problems).hasSize(1);
        return problems.get(0);
    }

    @Test
    void timeSlicingWithReplicasIsReadAndMakesThatManyPods() throws Exception {
        Node n = TestSupport.inventory(inventory(RTX, "{strategy: timeSlicing, replicas: 4}"))
                .nodes()
                .get(0);
        assertThat(n.gpuSharing()).contains(new GpuSharing(GpuSharing.Strategy.TIME_SLICING, 4));
        assertThat(n.gpuSharing().orElseThrow().configName()).isEqualTo("time-slicing-4");
        assertThat(n.gpuPods()).hasValue(4);
    }

    @Test
    void theStrategyDefaultsToTimeSlicingAndWithoutTheKeyANodeSchedulesOnePod() throws Exception {
        Node n = TestSupport.inventory(inventory(RTX, "{replicas: 2}")).nodes().get(0);
        assertThat(n.gpuSharing()).contains(new GpuSharing(GpuSharing.Strategy.TIME_SLICING, 2));
        Node plain = TestSupport.inventory(
                        inventory(RTX, "{replicas: 2}").replace("    gpuSharing: {replicas: 2}\n", ""))
                .nodes()
                .get(0);
        assertThat(plain.gpuSharing()).isEmpty();
        assertThat(plain.gpuPods()).hasValue(1);
    }

    @Test
    void replicasOutOfRangeIsPlacedAtTheValueWithTheFix() {
        Problem p = only(RTX, "{strategy: timeSlicing, replicas: 1}");
        assertThat(p.line()).isEqualTo(8);
        assertThat(p.column()).as("the 1 of `replicas: 1`").isEqualTo(51);
        assertThat(p.yamlPath()).isEqualTo("nodes[0].gpuSharing.replicas");
        assertThat(p.value()).isEqualTo("1");
        assertThat(p.message()).isEqualTo("replicas must be 2 to 64: the number of pods that share each GPU");
        assertThat(p.fix()).isEqualTo("write the number of deployments this node runs, e.g. `replicas: 2`");
        assertThat(only(RTX, "{replicas: 65}").value()).isEqualTo("65");
        assertThat(only(RTX, "{replicas: two}").message()).isEqualTo("expected a whole number");
    }

    @Test
    void replicasIsRequired() {
        Problem p = only(RTX, "{strategy: timeSlicing}");
        assertThat(p.yamlPath()).startsWith("nodes[0].gpuSharing");
        assertThat(p.message()).contains("replicas");
        assertThat(p.fix()).contains("2");
    }

    @Test
    void anUnknownStrategyGetsTheOneThereIsAndMpsSaysWhy() {
        Problem typo = only(RTX, "{strategy: timeSlice, replicas: 2}");
        assertThat(typo.yamlPath()).isEqualTo("nodes[0].gpuSharing.strategy");
        assertThat(typo.message()).isEqualTo("not one of timeSlicing");
        assertThat(typo.fix()).contains("timeSlicing");
        Problem mps = only(RTX, "{strategy: mps, replicas: 2}");
        assertThat(mps.yamlPath()).isEqualTo("nodes[0].gpuSharing.strategy");
        assertThat(mps.value()).isEqualTo("mps");
        assertThat(mps.message()).startsWith("MPS is not supported");
        assertThat(mps.fix()).isEqualTo("write `strategy: timeSlicing`");
    }

    @Test
    void anUnknownKeyIsRefused() {
        Problem p = only(RTX, "{replicas: 2, renameByDefault: true}");
        assertThat(p.yamlPath()).contains("gpuSharing");
        assertThat(p.message()).contains("renameByDefault");
    }

    @Test
    void aNodeWithoutGpusOrWithAmdGpusOrServedBySystemdCannotShare() {
        Problem cpu = only("", "{replicas: 2}");
        assertThat(cpu.yamlPath()).isEqualTo("nodes[0].gpuSharing");
        assertThat(cpu.message()).isEqualTo("gpuSharing on a node without GPUs");
        assertThat(cpu.fix()).isEqualTo("remove `gpuSharing:` (there is no GPU to share)");

        Problem amd = only("    gpus: [{model: amd-rx7900xtx}]", "{replicas: 2}");
        assertThat(amd.message()).contains("not NVIDIA's");
        assertThat(amd.fix()).contains("remove `gpuSharing:`");

        Problem systemd = only(RTX + "\n    serving: systemd", "{replicas: 2}");
        assertThat(systemd.yamlPath()).isEqualTo("nodes[0].gpuSharing");
        assertThat(systemd.message())
                .isEqualTo("gpuSharing configures Kubernetes' device plugin, but this node is served by systemd");
        assertThat(systemd.fix())
                .isEqualTo(
                        "remove `gpuSharing:` (systemd units share the GPUs without it), or write `serving: kubernetes`");
    }
}
