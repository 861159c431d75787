package eu.prositronic.core.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.prositronic.TestSupport;
import eu.prositronic.core.emit.ServerArgs;
import eu.prositronic.core.problem.InvalidInputException;
import eu.prositronic.core.units.Bytes;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code vision: true}: the catalog's mmproj is loaded where llama.cpp's clip puts it (the first GPU unless
 * {@code --no-mmproj-offload}), its weights and its warmup compute buffer are parts of that device, and the flags
 * say so.
 *
 * <p>The figures: Qwen3.5 4B's mmproj-F16.gguf is 672,423,616 B (the catalog, sha256-pinned); its compute buffer with
 * flash attention is 234,148,096 B = 223.30 MiB, what llama-server logged for the real file on CUDA0 ("warmup with
 * image size = 1472 x 1472 … alloc_compute_meta: CUDA0 compute buffer size = 223.30 MiB",
 * https://github.com/ggml-org/llama.cpp/pull/22673) and what mmprobe measures on the CPU at the pin
 * (tools/llama-measure/results/mmproj-cpu.jsonl).
 */
class VisionProjectorTest {
    static final long MMPROJ_4B = 672_423_616L;
    static final long COMPUTE_4B_FA = 234_148_096L;
    static final long COMPUTE_4B_NO_FA = 4_853_731_584L;

    static DeploymentPlan plan(String gpus, String deployment) throws Exception {
        return PlannerTest.plan(gpus, "64GiB", deployment).deployments().get(0);
    }

    @Test
    void theProjectorGoesToTheFirstGpuWithItsWeightsAndItsWarmupComputeBuffer() throws Exception {
        DeploymentPlan text = plan(
                "gpus: [{model: nvidia-rtx3090, count: 2}]",
                "- {name: chat, model: qwen3-5-4b, quant: Q5_K_M, node: n1, context: 32768}");
        DeploymentPlan vision = plan(
                "gpus: [{model: nvidia-rtx3090, count: 2}]",
                "- {name: chat, model: qwen3-5-4b, quant: Q5_K_M, node: n1, context: 32768, vision: true}");
        List<DeviceMemory> gpus = vision.memory().gpus();
        assertThat(gpus.get(0).projectorWeights().value()).isEqualTo(MMPROJ_4B);
        assertThat(gpus.get(0).projectorCompute().value()).isEqualTo(COMPUTE_4B_FA);
        assertThat(Bytes.of(COMPUTE_4B_FA).mib()).isCloseTo(223.30, org.assertj.core.data.Offset.offset(0.005));
        assertThat(gpus.get(1).projector()).isEqualTo(Bytes.ZERO);
        assertThat(vision.memory().host().projector()).isEqualTo(Bytes.ZERO);
        // the projector adds exactly its two parts to GPU 0 and changes nothing else
        assertThat(gpus.get(0).used().minus(text.memory().gpus().get(0).used()).value())
                .isEqualTo(MMPROJ_4B + COMPUTE_4B_FA);
        assertThat(gpus.get(1).used()).isEqualTo(text.memory().gpus().get(1).used());
        assertThat(vision.memory().host().used()).isEqualTo(text.memory().host().used());
        assertThat(ServerArgs.of(vision)).doesNotContain("--no-mmproj", "--no-mmproj-offload");
        assertThat(ServerArgs.of(text)).contains("--no-mmproj");
    }

    @Test
    void visionOffloadFalseKeepsTheProjectorInHostMemory() throws Exception {
        DeploymentPlan p = plan(
                "gpus: [{model: nvidia-rtx3090}]",
                "- {name: chat, model: qwen3-5-4b, quant: Q5_K_M, node: n1, context: 32768, vision: true,"
                        + " visionOffload: false}");
        assertThat(p.memory().gpus().get(0).projector()).isEqualTo(Bytes.ZERO);
        assertThat(p.memory().host().projectorWeights().value()).isEqualTo(MMPROJ_4B);
        assertThat(p.memory().host().projectorCompute().value()).isEqualTo(COMPUTE_4B_FA);
        assertThat(ServerArgs.of(p)).contains("--no-mmproj-offload").doesNotContain("--no-mmproj");
    }

    @Test
    void withoutFlashAttentionTheProjectorHoldsALayersAttentionScores() throws Exception {
        DeploymentPlan p = plan(
                "gpus: [{model: nvidia-rtx3090}]",
                "- {name: chat, model: qwen3-5-4b, quant: Q5_K_M, node: n1, context: 8192, vision: true,"
                        + " flashAttn: \"off\"}");
        // 16 heads x 8464 patches (1472 / 16 = 92 per side) squared, F32, plus the rest of the stage
        assertThat(p.memory().gpus().get(0).projectorCompute().value()).isEqualTo(COMPUTE_4B_NO_FA);
        assertThat(COMPUTE_4B_NO_FA).isGreaterThan(4L * 16 * 8464 * 8464);
    }

    @Test
    void onACpuOnlyNodeTheProjectorIsHostMemory() throws Exception {
        DeploymentPlan p =
                plan("", "- {name: chat, model: gemma-3-4b, quant: Q4_K_M, node: n1, context: 8192, vision: true}");
        assertThat(p.memory().host().projectorWeights())
                .isEqualTo(TestSupport.catalog()
                        .model("gemma-3-4b")
                        .orElseThrow()
                        .capabilities()
                        .vision()
                        .orElseThrow()
                        .file()
                        .size());
        // SigLIP at 896 px: 4096 patches; measured 121.25 MiB with flash attention (results/mmproj-cpu.jsonl)
        assertThat(p.memory().host().projectorCompute().value()).isEqualTo(127_139_840L);
    }

    @Test
    void theProjectorCanCostTheContext() throws Exception {
        // a 3060's 12 GiB: Qwen3.5 9B Q4_K_M at its largest context, with and without the 1152-wide tower
        DeploymentPlan text =
                plan("gpus: [{model: nvidia-rtx3060}]", "- {name: chat, model: qwen3-5-9b, quant: Q4_K_M, node: n1}");
        DeploymentPlan vision = plan(
                "gpus: [{model: nvidia-rtx3060}]",
                "- {name: chat, model: qwen3-5-9b, quant: Q4_K_M, node: n1, vision: true}");
        assertThat(vision.ctxSize()).isLessThanOrEqualTo(text.ctxSize());
        assertThat(vision.memory().gpus().get(0).used())
                .isLessThanOrEqualTo(vision.memory()
                        .gpus()
                        .get(0)
                        .capacity()
                        .minus(vision.memory().gpuReserve()));
    }

    @Test
    void visionOnAModelWithoutAProjectorIsAnErrorWithAFix() {
        String yaml = PlannerTest.inventory("gpus: [{model: nvidia-rtx3090}]", "64GiB", """
                - {name: a, model: llama-3-1-8b, quant: Q4_K_M, node: n1, vision: true}
                - {name: b, model: qwen3-5-4b, quant: Q4_K_M, node: n1, visionOffload: false, port: 8081}
                """);
        assertThatThrownBy(() -> TestSupport.inventory(yaml))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("deployments[0].vision: model llama-3-1-8b has no vision projector")
                .hasMessageContaining("pick a model with vision (e.g. qwen3-5-4b, gemma-3-4b)")
                .hasMessageContaining("deployments[1].visionOffload: visionOffload applies only to a deployment with")
                .hasMessageContaining("set `vision: true` or remove `visionOffload`");
    }

    @Test
    void visionOffloadOnACpuOnlyNodeIsAnError() {
        String yaml = PlannerTest.inventory(
                "",
                "64GiB",
                "- {name: a, model: qwen3-5-4b, quant: Q4_K_M, node: n1, vision: true, visionOffload: false}");
        assertThatThrownBy(() -> TestSupport.inventory(yaml))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("node n1 has no GPU: the projector is in host memory anyway")
                .hasMessageContaining("remove `visionOffload`");
    }

    @Test
    void aCatalogProjectorWithoutMeasuredComputeCannotBeAskedFor() throws Exception {
        var m = TestSupport.catalog().model("qwen3-5-4b").orElseThrow();
        var v = m.capabilities().vision().orElseThrow();
        assertThat(v.compute(true)).hasValue(Bytes.of(COMPUTE_4B_FA));
        assertThat(v.compute(false)).hasValue(Bytes.of(COMPUTE_4B_NO_FA));
        assertThat(v.computeSource()).startsWith("measured:").contains("pull/22673");
        var fileOnly = eu.prositronic.core.catalog.ModelSpec.Vision.fileOnly(v.file());
        assertThat(fileOnly.compute(true)).isEmpty();
    }
}
