package eu.prositronic.core.fit;

import eu.prositronic.core.catalog.Hardware;
import java.util.List;
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
 * only the training rows of the benchmark's split were used (SpeedBenchmark in the core's tests, {@code
 * scripts/speed-benchmark}). The split is by source: every row of one published run (one source URL) is on the same
 * side, so no holdout row has a sibling of its run in training. Constants without rows are marked "estimate".
 *
 * <p>Fallback rules, fixed before any holdout figure of this split was computed (tools/speed/fit.py applies the same):
 * a device class with no training row takes the median bandwidth share of the fitted classes of its vendor (else of
 * all); a backend with no training row, the median per-layer cost of the fitted backends; an architecture with no
 * training prompt row, the RDNA3 factor if it is RDNA (else the median of the fitted RDNA factors), any other the
 * median of the fitted NVIDIA factors ({@link #MATRIX_RATE_OTHER}); any other constant with no training row keeps its prior, marked "estimate".
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
     * published), soft-L1 loss) on the 26 training generation rows; the rows each constant rests on are named. Several
     * rest on one or two rows (AMD CDNA, Vulkan, llama-server, the GPU hop): those are the weakest.
     */

    /**
     * Effective share of the nominal memory bandwidth that decode reaches, per device class: NVIDIA datacenter 0.57
     * (rows 2, 4, 5, 7, 9, 10, 12, 13: H100 PCIe, A100 SXM), NVIDIA GDDR 0.86 (rows 19, 21, 23, 24, 33, 46, 48, 68,
     * 70, 71, 73, 75, 82, 96), AMD CDNA 0.76 (row 66 only: 8× MI300X), AMD RDNA 0.82 (rows 79, 80, 87). The
     * datacenter cards' low share is why an H100 or H200 decodes far below its HBM bandwidth. CPU: estimate (the
     * published CPU rows name no CPU, so their bandwidth is unknown).
     */
    static final Map<DeviceClass, Double> BANDWIDTH_EFFICIENCY = Map.of(
            DeviceClass.NVIDIA_DATACENTER, 0.57,
            DeviceClass.NVIDIA_GDDR, 0.86,
            DeviceClass.AMD_CDNA, 0.76,
            DeviceClass.AMD_RDNA, 0.82,
            DeviceClass.CPU, 0.6);

    /** F16 weights stream at the quantized rate (fitted 1.0 at its upper bound on rows 5, 10, 24, 87). */
    static final double F16_WEIGHT_EFFICIENCY = 1.0;

    /**
     * Per-layer cost of one decode step in seconds (kernel launches, synchronisation), by backend: CUDA 6.6 µs (rows
     * 2, 4, 5, 7, 9, 10, 12, 13, 19, 21, 23, 24, 33, 46, 48, 68, 70, 71, 73, 75, 82, 96), ROCm 112 µs (rows 66, 79,
     * 80), Vulkan 300 µs (row 87 only); CPU: estimate.
     */
    static final Map<String, Double> LAYER_SECONDS =
            Map.of("cuda", 6.6e-6, "rocm", 112e-6, "vulkan", 300e-6, "cpu", 5e-6);

    /**
     * Extra per-layer cost of 2024 builds (before b3000): 78 µs (rows 2, 4, 5, 7, 9, 10, 12, 13, 19, 21, 23, 24, 33).
     */
    static final double LAYER_SECONDS_2024 = 78e-6;

    /** Cost of each routed expert on each MoE layer (ids, gather, weighting): 12 µs (rows 48, 68, 70, 71, 75, 87). */
    static final double ROUTED_EXPERT_SECONDS = 12e-6;

    /**
     * llama-server's per-token work over llama-bench's (sampling, streaming, slot bookkeeping): 3.4 ms, fitted on row
     * 96 alone (an RTX 4090 llama-server figure): the weakest constant of the model.
     */
    static final double SERVER_TOKEN_SECONDS = 3.4e-3;

    /**
     * Each extra GPU of a layer split adds a device hop per token: 1.15 ms, fitted on rows 33 (2× RTX 3090) and 66 (8×
     * MI300X) alone, together with the CDNA bandwidth share on row 66.
     */
    static final double GPU_HOP_SECONDS = 1.15e-3;

    /** A GPU/host crossing per token during partial offload (activations over PCIe, synchronisation): estimate. */
    static final double PCIE_CROSSING_SECONDS = 50e-6;

    /** Host-to-GPU bandwidth for offloaded weights during prompt processing (PCIe 4.0 x16 in practice): estimate. */
    static final double PCIE_BYTES_PER_SECOND = 25e9;

    // ---- prompt -----------------------------------------------------------------------------------------------------

    /**
     * Effective prompt matrix rate as a multiple of the catalog's FP16 vector TFLOPS, per GPU architecture: what
     * llama.cpp's MMQ and cuBLAS (NVIDIA tensor cores) and rocWMMA/hipBLAS or Vulkan coopmat (AMD) reach end to end,
     * fitted on the 22 training prompt rows (tools/speed/fit.py) together with the attention and expert-batch constants
     * below: Turing 1.44 (row 85 only), Ampere 1.33 (rows 8, 11, 32, 45, 47, 81), Ada 1.30 (rows 18, 20, 22, 72, 74),
     * Hopper 1.20 (rows 1, 3, 6), Blackwell 2.49 (rows 67, 69, 76), CDNA3 1.15 (row 64 only: MI300X), RDNA3 0.39 (rows
     * 77, 78), RDNA3.5 0.20 (row 86 only, Vulkan). The catalog's RDNA FP16 figure counts dual issue, which matmuls do
     * not get: hence the small RDNA factors.
     */
    static final Map<String, Double> MATRIX_RATE = Map.of(
            "turing", 1.44,
            "ampere", 1.33,
            "ada", 1.30,
            "hopper", 1.20,
            "blackwell", 2.49,
            "cdna3", 1.15,
            "rdna3", 0.39,
            "rdna3.5", 0.20);

    /**
     * Architectures without a training row (Volta, CDNA2, ...), by the fallback rule fixed before the holdout was
     * computed: the median of the fitted NVIDIA factors above (the catalog's FP16 figure of NVIDIA and CDNA cards is the
     * vector rate without dual issue). Radeon (gfx10–12) without its own factor takes {@link #MATRIX_RATE_RDNA_OTHER}.
     */
    static final double MATRIX_RATE_OTHER = median(MATRIX_RATE.entrySet().stream()
            .filter(e -> !e.getKey().startsWith("rdna") && !e.getKey().startsWith("cdna"))
            .map(Map.Entry::getValue)
            .toList());

    /**
     * Radeon architectures without a training row (RDNA2, RDNA4): the fitted RDNA3 factor (discrete Radeon on ROCm, as
     * most Radeon deployments are; RDNA3.5's factor is an iGPU on Vulkan).
     */
    static final double MATRIX_RATE_RDNA_OTHER = MATRIX_RATE.get("rdna3");

    static double median(List<Double> v) {
        List<Double> s = v.stream().sorted().toList();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

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
     * Expert-batch efficiency t / (t + t0), t = tokens per routed expert per ubatch: t0 = 180 tokens (rows 47, 67, 69,
     * 72, 76, 86). At the default -ub 512, Qwen3-30B-A3B's experts (8 of 128) see 32 tokens each and run at 15 % of the
     * dense rate; gpt-oss's (4 of 32) see 64 and run at 26 %.
     */
    static final double EXPERT_BATCH_HALF = 180;

    /**
     * Attention matmuls run at the full matrix rate (fitted 1.0 at its upper bound on rows 3, 72, 74, 76, 77, 78, 81).
     */
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
            k = DeviceClass.of(gpu) == DeviceClass.AMD_RDNA ? MATRIX_RATE_RDNA_OTHER : MATRIX_RATE_OTHER;
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
