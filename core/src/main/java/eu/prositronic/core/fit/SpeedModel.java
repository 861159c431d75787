package eu.prositronic.core.fit;

import eu.prositronic.core.catalog.Hardware;

/**
 * A roofline estimate of llama-server's speed. Generation is memory-bound: every token reads the weights it uses (MoE:
 * the shared part and k/E of the routed experts), the KV cache up to the current depth, and reads and writes the
 * recurrent state; time is bytes over bandwidth on each device, summed over the GPU and host parts. Prompt processing
 * is compute-bound: 2 FLOPs per active parameter per token over the device's FP16 throughput. Efficiencies are
 * calibrated on public llama-bench results (cited below); every output labels the result an estimate.
 */
public final class SpeedModel {
    private SpeedModel() {}

    /** Context depth at which generation speed is quoted: a typical chat turn, not the empty cache. */
    public static final long QUOTED_DEPTH = 4096;

    /**
     * Bandwidth efficiency of token generation on a GPU for large reads: RTX 3090, Llama 8B Q4_0, 155 t/s at 936 GB/s
     * (~0.77, ggml-org/llama.cpp PR #15802); RTX 4090 8B Q4_0 at 32k depth ~0.87 (PR #17505).
     */
    static final double GPU_BANDWIDTH_EFFICIENCY_LARGE = 0.8;

    /** Small models lose to kernel launch overhead: RTX 4090, Qwen2 3B Q4_0 (1.86 GiB), 236 t/s, ~0.47 (PR #12183). */
    static final double GPU_BANDWIDTH_EFFICIENCY_SMALL = 0.47;

    /** CPU decode reaches about 60 % of the nominal RAM bandwidth (estimate; thin public data). */
    static final double CPU_BANDWIDTH_EFFICIENCY = 0.6;

    /**
     * Prompt throughput over the catalog's FP16 (non-tensor) TFLOPS: RTX 4090 (82.6 TFLOPS) runs Llama 8B Q4_0 pp512 at
     * 10358 t/s (PR #7676): 10358 × 2 × 8.03e9 / 82.6e12 ≈ 2.0 (tensor cores double the FP16 rate).
     */
    static final double GPU_PROMPT_EFFICIENCY = 2.0;

    /**
     * Pre-Volta NVIDIA cards have no tensor cores: half the FP32 peak (estimate). At the pin llama.cpp's cuBLAS path
     * computes in F16 only where {@code fast_fp16_hardware_available(cc)} (NVIDIA cc ≥ 6.0 except 6.1), so cc 6.1
     * (GTX 10xx, P40) and Maxwell multiply in FP32 while the P100 (cc 6.0) uses F16; int8 dp4a needs cc ≥ 6.1, so
     * Maxwell has none.
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/ggml/src/ggml-cuda/ggml-cuda.cu#L1622-L1628">ggml/src/ggml-cuda/ggml-cuda.cu L1622-L1628</a>
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/ggml/src/ggml-cuda/common.cuh#L320-L323">ggml/src/ggml-cuda/common.cuh L320-L323</a>
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/ggml/src/ggml-cuda/common.cuh#L51-L51">ggml/src/ggml-cuda/common.cuh L51</a>
     */
    static final double PRE_VOLTA_PROMPT_EFFICIENCY = 0.5;

    /** CPU prompt FLOPs per core per second: AVX2/AVX-512 FMA at ~3 GHz, ~50 % utilised (estimate). */
    static final double CPU_FLOPS_PER_CORE = 50e9;

    public record Estimate(double generation, double prompt) {}

    /**
     * @param gpuBytesPerToken bytes read from GPU memory per generated token
     * @param hostBytesPerToken bytes read from host memory per generated token
     * @param activeParams parameters used per token (for prompt FLOPs)
     */
    public static Estimate estimate(
            Hardware gpu,
            int gpuCount,
            long hostBandwidth,
            int cpuCores,
            long gpuBytesPerToken,
            long hostBytesPerToken,
            long activeParams,
            boolean promptOnGpu) {
        double seconds = 0;
        if (gpuBytesPerToken > 0 && gpu != null) {
            double eff = gpuEfficiency(gpuBytesPerToken);
            // layer split: devices work one after another, so bandwidth does not add up across GPUs
            seconds += gpuBytesPerToken / (eff * gpu.memoryBandwidthBytesPerSecond());
        }
        if (hostBytesPerToken > 0) {
            seconds += hostBytesPerToken / (CPU_BANDWIDTH_EFFICIENCY * hostBandwidth);
        }
        double generation = seconds > 0 ? 1 / seconds : 0;
        double flopsPerToken = 2.0 * activeParams;
        double prompt;
        if (promptOnGpu && gpu != null) {
            boolean preVolta = gpu.vendor() == eu.prositronic.core.catalog.Hardware.Vendor.NVIDIA
                    && gpu.computeCapabilityValue() < 70;
            prompt = preVolta
                    ? PRE_VOLTA_PROMPT_EFFICIENCY * Math.max(gpu.fp16Tflops(), gpu.fp32Tflops()) * 1e12 / flopsPerToken
                    : GPU_PROMPT_EFFICIENCY * gpu.fp16Tflops() * 1e12 / flopsPerToken;
        } else {
            prompt = CPU_FLOPS_PER_CORE * Math.max(1, cpuCores) / flopsPerToken;
        }
        return new Estimate(round(generation), round(prompt));
    }

    /** Efficiency interpolated on the log of the bytes read per token between the small and large calibration points. */
    static double gpuEfficiency(long bytesPerToken) {
        double small = 2.0e9;
        double large = 5.0e9;
        if (bytesPerToken <= small) {
            return GPU_BANDWIDTH_EFFICIENCY_SMALL;
        }
        if (bytesPerToken >= large) {
            return GPU_BANDWIDTH_EFFICIENCY_LARGE;
        }
        double t = Math.log(bytesPerToken / small) / Math.log(large / small);
        return GPU_BANDWIDTH_EFFICIENCY_SMALL + t * (GPU_BANDWIDTH_EFFICIENCY_LARGE - GPU_BANDWIDTH_EFFICIENCY_SMALL);
    }

    static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
