package eu.prositronic.core.emit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.prositronic.TestSupport;
import eu.prositronic.core.Compiler;
import eu.prositronic.core.fit.Planner;
import eu.prositronic.core.inventory.Inventory;
import eu.prositronic.core.problem.InvalidInputException;
import org.junit.jupiter.api.Test;

/** What the generated host variables tell the Ansible roles about how each node serves and what it downloads. */
class AnsibleHostVarsTest {
    static String inventory(String runtime, String serving) {
        return "cluster: {name: c, namespace: llm, containerRuntime: " + runtime + "}\n"
                + "nodes:\n"
                + "  - {name: gpu-01, address: 192.168.1.21, ram: 64GiB, cpu: {cores: 16},"
                + " gpus: [{model: nvidia-rtx3090}]" + serving + "}\n"
                + "  - {name: box, address: box.lan, ram: 32GiB, cpu: {cores: 8}, serving: systemd}\n"
                + "deployments:\n"
                + "  - {name: chat, model: qwen3-5-0-8b, quant: Q4_0, node: gpu-01, context: 4096}\n"
                + "  - {name: small, model: qwen3-5-0-8b, quant: Q4_0, node: box, context: 4096}\n";
    }

    static String hostVars(String yaml, String node) throws Exception {
        Inventory inv = TestSupport.inventory(yaml);
        OutputTree tree = Compiler.emit(
                new EmitContext(Planner.plan(inv, TestSupport.catalog()), TestSupport.catalog(), inv.file(), "test"),
                s -> {});
        return tree.text("ansible/host_vars/" + node + ".yml");
    }

    @Test
    void onlyAVerifiedFilesSizeIsMarkedExactForTheRolesCheck() throws Exception {
        var q0 = TestSupport.catalog()
                .model("qwen3-5-0-8b")
                .orElseThrow()
                .quant("Q4_0")
                .orElseThrow();
        String vars = hostVars(inventory("containerd", ""), "box");
        assertThat(vars)
                .as("the role asserts a downloaded file's size only where the catalog's is exact, as the chart does")
                .contains("size_exact: " + q0.verified());
        String unverified = inventory("containerd", "").replace("quant: Q4_0, node: box", "quant: Q4_K_M, node: box");
        var qk = TestSupport.catalog()
                .model("qwen3-5-0-8b")
                .orElseThrow()
                .quant("Q4_K_M")
                .orElseThrow();
        assertThat(hostVars(unverified, "box")).contains("size_exact: " + qk.verified());
        assertThat(q0.verified() != qk.verified())
                .as("one file of each kind (the catalog's Q4_0 has no revision, its Q4_K_M is pinned)")
                .isTrue();
    }

    @Test
    void aNodeOfAKubernetesRuntimeIsServedByHelmfileAndGetsNoSystemdInstances() throws Exception {
        String vars = hostVars(inventory("containerd", ""), "gpu-01");
        assertThat(vars).contains("prositronic_serving: kubernetes").contains("llama_server_instances: []");
        assertThat(vars).doesNotContain("llama_server_publish_address");
    }

    @Test
    void aDockerClusterServesWithSystemdOnTheNodesAddress() throws Exception {
        String vars = hostVars(inventory("docker", ""), "gpu-01");
        assertThat(vars)
                .contains("prositronic_serving: systemd")
                .contains("llama_server_publish_address: 192.168.1.21")
                .contains("- name: chat");
    }

    @Test
    void servingOnANodeOverridesTheRuntimesDefault() throws Exception {
        String vars = hostVars(inventory("k3s", ", serving: systemd"), "gpu-01");
        assertThat(vars).contains("prositronic_serving: systemd").contains("- name: chat");
    }

    @Test
    void aHostNameLeavesThePublishAddressToTheRolesLoopbackDefault() throws Exception {
        String vars = hostVars(inventory("containerd", ""), "box");
        assertThat(vars).contains("prositronic_serving: systemd").contains("- name: small");
        assertThat(vars).doesNotContain("llama_server_publish_address");
    }

    @Test
    void theModelFilesToDownloadComeWithRevisionSizeAndHash() throws Exception {
        String vars = hostVars(inventory("docker", ""), "gpu-01");
        assertThat(vars).contains("revision:").contains("parts:").contains("size_bytes:");
    }

    @Test
    void anUnknownServingIsAnInputErrorWithItsPlace() {
        assertThatThrownBy(() -> TestSupport.inventory(inventory("containerd", ", serving: bare")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("inventory.yaml:3:")
                .hasMessageContaining("bare");
    }
}
