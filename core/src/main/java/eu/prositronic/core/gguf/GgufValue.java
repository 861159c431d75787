package eu.prositronic.core.gguf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One GGUF metadata value: a scalar, a string, or an array of scalars or strings (GGUF has no nested arrays
 * in practice: ggml's gguf.cpp rejects them).
 *
 * <p>Java representation of the payload: all integer types as {@link Long} (UINT64 holds the unsigned bit
 * pattern; use {@link Long#toUnsignedString}), FLOAT32 as {@link Float}, FLOAT64 as {@link Double}, BOOL as
 * {@link Boolean}, STRING as {@link String}, ARRAY as an unmodifiable {@code List} of those.
 *
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/ggml/src/gguf.cpp#L583-L611">ggml/src/gguf.cpp L583-L611</a>
 */
public final class GgufValue {
    private final GgufValueType type;
    private final GgufValueType elementType; // only for ARRAY
    private final Object value;

    private GgufValue(GgufValueType type, GgufValueType elementType, Object value) {
        this.type = type;
        this.elementType = elementType;
        this.value = value;
    }

    public static GgufValue uint8(int v) {
        return ofInteger(GgufValueType.UINT8, v);
    }

    public static GgufValue int8(int v) {
        return ofInteger(GgufValueType.INT8, v);
    }

    public static GgufValue uint16(int v) {
        return ofInteger(GgufValueType.UINT16, v);
    }

    public static GgufValue int16(int v) {
        return ofInteger(GgufValueType.INT16, v);
    }

    public static GgufValue uint32(long v) {
        return ofInteger(GgufValueType.UINT32, v);
    }

    public static GgufValue int32(int v) {
        return ofInteger(GgufValueType.INT32, v);
    }

    /** UINT64 from the unsigned bit pattern in {@code v}. */
    public static GgufValue uint64(long v) {
        return new GgufValue(GgufValueType.UINT64, null, v);
    }

    public static GgufValue int64(long v) {
        return new GgufValue(GgufValueType.INT64, null, v);
    }

    public static GgufValue float32(float v) {
        return new GgufValue(GgufValueType.FLOAT32, null, v);
    }

    public static GgufValue float64(double v) {
        return new GgufValue(GgufValueType.FLOAT64, null, v);
    }

    public static GgufValue bool(boolean v) {
        return new GgufValue(GgufValueType.BOOL, null, v);
    }

    public static GgufValue string(String v) {
        return new GgufValue(GgufValueType.STRING, null, Objects.requireNonNull(v, "string value"));
    }

    /**
     * An array of the given element type. Elements are checked and normalised like the scalar factories
     * (integers become Long, FLOAT32 Float, FLOAT64 Double).
     */
    public static GgufValue array(GgufValueType elementType, List<?> elements) {
        if (elementType == GgufValueType.ARRAY) {
            throw new IllegalArgumentException("nested GGUF arrays are not supported");
        }
        List<Object> copy = new ArrayList<>(elements.size());
        for (Object e : elements) {
            copy.add(normalise(elementType, e));
        }
        return new GgufValue(GgufValueType.ARRAY, elementType, Collections.unmodifiableList(copy));
    }

    public static GgufValue stringArray(List<String> elements) {
        return array(GgufValueType.STRING, elements);
    }

    public static GgufValue int32Array(int... v) {
        List<Object> l = new ArrayList<>(v.length);
        for (int x : v) {
            l.add((long) x);
        }
        return new GgufValue(GgufValueType.ARRAY, GgufValueType.INT32, Collections.unmodifiableList(l));
    }

    public static GgufValue float32Array(float... v) {
        List<Object> l = new ArrayList<>(v.length);
        for (float x : v) {
            l.add(x);
        }
        return new GgufValue(GgufValueType.ARRAY, GgufValueType.FLOAT32, Collections.unmodifiableList(l));
    }

    /** Package-private: used by the reader, which has already produced normalised payloads. */
    static GgufValue raw(GgufValueType type, GgufValueType elementType, Object value) {
        return new GgufValue(type, elementType, value);
    }

    private static GgufValue ofInteger(GgufValueType t, long v) {
        return new GgufValue(t, null, normalise(t, v));
    }

    static Object normalise(GgufValueType t, Object v) {
        Objects.requireNonNull(v, "GGUF value");
        switch (t) {
            case UINT8:
                return checkRange(t, v, 0, 0xFF);
            case INT8:
                return checkRange(t, v, Byte.MIN_VALUE, Byte.MAX_VALUE);
            case UINT16:
                return checkRange(t, v, 0, 0xFFFF);
            case INT16:
                return checkRange(t, v, Short.MIN_VALUE, Short.MAX_VALUE);
            case UINT32:
                return checkRange(t, v, 0, 0xFFFFFFFFL);
            case INT32:
                return checkRange(t, v, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case UINT64:
            case INT64:
                return ((Number) v).longValue();
            case FLOAT32:
                return ((Number) v).floatValue();
            case FLOAT64:
                return ((Number) v).doubleValue();
            case BOOL:
                return (Boolean) v;
            case STRING:
                return (String) v;
            default:
                throw new IllegalArgumentException("not a scalar GGUF type: " + t);
        }
    }

    private static Long checkRange(GgufValueType t, Object v, long min, long max) {
        if (!(v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte)) {
            throw new IllegalArgumentException(
                    t + " needs an integer, got " + v.getClass().getSimpleName());
        }
        long x = ((Number) v).longValue();
        if (x < min || x > max) {
            throw new IllegalArgumentException(t + " value out of range: " + x);
        }
        return x;
    }

    public GgufValueType type() {
        return type;
    }

    /** Element type of an ARRAY, null otherwise. */
    public GgufValueType elementType() {
        return elementType;
    }

    /** The payload (see class comment). */
    public Object value() {
        return value;
    }

    public long asLong() {
        return ((Number) value).longValue();
    }

    public double asDouble() {
        return ((Number) value).doubleValue();
    }

    public String asString() {
        return (String) value;
    }

    public boolean asBoolean() {
        return (Boolean) value;
    }

    @SuppressWarnings("unchecked")
    public List<Object> asList() {
        return (List<Object>) value;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof GgufValue)) {
            return false;
        }
        GgufValue other = (GgufValue) o;
        return type == other.type && elementType == other.elementType && value.equals(other.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, elementType, value);
    }

    @Override
    public String toString() {
        if (type == GgufValueType.ARRAY) {
            List<Object> l = asList();
            return "[" + elementType + " x " + l.size() + "]";
        }
        return type + ":" + value;
    }
}
