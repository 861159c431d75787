package eu.prositronic.core.input;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * KV cache element types llama-server accepts ({@code kv_cache_types} in common/arg.cpp). Sizes are the ggml block
 * sizes from the static_asserts in ggml/src/ggml-common.h: bytes per block of {@code blockSize} elements.
 */
public enum CacheType {
    F16(1, 2),
    BF16(1, 2),
    Q8_0(32, 34),
    Q5_1(32, 24),
    Q5_0(32, 22),
    Q4_1(32, 20),
    Q4_0(32, 18),
    IQ4_NL(32, 18);

    public final int blockSize;
    public final int blockBytes;

    CacheType(int blockSize, int blockBytes) {
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    /** Bytes of a row of {@code elements} values; ggml rows are whole blocks. */
    public long rowBytes(long elements) {
        return (elements / blockSize) * blockBytes;
    }

    public boolean quantized() {
        return blockSize > 1;
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
