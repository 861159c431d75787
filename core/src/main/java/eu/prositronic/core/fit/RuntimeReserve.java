package eu.prositronic.core.fit;

import eu.prositronic.core.catalog.Backend;
import eu.prositronic.core.units.Bytes;

/**
 * What a llama-server process costs on a GPU beyond the buffers llama.cpp logs (driver context, the math libraries'
 * handles and workspaces, the runtime's own allocations), per backend: the GPU's memory in use (nvidia-smi, rocm-smi,
 * the Vulkan budget) minus the logged model, KV, recurrent-state and compute buffers. Estimates from public logs,
 * rounded up, each with its source; tools/gpu-measure measures CUDA on a lent GPU and
 * tools/llama-measure/results/gpu-public-logs.md lists the evidence.
 */
public final class RuntimeReserve {
    private RuntimeReserve() {}

    /**
     * CUDA 12 and 13: the primary context alone is 107 MiB (RTX 4060 Ti) to 555 MiB (RTX PRO 6000), growing with the
     * SM count, and llama.cpp's own breakdown left 749 MiB "unaccounted" on an RTX PRO 6000 Max-Q; cuBLAS adds its
     * handle and workspace. 640 MiB covers the data-center cards without a measured figure of its own.
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/pull/23604">llama.cpp PR #23604 (context cost 107–555 MiB)</a>
     * @see <a href="https://github.com/ggml-org/llama.cpp/issues/27953">llama.cpp #27953 (749 MiB unaccounted)</a>
     */
    public static final Bytes CUDA = Bytes.ofMiB(640);

    /**
     * ROCm: 486 MiB per GPU, four MI-class GPUs' counters minus llama.cpp's buffers (105.45 of 107.35 GiB).
     *
     * @see <a href="https://github.com/tmac1973/llama-toolchest/pull/163">llama-toolchest PR #163</a>
     */
    public static final Bytes ROCM = Bytes.ofMiB(512);

    /**
     * Vulkan: 26.7 MiB (RTX 3060 Laptop) and 54.0 MiB (RTX 3080 Ti), nvidia-smi minus the logged buffers.
     *
     * @see <a href="https://github.com/HilbertraumAI/HilbertRaum/blob/43e88cbfc8fea8e41445af2ae062343aa090bcff/eval/results/hardware/i9-14900k-rtx-3080-ti-12gb-64gb/leg5-np1-verify.comment.md">RTX 3080 Ti log</a>
     * @see <a href="https://github.com/HilbertraumAI/HilbertRaum/blob/5e07f43f8f587792aa948ea328f8d665588e67c9/eval/results/hardware/ryzen-7-5800h-rtx-3060-laptop-6gb-14gb/leg4-partial-9b.comment.md">RTX 3060 Laptop log</a>
     */
    public static final Bytes VULKAN = Bytes.ofMiB(64);

    /** The reserve per GPU for a backend; nothing for the CPU build. */
    public static Bytes of(Backend backend) {
        return switch (backend) {
            case CUDA12, CUDA13 -> CUDA;
            case ROCM -> ROCM;
            case VULKAN -> VULKAN;
            case CPU -> Bytes.ZERO;
        };
    }
}
