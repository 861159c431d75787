package eu.prositronic.core.fit;

import eu.prositronic.core.ggml.GgmlType;
import eu.prositronic.core.inventory.CpuIsa;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which CPU-resident weights llama.cpp copies into a second, anonymous buffer besides the memory-mapped file: the CPU
 * backend's extra buffer types ({@code AMX} first where the CPU has AMX-INT8, then {@code CPU_REPACK}) take a matmul
 * weight when its type has a kernel for the CPU's instruction set. The weight is then loaded into that buffer, a copy
 * next to the mapped file (RepackOracleTest measures it).
 *
 * <p>Only without a GPU: with a GPU backend present, the GPU's host buffer type (pinned memory, for offloading large
 * batches) is placed before the extra buffer types in the CPU's list, so CPU-resident weights go there and are only
 * mapped: no repacked copy (as GPU logs show: {@code CPU_Mapped} buffers only).
 *
 * <p>Not modelled: repacking also needs the row count to be a multiple of the interleave (4 or 8), which every tensor
 * of the catalog's models meets.
 *
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-model.cpp#L1076-L1108">src/llama-model.cpp L1076-L1108 (make_cpu_buft_list: host buffer before extra buffers)</a>
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/ggml/src/ggml-cpu/ggml-cpu.cpp#L42-L75">ggml/src/ggml-cpu/ggml-cpu.cpp L42-L75 (AMX before CPU_REPACK)</a>
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/ggml/src/ggml-cpu/repack.cpp#L4925-L5140">ggml/src/ggml-cpu/repack.cpp L4925-L5140 (ggml_repack_get_optimal_repack_type)</a>
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/ggml/src/ggml-cpu/amx/common.h#L106-L115">ggml/src/ggml-cpu/amx/common.h L106-L115 (qtype_has_amx_kernels)</a>
 */
public final class CpuRepack {
    private CpuRepack() {}

    /** Types with a repack kernel on AVX2: Q4_0 8x8, Q4_K 8x8, IQ4_NL 8x8, MXFP4 8x8. */
    private static final Set<GgmlType> X86_AVX2 =
            Set.copyOf(EnumSet.of(GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.IQ4_NL, GgmlType.MXFP4));

    /** AVX-512 adds Q2_K 8x8. */
    private static final Set<GgmlType> X86_AVX512 = union(X86_AVX2, EnumSet.of(GgmlType.Q2_K));

    /** The AMX buffer type's kernels (tried first) plus what the repack buffer takes of the rest. */
    private static final Set<GgmlType> X86_AMX =
            union(X86_AVX512, EnumSet.of(GgmlType.Q4_1, GgmlType.Q8_0, GgmlType.Q5_K, GgmlType.Q6_K, GgmlType.IQ4_XS));

    /** NEON with dot product: Q4_0 4x4, Q4_K 8x4, Q5_K 8x4, Q6_K 8x4, IQ4_NL 4x4, MXFP4 4x4, Q8_0 4x4, Q1_0. */
    private static final Set<GgmlType> ARM_NEON = Set.copyOf(EnumSet.of(
            GgmlType.Q4_0,
            GgmlType.Q4_K,
            GgmlType.Q5_K,
            GgmlType.Q6_K,
            GgmlType.IQ4_NL,
            GgmlType.MXFP4,
            GgmlType.Q8_0,
            GgmlType.Q1_0));

    /** The types whose CPU-resident matmul weights get a repacked copy on this CPU, with or without a GPU. */
    public static Set<GgmlType> repacked(CpuIsa isa, boolean gpuBackend) {
        if (gpuBackend) {
            return Set.of();
        }
        return switch (isa) {
            case AVX2 -> X86_AVX2;
            case AVX512 -> X86_AVX512;
            case AMX -> X86_AMX;
            case NEON, NEON_I8MM -> ARM_NEON; // i8mm changes the kernels (4x8, 8x8), not the set of types
        };
    }

    public static boolean isRepacked(GgmlType type, CpuIsa isa, boolean gpuBackend) {
        return repacked(isa, gpuBackend).contains(type);
    }

    private static Set<GgmlType> union(Set<GgmlType> a, Set<GgmlType> b) {
        EnumSet<GgmlType> all = EnumSet.copyOf(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
