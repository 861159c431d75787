package eu.prositronic.core.fit;

import eu.prositronic.core.catalog.Hardware;
import java.util.Locale;
import java.util.Map;

/**
 * A calibrated estimate of llama.cpp's speed for one stream (docs/fit-engine.md, "Speed").
 *
 * <p>Generation, seconds per token = a per-token floor (a kernel-launch cost per layer, a cost per routed expert on MoE
 * layers, llama-server's own per-token work, a hop per extra GPU) + the bytes the token reads from GPU memory (weights
 * used, KV cache and recurrent state at the depth) over the GPU class's effective bandwidth + the bytes read from host
 * memory over the host's effective bandwidth (offloaded layers) + a PCIe round trip per GPU/host crossing.
 *
 * <p>Prompt, seconds per token = the dense matmul FLOPs over the device's effective matrix rate (per vendor and
 * generation) + the routed-expert FLOPs over that rate times the expert-batch efficiency (tokens per expert per ubatch,
 * t / (t + t0)) + the attention FLOPs at the depth + (partial offload) the host weights copied over PCIe once per
 * ubatch.
 *
 * <p>Every fitted constant names the rows of {@code tools/speed/published.tsv} it was fitted on (its {@code id} column);
 * only the training rows of the benchmark's fixed split were used (SpeedBenchmark in the core's tests, {@code
 * scripts/speed-benchmark}). Constants without rows are marked "estimate".
 */
public final class SpeedModel {
    private SpeedModel() {}

    /** Context depth at which generation speed is quoted: a typical chat turn, not the empty cache. */
    public static final long QUOTED_DEPTH = 4096;

    /** Prompt length at which prompt speed is quoted, on an empty context. */
    public static final int QUOTED_PROMPT_TOKENS = 2048;

    /** Builds before this number (mid-2024) pay a higher per-layer cost (no CUDA graphs by default, older kernels). */
    static final int MODERN_BUILD = 3000;

    /** The device classes the constants are fitted per. */
    public enum DeviceClass {
        /** NVIDIA with HBM: V100, A100, H100, H200, B200 (compute capability 7.0, 8.0, 9.0, 10.0). */
        NVIDIA_DATACENTER,
        /** NVIDIA with GDDR: GeForce, RTX workstation, L4/L40S, A10, T4 (7.5, 8.6, 8.9, 12.0) and pre-Volta. */
        NVIDIA_GDDR,
        /** AMD Instinct (gfx9: CDNA). */
        AMD_CDNA,
        /** AMD Radeon, integrated Radeon included (gfx10–12: RDNA). */
        AMD_RDNA,
        CPU;

        public String key() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static DeviceClass of(Hardware h) {
            if (h == null || h.kind() == Hardware.Kind.CPU) {
                return CPU;
            }
            if (h.vendor() == Hardware.Vendor.AMD) {
                return h.gfxTarget().orElse("").startsWith("gfx9") ? AMD_CDNA : AMD_RDNA;
            }
            int cc = h.computeCapabilityValue();
            return cc == 70 || cc == 80 || cc == 90 || cc == 100 ? NVIDIA_DATACENTER : NVIDIA_GDDR;
        }
    }

    // ---- generation -------------------------------------------------------------------------------------------------

    /*
     * The generation constants below were fitted together (tools/speed/fit.py: least squares on log(estimate /
     * published), soft-L1 loss) on the 28 training generation rows; the rows each constant rests on are named.
     */

    /**
     * Effective share of the nominal memory bandwidth that decode reaches, per device class: NVIDIA datacenter 0.57
     * (rows 2, 5, 7, 9, 10, 13, 17, 29: H100 PCIe, A100), NVIDIA GDDR 0.86 (rows 19, 21, 23, 31, 33, 46, 48, 68, 71,
     * 73, 75, 91, 92, 94), AMD CDNA 0.48 (row 66 only: 8× MI300X), AMD RDNA 0.93 (rows 80, 83, 84, 87, 99). The
     * datacenter cards' low share is why an H100 or H200 decodes far below its HBM bandwidth. CPU: estimate (the
     * published CPU rows name no CPU, so their bandwidth is unknown).
     */
    static final Map<DeviceClass, Double> BANDWIDTH_EFFICIENCY = Map.of(
            DeviceClass.NVIDIA_DATACENTER, 0.57,
            DeviceClass.NVIDIA_GDDR, 0.86,
            DeviceClass.AMD_CDNA, 0.48,
            DeviceClass.AMD_RDNA, 0.93,
            DeviceClass.CPU, 0.6);

    /** F16 weights stream at the quantized rate (fitted 1.0 at its upper bound on rows 5, 10, 87, 92). */
    static final double F16_WEIGHT_EFFICIENCY = 1.0;

    /**
     * Per-layer cost of one decode step in seconds (kernel launches, synchronisation), by backend: CUDA 18 µs (rows 2,
     * 5, 7, 9, 10, 13, 17, 19, 21, 23, 29, 31, 33, 46, 48, 68, 71, 73, 75, 91, 92, 94), ROCm 135 µs (rows 66, 80, 83,
     * 84, 99), Vulkan 370 µs (row 87 only); CPU: estimate.
     */
    static final Map<String, Double> LAYER_SECONDS =
            Map.of("cuda", 18e-6, "rocm", 135e-6, "vulkan", 370e-6, "cpu", 5e-6);

    /** Extra per-layer cost of 2024 builds (before b3000): 60 µs (rows 2, 5, 7, 9, 10, 13, 17, 19, 21, 23, 29, 31, 33, 91, 92). */
    static final double LAYER_SECONDS_2024 = 60e-6;

    /** Cost of each routed expert on each MoE layer (ids, gather, weighting): 10 µs (rows 48, 68, 71, 75, 87, 99). */
    static final double ROUTED_EXPERT_SECONDS = 10e-6;

    /**
     * llama-server's per-token work over llama-bench's (sampling, streaming, slot bookkeeping): 3.4 ms, fitted on row
     * 99 alone (an approximate web-UI figure): the weakest constant of the model.
     */
    static final double SERVER_TOKEN_SECONDS = 3.4e-3;

    /** Each extra GPU of a layer split adds a device hop per token: fitted 0 on rows 29, 31, 33, 66. */
    static final double GPU_HOP_SECONDS = 0;

    /** A GPU/host crossing per token during partial offload (activations over PCIe, synchronisation): estimate. */
    static final double PCIE_CROSSING_SECONDS = 50e-6;

    /** Host-to-GPU bandwidth for offloaded weights during prompt processing (PCIe 4.0 x16 in practice): estimate. */
    static final double PCIE_BYTES_PER_SECOND = 25e9;

    // ---- prompt -----------------------------------------------------------------------------------------------------

    /**
     * Effective prompt matrix rate as a multiple of the catalog's FP16 vector TFLOPS, per GPU architecture: what
     * llama.cpp's MMQ and cuBLAS (NVIDIA tensor cores) and rocWMMA/hipBLAS or Vulkan coopmat (AMD) reach end to end,
     * fitted on the 18 training prompt rows (tools/speed/fit.py) together with the attention and expert-batch constants
     * below: Turing 1.44 (row 85), Ampere 1.34 (rows 8, 11, 14, 25, 32, 45, 47), Ada 1.41 (rows 20, 22, 72, 74), Hopper
     * 1.33 (rows 3, 6, 28), Blackwell 2.59 (row 69), RDNA3 0.40 (row 77), RDNA3.5 0.20 (row 86, Vulkan). The catalog's
     * RDNA FP16 figure counts dual issue, which matmuls do not get: hence the small RDNA factors.
     */
    static final Map<String, Double> MATRIX_RATE = Map.of(
            "turing", 1.44,
            "ampere", 1.34,
            "ada", 1.41,
            "hopper", 1.33,
            "blackwell", 2.59,
            "rdna3", 0.40,
            "rdna3.5", 0.20);

    /**
     * Architectures without a training row (CDNA, Volta, ...): the median of the NVIDIA factors above (estimate; no
     * training row). Radeon (gfx10–12) takes the RDNA3 factor.
     */
    static final double MATRIX_RATE_OTHER = 1.41;

    /**
     * Pre-Volta NVIDIA cards have no tensor cores; llama.cpp multiplies quantized weights with int8 dp4a (cc ≥ 6.1,
     * four int8 products per lane per clock: twice the FP32 FLOPS peak, taken at half) or FP32 (Maxwell, at half the
     * FP32 peak): estimates, no published row.
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/ggml/src/ggml-cuda/common.cuh#L320-L323">ggml/src/ggml-cuda/common.cuh L320-L323</a>
     */
    static final double PRE_VOLTA_DP4A_RATE = 1.0;

    static final double PRE_VOLTA_FP32_RATE = 0.5;

    /**
     * Expert-batch efficiency t / (t + t0), t = tokens per routed expert per ubatch: t0 = 187 tokens (rows 47, 69, 72,
     * 86). At the default -ub 512, Qwen3-30B-A3B's experts (8 of 128) see 32 tokens each and run at 15 % of the dense
     * rate; gpt-oss's (4 of 32) see 64 and run at 25 %.
     */
    static final double EXPERT_BATCH_HALF = 187;

    /** Attention matmuls run at the full matrix rate (fitted 1.0 at its upper bound on rows 3, 72, 74, 77). */
    static final double ATTENTION_EFFICIENCY = 1.0;

    /** CPU prompt FLOPs per core per second: AVX2/AVX-512 FMA at ~3 GHz, ~50 % utilised (estimate). */
    static final double CPU_FLOPS_PER_CORE = 50e9;

    /**
     * What one token costs, as the engine sees the deployment.
     *
     * @param gpuWeightBytes weight bytes one decode step reads from GPU memory (MoE: the used experts)
     * @param hostWeightBytes weight bytes read from host memory (offloaded layers or experts)
     * @param gpuContextBytes KV cache and recurrent state read from GPU memory at the generation depth
     * @param hostContextBytes the same in host memory
     * @param blocks transformer blocks evaluated per token
     * @param moeBlocks blocks with routed experts
     * @param expertsUsed routed experts per token per MoE block
     * @param expertCount routed experts per MoE block
     * @param denseParams active parameters per token outside the routed experts (output projection included)
     * @param expertParams routed-expert parameters used per token
     * @param attentionFlopsPerDepthToken attention FLOPs per prompt token per token of context before it
     * @param f16Weights the weights are stored unquantized (F16/BF16/F32)
     * @param hostCrossings GPU/host boundaries a token crosses (partial offload)
     */
    public record Workload(
            long gpuWeightBytes,
            long hostWeightBytes,
            long gpuContextBytes,
            long hostContextBytes,
            int blocks,
            int moeBlocks,
            int expertsUsed,
            int expertCount,
            long denseParams,
            long expertParams,
            double attentionFlopsPerDepthToken,
            boolean f16Weights,
            int hostCrossings) {}

    /**
     * The conditions a figure holds under.
     *
     * @param backend "cuda", "rocm", "vulkan" or "cpu"
     * @param build llama.cpp build number ({@code 0}: unknown, taken as current)
     * @param server the figure is llama-server's (its per-token work included), not llama-bench's
     * @param promptTokens prompt length of the prompt figure
     * @param promptDepth tokens already in the context when the prompt starts
     * @param ubatch {@code -ub}
     */
    public record Conditions(
            String backend, int build, boolean server, int promptTokens, long promptDepth, int ubatch) {}

    /** Tokens per second, generation and prompt. */
    public record Rates(double generation, double prompt) {}

    /**
     * @param gpu the GPU model ({@code null}: CPU only)
     * @param gpuCount GPUs of a layer split (they work one after another)
     * @param hostBandwidth host RAM bandwidth, bytes/s
     */
    public static Rates estimate(
            Hardware gpu,
            int gpuCount,
            long hostBandwidth,
            int cpuCores,
            Workload w,
            Conditions c,
            boolean promptOnGpu) {
        return new Rates(
                1 / generationSeconds(gpu, gpuCount, hostBandwidth, w, c),
                1 / promptSeconds(gpu, cpuCores, w, c, promptOnGpu));
    }

    static double generationSeconds(Hardware gpu, int gpuCount, long hostBandwidth, Workload w, Conditions c) {
        DeviceClass cls = DeviceClass.of(gpu);
        boolean onGpu = gpu != null && w.gpuWeightBytes() + w.gpuContextBytes() > 0;
        String family = onGpu ? c.backend() : "cpu";
        double layer = LAYER_SECONDS.getOrDefault(family, LAYER_SECONDS.get("cuda"));
        if (onGpu && c.build() > 0 && c.build() < MODERN_BUILD) {
            layer += LAYER_SECONDS_2024;
        }
        double t = w.blocks() * layer + (double) w.moeBlocks() * w.expertsUsed() * ROUTED_EXPERT_SECONDS;
        if (c.server()) {
            t += SERVER_TOKEN_SECONDS;
        }
        if (onGpu) {
            double eff = BANDWIDTH_EFFICIENCY.get(cls) * (w.f16Weights() ? F16_WEIGHT_EFFICIENCY : 1.0);
            t += (w.gpuWeightBytes() + w.gpuContextBytes()) / (eff * gpu.memoryBandwidthBytesPerSecond());
            t += Math.max(0, gpuCount - 1) * GPU_HOP_SECONDS;
        }
        long host = w.hostWeightBytes() + w.hostContextBytes();
        if (host > 0) {
            t += host / (BANDWIDTH_EFFICIENCY.get(DeviceClass.CPU) * hostBandwidth);
            t += w.hostCrossings() * PCIE_CROSSING_SECONDS;
        }
        return t;
    }

    static double promptSeconds(Hardware gpu, int cpuCores, Workload w, Conditions c, boolean promptOnGpu) {
        double avgDepth = c.promptDepth() + c.promptTokens() / 2.0;
        double attention = w.attentionFlopsPerDepthToken() * avgDepth;
        if (!promptOnGpu || gpu == null) {
            double rate = CPU_FLOPS_PER_CORE * Math.max(1, cpuCores);
            return (2.0 * (w.denseParams() + w.expertParams()) + attention) / rate;
        }
        double rate = matrixRate(gpu);
        double t = 2.0 * w.denseParams() / rate + attention / (rate * ATTENTION_EFFICIENCY);
        if (w.expertParams() > 0) {
            double perExpert = (double) Math.min(c.promptTokens(), c.ubatch()) * w.expertsUsed() / w.expertCount();
            double batchEff = perExpert / (perExpert + EXPERT_BATCH_HALF);
            t += 2.0 * w.expertParams() / (rate * batchEff);
        }
        if (w.hostWeightBytes() > 0) {
            // llama.cpp copies offloaded weights to the GPU for large batches: once per ubatch
            t += w.hostWeightBytes() / PCIE_BYTES_PER_SECOND / Math.min(c.promptTokens(), c.ubatch());
        }
        return t;
    }

    /** The effective matrix FLOPs per second of llama.cpp's prompt path on this GPU. */
    public static double matrixRate(Hardware gpu) {
        if (gpu.vendor() == Hardware.Vendor.NVIDIA && gpu.computeCapabilityValue() < 70) {
            return gpu.computeCapabilityValue() >= 61
                    ? PRE_VOLTA_DP4A_RATE * gpu.fp32Tflops() * 1e12
                    : PRE_VOLTA_FP32_RATE * gpu.fp32Tflops() * 1e12;
        }
        Double k = MATRIX_RATE.get(gpu.architecture().toLowerCase(Locale.ROOT));
        if (k == null) {
            k = DeviceClass.of(gpu) == DeviceClass.AMD_RDNA ? MATRIX_RATE.get("rdna3") : MATRIX_RATE_OTHER;
        }
        return k * gpu.fp16Tflops() * 1e12;
    }

    /** Relative half-width of the range the report and plan quote around each figure (docs/fit-engine.md). */
    public static final double GENERATION_RANGE = 0.15;

    public static final double PROMPT_RANGE = 0.25;

    static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
