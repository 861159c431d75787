package eu.prositronic.core.gguf;

import eu.prositronic.core.ggml.GgmlType;
import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of the GGUF tensor table: name, shape (ne0 = innermost, as ggml orders it), type and the offset of
 * the data relative to the start of the data section.
 */
public final class GgufTensorInfo {
    /**
     * GGML_MAX_NAME in ggml.h: names must be shorter than this (63 bytes + NUL).
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/ggml/include/ggml.h#L228-L230">ggml/include/ggml.h L228-L230</a>
     */
    public static final int MAX_NAME_BYTES = 63;
    /**
     * GGML_MAX_DIMS in ggml.h.
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/ggml/include/ggml.h#L222-L222">ggml/include/ggml.h L222</a>
     */
    public static final int MAX_DIMS = 4;

    private final String name;
    private final long[] shape;
    private final GgmlType type;
    private final long offset;

    public GgufTensorInfo(String name, long[] shape, GgmlType type, long offset) {
        this.name = Objects.requireNonNull(name, "name");
        this.shape = shape.clone();
        this.type = Objects.requireNonNull(type, "type");
        this.offset = offset;
    }

    public String name() {
        return name;
    }

    /** Shape in ggml order (ne[0] first); a copy. */
    public long[] shape() {
        return shape.clone();
    }

    public int nDims() {
        return shape.length;
    }

    public long ne(int i) {
        return i < shape.length ? shape[i] : 1;
    }

    public GgmlType type() {
        return type;
    }

    /** Offset of the data relative to the data section. */
    public long offset() {
        return offset;
    }

    public long elements() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** ggml_nbytes of the tensor. */
    public long bytes() {
        return type.bytes(shape);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof GgufTensorInfo)) {
            return false;
        }
        GgufTensorInfo t = (GgufTensorInfo) o;
        return name.equals(t.name) && Arrays.equals(shape, t.shape) && type == t.type && offset == t.offset;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(shape), type, offset);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(shape) + " @" + offset;
    }
}
