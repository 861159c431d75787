package eu.prositronic.core.ggml;

/**
 * ggml tensor types with their block size (elements per block) and type size (bytes per block).
 *
 * <p>Ids are {@code enum ggml_type} in ggml/include/ggml.h. Block and type sizes follow the
 * {@code static_assert(sizeof(block_*) == ...)} lines in ggml/src/ggml-common.h (QK4_0 = 32, QK_K = 256, ...)
 * and the {@code type_traits} table in ggml/src/ggml.c; they match {@code GGML_QUANT_SIZES} in
 * gguf-py/gguf/constants.py. Source read: llama.cpp release bundled with node-llama-cpp 3.22.1 (tag v0.5.0,
 * ggml 0.25.1). Ids 4, 5 and 31..33, 36..38 were removed upstream and are not listed.
 *
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/ggml/include/ggml.h#L389-L433">ggml/include/ggml.h L389-L433</a>
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/ggml/src/ggml-common.h#L89-L460">ggml/src/ggml-common.h L89-L460</a>
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/ggml/src/ggml.c#L632-L946">ggml/src/ggml.c L632-L946</a>
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/gguf-py/gguf/constants.py#L5876-L5912">gguf-py/gguf/constants.py L5876-L5912</a>
 */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 18), // ggml_half d + QK4_0/2
    Q4_1(3, 32, 20), // 2 * ggml_half + QK4_1/2
    Q5_0(6, 32, 22), // ggml_half + uint32 qh + QK5_0/2
    Q5_1(7, 32, 24), // 2 * ggml_half + uint32 qh + QK5_1/2
    Q8_0(8, 32, 34), // ggml_half + QK8_0
    Q8_1(9, 32, 36), // 2 * ggml_half + QK8_1
    Q2_K(10, 256, 84), // 2*half + QK_K/16 + QK_K/4
    Q3_K(11, 256, 110), // half + QK_K/4 + QK_K/8 + 12
    Q4_K(12, 256, 144), // 2*half + K_SCALE_SIZE(12) + QK_K/2
    Q5_K(13, 256, 176), // 2*half + 12 + QK_K/2 + QK_K/8
    Q6_K(14, 256, 210), // half + QK_K/16 + 3*QK_K/4
    Q8_K(15, 256, 292), // float + QK_K + QK_K/16 * int16
    IQ2_XXS(16, 256, 66), // half + QK_K/8 * uint16
    IQ2_XS(17, 256, 74), // half + QK_K/8 * uint16 + QK_K/32
    IQ3_XXS(18, 256, 98), // half + 3*(QK_K/8)
    IQ1_S(19, 256, 50), // half + QK_K/8 + QK_K/16
    IQ4_NL(20, 32, 18), // half + QK4_NL/2
    IQ3_S(21, 256, 110), // half + 13*(QK_K/32) + IQ3S_N_SCALE(QK_K/64)
    IQ2_S(22, 256, 82), // half + QK_K/4 + QK_K/16
    IQ4_XS(23, 256, 136), // half + uint16 + QK_K/64 + QK_K/2
    I8(24, 1, 1),
    I16(25, 1, 2),
    I32(26, 1, 4),
    I64(27, 1, 8),
    F64(28, 1, 8),
    IQ1_M(29, 256, 56), // QK_K/8 + QK_K/16 + QK_K/32
    BF16(30, 1, 2),
    TQ1_0(34, 256, 54), // half + QK_K/64 + (QK_K - 4*QK_K/64)/5
    TQ2_0(35, 256, 66), // half + QK_K/4
    MXFP4(39, 32, 17), // uint8 e + QK_MXFP4/2
    NVFP4(40, 64, 36), // QK_NVFP4/QK_NVFP4_SUB scales + QK_NVFP4/2
    Q1_0(41, 128, 18), // half + QK1_0/8
    Q2_0(42, 64, 18); // half + QK2_0/4

    /** GGML_TYPE_COUNT in the release read; ids at or above it are invalid. */
    public static final int GGML_TYPE_COUNT = 43;

    private final int id;
    private final int blockSize;
    private final int typeSize;

    GgmlType(int id, int blockSize, int typeSize) {
        this.id = id;
        this.blockSize = blockSize;
        this.typeSize = typeSize;
    }

    /** The numeric id stored in GGUF tensor infos. */
    public int id() {
        return id;
    }

    /** Elements per block ({@code ggml_blck_size}). */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block ({@code ggml_type_size}). */
    public int typeSize() {
        return typeSize;
    }

    /** True for block-quantized types (block size greater than one). */
    public boolean isQuantized() {
        return blockSize > 1;
    }

    /** Bytes of one row of {@code ne0} elements ({@code ggml_row_size}); ne0 must be a multiple of the block size. */
    public long rowSize(long ne0) {
        if (ne0 % blockSize != 0) {
            throw new IllegalArgumentException(
                    name() + ": row of " + ne0 + " elements is not a multiple of block size " + blockSize);
        }
        return ne0 / blockSize * typeSize;
    }

    /** Bytes of a tensor with the given shape ({@code ggml_nbytes} for a contiguous tensor). */
    public long bytes(long... shape) {
        if (shape.length == 0) {
            return typeSize; // scalar: one element, only meaningful for block size 1
        }
        long n = rowSize(shape[0]);
        for (int i = 1; i < shape.length; i++) {
            n = Math.multiplyExact(n, shape[i]);
        }
        return n;
    }

    /** Bits per weight of the type (8 * typeSize / blockSize). */
    public double bitsPerWeight() {
        return 8.0 * typeSize / blockSize;
    }

    /** Looks a type up by its GGUF id; throws for unknown or removed ids. */
    public static GgmlType fromId(int id) {
        for (GgmlType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown ggml type id " + id);
    }

    /** Looks a type up by name, case-insensitive ("q8_0", "F16", ...). */
    public static GgmlType fromName(String name) {
        for (GgmlType t : values()) {
            if (t.name().equalsIgnoreCase(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown ggml type name " + name);
    }
}
