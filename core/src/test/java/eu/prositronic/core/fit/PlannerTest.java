package eu.prositronic.core.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.prositronic.TestSupport;
import eu.prositronic.core.catalog.Backend;
import eu.prositronic.core.console.NoFitMessage;
import eu.prositronic.core.emit.ServerArgs;
import org.junit.jupiter.api.Test;

class PlannerTest {
    static String inventory(String gpus, String ram, String deployments) {
        return """
                cluster: {name: lab, namespace: llm}
                nodes:
                  - name: n1
                    address: 10.0.0.1
                    ram: %s
                    cpu: {cores: 16}
                    %s
                deployments:
                %s
                """.formatted(ram, gpus, deployments.indent(2));
    }

    static Plan plan(String gpus, String ram, String deployments) throws Exception {
        return Planner.plan(TestSupport.inventory(inventory(gpus, ram, deployments)), TestSupport.catalog());
    }

    @Test
    void qwen35_4bQ5OnA24GbCardGetsItsFullContext() throws Exception {
        DeploymentPlan p = plan(
                        "gpus: [{model: nvidia-rtx3090}]",
                        "64GiB",
                        "- {name: chat, model: qwen3-5-4b, quant: Q5_K_M, node: n1, context: max}")
                .deployments()
                .get(0);
        assertThat(p.ctxSize()).isEqualTo(262144);
        assertThat(p.layoutKind()).isEqualTo(LayoutKind.FULL);
        assertThat(p.gpuLayers()).isEqualTo(p.layers()).isEqualTo(33);
        assertThat(p.backend()).isEqualTo(Backend.CUDA13);
        DeviceMemory gpu = p.memory().devices().get(0);
        assertThat(gpu.kvCache().value()).isEqualTo(8L << 30);
        assertThat(gpu.used().value())
                .isEqualTo(gpu.weights().value()
                        + gpu.kvCache().value()
                        + gpu.recurrentState().value()
                        + gpu.compute().value()
                        + gpu.overhead().value());
        assertThat(gpu.used().plus(p.memory().gpuReserve())).isLessThanOrEqualTo(gpu.capacity());
    }

    @Test
    void twoServersOnACpuBoxSplitItsCoresAndRequestWhatTheyUse() throws Exception {
        Plan plan = plan(
                "",
                "64GiB",
                "- {name: a, model: qwen3-5-0-8b, quant: Q4_0, node: n1, context: 8192}\n"
                        + "- {name: b, model: qwen3-5-0-8b, quant: Q4_0, node: n1, context: 8192, port: 8081}\n"
                        + "- {name: c, model: qwen3-5-0-8b, quant: Q4_0, node: n1, context: 8192, port: 8082}");
        for (DeploymentPlan p : plan.deployments()) {
            assertThat(p.threads()).as(p.name() + ": 16 cores among 3 servers").isEqualTo(5);
            java.util.List<String> args = ServerArgs.of(p);
            assertThat(args.get(args.indexOf("--threads") + 1)).isEqualTo("5");
            assertThat(eu.prositronic.core.emit.ChartValues.Release.of(
                                    p, TestSupport.catalog().images())
                            .resources()
                            .requests()
                            .cpu())
                    .as("the chart requests the cores the server computes on")
                    .isEqualTo("5");
        }
        DeploymentPlan alone = plan("", "64GiB", "- {name: a, model: qwen3-5-0-8b, quant: Q4_0, node: n1}")
                .deployments()
                .get(0);
        assertThat(alone.threads()).isEqualTo(16);
    }

    @Test
    void aGpuServerKeepsLlamaCppsThreadDefault() throws Exception {
        DeploymentPlan p = plan(
                        "gpus: [{model: nvidia-rtx3090}]",
                        "64GiB",
                        "- {name: chat, model: qwen3-5-4b, quant: Q5_K_M, node: n1, context: 8192}")
                .deployments()
                .get(0);
        assertThat(p.threads()).isZero();
        assertThat(ServerArgs.of(p)).doesNotContain("--threads");
        assertThat(eu.prositronic.core.emit.ChartValues.Release.of(
                                p, TestSupport.catalog().images())
                        .resources()
                        .requests()
                        .cpu())
                .isEqualTo("1");
    }

    @Test
    void theLargestContextIsAMultipleOf256ThatFillsTheCard() throws Exception {
        DeploymentPlan p = plan(
                        "gpus: [{model: nvidia-rtx3060}]",
                        "32GiB",
                        "- {name: big, model: qwen3-5-9b, quant: Q8_0, node: n1}")
                .deployments()
                .get(0);
        assertThat(p.ctxSize() % 256).isZero();
        assertThat(p.ctxSize()).isBetween(4096L, 262143L);
        DeviceMemory gpu = p.memory().devices().get(0);
        long free = gpu.capacity().value()
                - p.memory().gpuReserve().value()
                - gpu.used().value();
        // one more step of 256 tokens would not fit: the KV of 256 tokens is more than what is left
        assertThat(free).isLessThan(256L * 32 * 1024 + 2L * 256 * 512 + 1024);
        assertThat(p.notes()).anySatisfy(n -> assertThat(n).contains("context limited by memory"));
    }

    @Test
    void moeExpertsGoToTheCpuBeforeWholeLayers() throws Exception {
        DeploymentPlan p = plan(
                        "gpus: [{model: nvidia-rtx3090}]",
                        "128GiB",
                        "- {name: moe, model: qwen3-5-122b-a10b, quant: Q4_K_M, node: n1, context: 32768}")
                .deployments()
                .get(0);
        assertThat(p.layoutKind()).isEqualTo(LayoutKind.MOE_EXPERTS_ON_CPU);
        assertThat(p.gpuLayers()).isEqualTo(p.layers());
        assertThat(p.nCpuMoe()).isPositive();
        assertThat(ServerArgs.of(p)).containsSequence("--n-cpu-moe", String.valueOf(p.nCpuMoe()));
    }

    @Test
    void aDenseModelTooLargeForTheCardIsPartiallyOffloaded() throws Exception {
        DeploymentPlan p = plan(
                        "gpus: [{model: nvidia-rtx3090}]",
                        "128GiB",
                        "- {name: big, model: llama-3-3-70b, quant: Q4_K_M, node: n1, context: 8192}")
                .deployments()
                .get(0);
        assertThat(p.layoutKind()).isEqualTo(LayoutKind.PARTIAL);
        assertThat(p.gpuLayers()).isBetween(1, p.layers() - 1);
        assertThat(p.memory().host().weights().value())
                .as("CPU layers on the host")
                .isGreaterThan(10L << 30);
    }

    @Test
    void twoGpusSplitByMemory() throws Exception {
        DeploymentPlan p = plan(
                        "gpus: [{model: nvidia-rtx3090, count: 2}]",
                        "128GiB",
                        "- {name: big, model: qwen3-5-27b, quant: Q8_0, node: n1}")
                .deployments()
                .get(0);
        assertThat(p.tensorSplit()).containsExactly(1, 1);
        assertThat(ServerArgs.of(p)).containsSequence("--tensor-split", "1,1");
        assertThat(p.hardware()).isEqualTo("2x-nvidia-rtx3090");
        assertThat(p.memory().devices()).hasSize(3);
        assertThat(p.memory().gpus().get(0).weights().value()).isPositive();
        assertThat(p.memory().gpus().get(1).weights().value()).isPositive();
    }

    @Test
    void aGpuWithARuntimeReportedTotalIsPlannedAgainstItAndPlanJsonSaysSo() throws Exception {
        // the RTX 3090's catalog entry: 24,576 MiB as nvidia-smi reports it, 24,123 MiB as the CUDA runtime does
        // (llama.cpp's memory breakdown in a public issue); the fit plans into the smaller one
        var rtx3090 = TestSupport.catalog().hardware("nvidia-rtx3090").orElseThrow();
        assertThat(rtx3090.memory().mib()).isEqualTo(24576.0);
        assertThat(rtx3090.plannedMemory().mib()).isEqualTo(24123.0);
        assertThat(rtx3090.usableMemory().orElseThrow().source())
                .contains("https://github.com/ggml-org/llama.cpp/issues/24608");
        DeploymentPlan p = plan(
                        "gpus: [{model: nvidia-rtx3090}]",
                        "64GiB",
                        "- {name: chat, model: qwen3-5-9b, quant: Q8_0, node: n1, context: max}")
                .deployments()
                .get(0);
        DeviceMemory gpu = p.memory().gpus().get(0);
        assertThat(gpu.capacity()).isEqualTo(rtx3090.plannedMemory());
        assertThat(gpu.used().plus(p.memory().gpuReserve())).isLessThanOrEqualTo(rtx3090.plannedMemory());
        var json = eu.prositronic.core.emit.PlanJson.gpuMemory(p);
        assertThat(json).singleElement().satisfies(g -> {
            assertThat(g.basis()).isEqualTo("runtime");
            assertThat(g.plannedBytes()).isEqualTo(24123L << 20);
            assertThat(g.nominalBytes()).isEqualTo(24576L << 20);
            assertThat(g.source()).startsWith("usableMemoryBytes: https://");
        });
        // a GPU without one is planned against its nominal total, and says so
        DeploymentPlan q = plan(
                        "gpus: [{model: nvidia-rtx3060}]",
                        "32GiB",
                        "- {name: small, model: qwen3-5-4b, quant: Q4_K_M, node: n1}")
                .deployments()
                .get(0);
        assertThat(eu.prositronic.core.emit.PlanJson.gpuMemory(q).get(0).basis())
                .isEqualTo("nominal");
    }

    @Test
    void deploymentsOnOneNodeShareItsMemory() throws Exception {
        Plan plan = plan("gpus: [{model: nvidia-rtx4090}]", "64GiB", """
                - {name: a, model: qwen3-5-4b, quant: Q4_K_M, node: n1}
                - {name: b, model: qwen3-5-0-8b, quant: Q8_0, node: n1, port: 8081, context: 32768}
                """);
        long used = plan.deployments().stream()
                .mapToLong(d -> d.memory().gpus().get(0).used().value())
                .sum();
        long capacity =
                plan.deployments().get(0).memory().gpus().get(0).capacity().value();
        assertThat(used)
                .isLessThanOrEqualTo(capacity
                        - plan.deployments().get(0).memory().gpuReserve().value());
        assertThat(plan.deployments().get(1).ctxSize()).isEqualTo(32768);
        assertThat(plan.nodes().get(0).shares())
                .extracting(Plan.Share::deployment)
                .contains("a", "b");
    }

    @Test
    void aDeploymentThatCannotFitSaysWhatItNeedsAndWhatWouldFit() {
        assertThatThrownBy(() -> plan(
                        "gpus: [{model: nvidia-rtx3060}]",
                        "16GiB",
                        "- {name: big, model: qwen3-5-27b, quant: Q8_0, node: n1, context: 131072}"))
                .isInstanceOf(NoFitException.class)
                .extracting(e -> NoFitMessage.format(((NoFitException) e).noFits()))
                .asString()
                .contains("deployment `big` (qwen3-5-27b Q8_0, 131072 tokens) does not fit node n1")
                .contains("on nvidia-rtx3060:0")
                .contains("Plans that fit:");
    }

    @Test
    void preVoltaCardsEstimatePromptSpeedFromTheirFp32Rate() throws Exception {
        DeploymentPlan pascal = plan(
                        "gpus: [{model: nvidia-gtx1080ti}]",
                        "32GiB",
                        "- {name: chat, model: qwen3-5-4b, quant: Q4_K_M, node: n1, context: 8192}")
                .deployments()
                .get(0);
        assertThat(pascal.backend()).isEqualTo(Backend.CUDA12);
        // int8 dp4a (cc 6.1) at half its 2 × FP32 peak: 11.34 TFLOPS / (2 × 4.2e9 FLOPs per token) ≈ 1,350 tokens/s,
        // not the 1:64 FP16 rate's 21
        assertThat(pascal.speed().promptTokensPerSecond()).isBetween(1000.0, 1700.0);
    }
}
