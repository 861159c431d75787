package eu.prositronic.core.gguf;

/**
 * GGUF metadata value types ({@code enum gguf_type} in ggml/include/gguf.h). Ids are stored as int32 in the file.
 *
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/ggml/include/gguf.h#L53-L68">ggml/include/gguf.h L53-L68</a>
 */
public enum GgufValueType {
    UINT8(0, 1),
    INT8(1, 1),
    UINT16(2, 2),
    INT16(3, 2),
    UINT32(4, 4),
    INT32(5, 4),
    FLOAT32(6, 4),
    BOOL(7, 1),
    STRING(8, -1),
    ARRAY(9, -1),
    UINT64(10, 8),
    INT64(11, 8),
    FLOAT64(12, 8);

    private final int id;
    private final int size;

    GgufValueType(int id, int size) {
        this.id = id;
        this.size = size;
    }

    public int id() {
        return id;
    }

    /** Fixed size in bytes, or -1 for STRING and ARRAY. */
    public int size() {
        return size;
    }

    /** Returns the type with the given id, or null if the id is not a GGUF type. */
    public static GgufValueType fromIdOrNull(int id) {
        for (GgufValueType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        return null;
    }
}
