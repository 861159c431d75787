package eu.prositronic.core.inventory;

import eu.prositronic.core.ggml.GgmlType;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * KV cache element types llama-server accepts ({@code kv_cache_types} in common/arg.cpp), each a ggml type.
 *
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/common/arg.cpp#L304-L314">common/arg.cpp L304-L314</a>
 */
public enum CacheType {
    F16(GgmlType.F16),
    BF16(GgmlType.BF16),
    Q8_0(GgmlType.Q8_0),
    Q5_1(GgmlType.Q5_1),
    Q5_0(GgmlType.Q5_0),
    Q4_1(GgmlType.Q4_1),
    Q4_0(GgmlType.Q4_0),
    IQ4_NL(GgmlType.IQ4_NL);

    public final GgmlType ggml;

    CacheType(GgmlType ggml) {
        this.ggml = ggml;
    }

    /** Bytes of a row of {@code elements} values; ggml rows are whole blocks. */
    public long rowBytes(long elements) {
        return ggml.rowSize(elements);
    }

    public boolean quantized() {
        return ggml.isQuantized();
    }

    /** The spelling of llama.cpp's flags: {@code q8_0}. */
    public String flag() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static List<String> flags() {
        return Arrays.stream(values()).map(CacheType::flag).toList();
    }

    public static CacheType fromFlag(String flag) {
        return valueOf(flag.toUpperCase(Locale.ROOT));
    }
}
