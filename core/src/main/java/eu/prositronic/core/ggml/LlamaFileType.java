package eu.prositronic.core.ggml;

import java.util.Optional;

/**
 * The file types of llama.h {@code enum llama_ftype}: the id a GGUF stores in {@code general.file_type}, the name the
 * catalog gives the quantization, and the tensor type most weights of such a file have ({@code
 * llama_ftype_get_default_type} in src/llama-quant.cpp). The one home of these ids; block sizes stay in {@link
 * GgmlType}.
 *
 * <p>Ids 4..6 and 33..35 were removed upstream. {@code LLAMA_FTYPE_MOSTLY_MXFP4_MOE} (38) is called {@code MXFP4} here,
 * as in the catalog. Source read: include/llama.h of ggml-org/llama.cpp master. At the pin llama.h already defines
 * NVFP4 = 39 and Q1_0 = 40, and also {@code LLAMA_FTYPE_MOSTLY_Q2_0} = 41, which this enum lacks ({@link #fromId} is
 * empty for it); and {@code llama_ftype_get_default_type} has no case for NVFP4 (it returns {@code GGML_TYPE_COUNT}),
 * so NVFP4's default type here is this enum's own. Known gaps, for a later issue.
 *
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/include/llama.h#L117-L161">include/llama.h L117-L161</a>
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-quant.cpp#L847-L890">src/llama-quant.cpp L847-L890</a>
 */
public enum LlamaFileType {
    F32(0, GgmlType.F32), // LLAMA_FTYPE_ALL_F32
    F16(1, GgmlType.F16),
    Q4_0(2, GgmlType.Q4_0),
    Q4_1(3, GgmlType.Q4_1),
    Q8_0(7, GgmlType.Q8_0),
    Q5_0(8, GgmlType.Q5_0),
    Q5_1(9, GgmlType.Q5_1),
    Q2_K(10, GgmlType.Q2_K),
    Q3_K_S(11, GgmlType.Q3_K),
    Q3_K_M(12, GgmlType.Q3_K),
    Q3_K_L(13, GgmlType.Q3_K),
    Q4_K_S(14, GgmlType.Q4_K),
    Q4_K_M(15, GgmlType.Q4_K),
    Q5_K_S(16, GgmlType.Q5_K),
    Q5_K_M(17, GgmlType.Q5_K),
    Q6_K(18, GgmlType.Q6_K),
    IQ2_XXS(19, GgmlType.IQ2_XXS),
    IQ2_XS(20, GgmlType.IQ2_XS),
    Q2_K_S(21, GgmlType.Q2_K),
    IQ3_XS(22, GgmlType.IQ3_S),
    IQ3_XXS(23, GgmlType.IQ3_XXS),
    IQ1_S(24, GgmlType.IQ1_S),
    IQ4_NL(25, GgmlType.IQ4_NL),
    IQ3_S(26, GgmlType.IQ3_S),
    IQ3_M(27, GgmlType.IQ3_S),
    IQ2_S(28, GgmlType.IQ2_XS),
    IQ2_M(29, GgmlType.IQ2_S),
    IQ4_XS(30, GgmlType.IQ4_XS),
    IQ1_M(31, GgmlType.IQ1_M),
    BF16(32, GgmlType.BF16),
    TQ1_0(36, GgmlType.TQ1_0),
    TQ2_0(37, GgmlType.TQ2_0),
    MXFP4(38, GgmlType.MXFP4), // LLAMA_FTYPE_MOSTLY_MXFP4_MOE
    NVFP4(39, GgmlType.NVFP4),
    Q1_0(40, GgmlType.Q1_0),
    /** Not specified in the model file. */
    GUESSED(1024, null);

    private final int id;
    private final GgmlType defaultType;

    LlamaFileType(int id, GgmlType defaultType) {
        this.id = id;
        this.defaultType = defaultType;
    }

    /** The value of {@code general.file_type}. */
    public int id() {
        return id;
    }

    /** The type most weights get ({@code llama_ftype_get_default_type}); empty for {@link #GUESSED}. */
    public Optional<GgmlType> defaultType() {
        return Optional.ofNullable(defaultType);
    }

    /** The file type of a {@code general.file_type} value; empty for an id llama.h does not (or no longer) define. */
    public static Optional<LlamaFileType> fromId(long id) {
        for (LlamaFileType t : values()) {
            if (t.id == id) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /**
     * The file type of a file whose every weight matrix is {@code weights} (a synthetic file): the one file type with
     * that default type, or {@link #GUESSED} when there is none or several (Q4_K is Q4_K_S or Q4_K_M).
     */
    public static LlamaFileType uniform(GgmlType weights) {
        LlamaFileType found = GUESSED;
        for (LlamaFileType t : values()) {
            if (t.defaultType == weights) {
                if (found != GUESSED) {
                    return GUESSED;
                }
                found = t;
            }
        }
        return found;
    }
}
