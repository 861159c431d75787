package eu.prositronic.core.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.prositronic.TestSupport;
import eu.prositronic.core.emit.ServerArgs;
import eu.prositronic.core.problem.InvalidInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** `gpuLayers`, `nCpuMoe`, `tensorSplit` and `kvUnified` in the inventory: kept as written, said so, checked. */
class LayoutPinsTest {
    static DeploymentPlan plan(String gpus, String deployment) throws Exception {
        return PlannerTest.plan(gpus, "64GiB", deployment).deployments().get(0);
    }

    @Test
    void aPinnedGpuLayerCountIsKeptAndOnlyTheContextIsChosen() throws Exception {
        String gpu = "gpus: [{model: nvidia-rtx3090}]";
        DeploymentPlan free = plan(gpu, "- {name: chat, model: qwen3-5-9b, quant: Q8_0, node: n1}");
        DeploymentPlan pinned = plan(gpu, "- {name: chat, model: qwen3-5-9b, quant: Q8_0, node: n1, gpuLayers: 20}");
        assertThat(free.layoutKind()).isEqualTo(LayoutKind.FULL);
        assertThat(pinned.gpuLayers()).isEqualTo(20);
        assertThat(pinned.layoutKind()).isEqualTo(LayoutKind.PARTIAL);
        assertThat(ServerArgs.of(pinned)).containsSequence("--n-gpu-layers", "20");
        assertThat(pinned.notes()).anyMatch(n -> n.contains("layout as the inventory pins it (gpuLayers 20 of"));
        // fewer layers on the GPU leave more of it for the KV cache: the context can only grow
        assertThat(pinned.ctxSize()).isGreaterThanOrEqualTo(free.ctxSize());
        assertThat(pinned.memory().host().weights())
                .isGreaterThan(free.memory().host().weights());
    }

    @Test
    void aPinnedExpertCountMovesThoseExpertsToTheHostAndTheRestStaysOnTheGpu() throws Exception {
        DeploymentPlan p = plan(
                "gpus: [{model: nvidia-rtx4090}]",
                "- {name: moe, model: qwen3-5-35b-a3b, quant: Q4_K_M, node: n1, context: 32768, nCpuMoe: 10}");
        assertThat(p.nCpuMoe()).isEqualTo(10);
        assertThat(p.gpuLayers()).isEqualTo(p.layers());
        assertThat(p.layoutKind()).isEqualTo(LayoutKind.MOE_EXPERTS_ON_CPU);
        assertThat(ServerArgs.of(p)).containsSequence("--n-cpu-moe", "10");
    }

    @Test
    void aPinnedTensorSplitIsPassedAsWritten() throws Exception {
        DeploymentPlan p = plan(
                "gpus: [{model: nvidia-rtx3090, count: 2}]",
                "- {name: chat, model: qwen3-5-27b, quant: Q4_K_M, node: n1, context: 32768, tensorSplit: [3, 1]}");
        assertThat(p.tensorSplit()).containsExactly(3, 1);
        assertThat(ServerArgs.of(p)).containsSequence("--tensor-split", "3,1");
        List<DeviceMemory> gpus = p.memory().gpus();
        assertThat(gpus.get(0).weights()).isGreaterThan(gpus.get(1).weights());
    }

    @Test
    void aPinnedLayoutThatCannotFitIsANoFitNotAnotherLayout() {
        assertThatThrownBy(() -> plan(
                        "gpus: [{model: nvidia-rtx3060}]",
                        "- {name: big, model: qwen3-5-27b, quant: Q8_0, node: n1, context: 4096, gpuLayers: 65}"))
                .isInstanceOf(NoFitException.class);
    }

    @Test
    void aUnifiedKvCacheIsOneStreamForAllSlots() throws Exception {
        String gpu = "gpus: [{model: nvidia-rtx3090}]";
        DeploymentPlan split =
                plan(gpu, "- {name: chat, model: qwen3-5-4b, quant: Q4_K_M, node: n1, context: 65536, parallel: 4}");
        DeploymentPlan unified = plan(
                gpu,
                "- {name: chat, model: qwen3-5-4b, quant: Q4_K_M, node: n1, context: 65536, parallel: 4,"
                        + " kvUnified: true}");
        assertThat(unified.ctxPerSlot()).isEqualTo(65536);
        assertThat(split.ctxPerSlot()).isEqualTo(16384);
        assertThat(ServerArgs.of(unified)).contains("--kv-unified");
        assertThat(ServerArgs.of(split)).doesNotContain("--kv-unified");
        // same cells in all: the KV cache is the same size, only the streams differ
        assertThat(unified.memory().kvCache()).isEqualTo(split.memory().kvCache());
    }

    @Test
    void pinsThatCannotApplyAreErrorsWithAFix() {
        String yaml = PlannerTest.inventory("gpus: [{model: nvidia-rtx3090}]", "64GiB", """
                - {name: a, model: qwen3-5-4b, quant: Q4_K_M, node: n1, gpuLayers: 99}
                - {name: b, model: qwen3-5-4b, quant: Q4_K_M, node: n1, nCpuMoe: 4, port: 8081}
                - {name: c, model: qwen3-5-4b, quant: Q4_K_M, node: n1, tensorSplit: [1, 1], port: 8082}
                """);
        assertThatThrownBy(() -> TestSupport.inventory(yaml))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("deployments[0].gpuLayers: model qwen3-5-4b has 33 layers to offload")
                .hasMessageContaining("use at most 33")
                .hasMessageContaining("deployments[1].nCpuMoe: model qwen3-5-4b has no routed experts")
                .hasMessageContaining("deployments[2].tensorSplit: node n1 has 1 GPU but the split names 2")
                .hasMessageContaining("remove `tensorSplit`");
    }

    @Test
    void aLayoutPinOnACpuOnlyNodeIsAnError() {
        String yaml = PlannerTest.inventory(
                "", "64GiB", "- {name: a, model: qwen3-5-4b, quant: Q4_K_M, node: n1, gpuLayers: 10}");
        assertThatThrownBy(() -> TestSupport.inventory(yaml))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("node n1 has no GPU, so there is no layout to pin")
                .hasMessageContaining("remove `gpuLayers`");
    }
}
