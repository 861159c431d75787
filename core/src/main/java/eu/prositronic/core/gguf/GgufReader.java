package eu.prositronic.core.gguf;

import eu.prositronic.core.ggml.GgmlType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

/**
 * Reads the header, metadata and tensor table of a GGUF file (versions 2 and 3, little endian). Tensor data is not
 * read. The checks mirror ggml/src/gguf.cpp {@code gguf_init_from_reader} (called by {@code gguf_init_from_file_ptr},
 * {@code gguf_init_from_buffer} and {@code gguf_init_from_callback}; there is no {@code gguf_init_from_file_impl} at
 * the pin): magic, version, non-empty and unique keys, known value types, no nested arrays, general.alignment UINT32
 * and a power of two, at most 4 dimensions, non-negative dimensions, known ggml type, row size a multiple of the block
 * size, unique tensor names shorter than 64 bytes, contiguous offsets (each offset equals the sum of the padded sizes
 * before it) and the data section inside the file (gguf.cpp seeks to the data section relative to the GGUF start, and
 * checks its size against the file only when it loads the data). Every failure is a {@link GgufFormatException}
 * carrying the byte offset.
 *
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/ggml/src/gguf.cpp#L459-L803">ggml/src/gguf.cpp L459-L803</a>
 */
public final class GgufReader {
    /** Longest string accepted (1 GiB); longer lengths are treated as corruption. */
    public static final long MAX_STRING_BYTES = 1L << 30;
    /** GGUF_MAX_ARRAY_ELEMENTS-like sanity bound on array lengths. */
    public static final long MAX_ARRAY_ELEMENTS = 1L << 31;

    private final GgufSource ch;
    private final long size;
    private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    private long bufStart; // file offset of buf position 0
    private long pos; // logical read position

    private GgufReader(GgufSource ch) throws IOException {
        this.ch = ch;
        this.size = ch.size();
        buf.limit(0);
        bufStart = 0;
        pos = 0;
    }

    /** Reads and validates {@code path}. */
    public static GgufFile read(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return read(GgufSource.of(ch));
        }
    }

    /** Reads and validates the header of any source: a local file, or a remote one fetched by HTTP range requests. */
    public static GgufFile read(GgufSource source) throws IOException {
        return new GgufReader(source).readFile();
    }

    private GgufFile readFile() throws IOException {
        long magicAt = pos;
        int magic = i32("magic");
        if (magic != GgufFormat.MAGIC) {
            throw new GgufFormatException(magicAt, String.format("bad magic 0x%08x, expected \"GGUF\"", magic));
        }
        long versionAt = pos;
        int version = i32("version");
        if (version == 1) {
            throw new GgufFormatException(versionAt, "GGUF version 1 is not supported");
        }
        if (version < 2 || version > GgufFormat.VERSION) {
            throw new GgufFormatException(versionAt, "unsupported GGUF version " + version);
        }
        long nTensorsAt = pos;
        long nTensors = i64("tensor count");
        if (nTensors < 0 || nTensors > Integer.MAX_VALUE) {
            throw new GgufFormatException(nTensorsAt, "invalid tensor count " + nTensors);
        }
        long nKvAt = pos;
        long nKv = i64("metadata count");
        if (nKv < 0 || nKv > Integer.MAX_VALUE) {
            throw new GgufFormatException(nKvAt, "invalid metadata count " + nKv);
        }

        LinkedHashMap<String, GgufValue> kv = new LinkedHashMap<>();
        for (long i = 0; i < nKv; i++) {
            long keyAt = pos;
            String key = string("key of metadata entry " + i);
            if (key.isEmpty()) {
                throw new GgufFormatException(keyAt, "metadata key " + i + " is empty");
            }
            if (kv.containsKey(key)) {
                throw new GgufFormatException(keyAt, "duplicate metadata key '" + key + "'");
            }
            kv.put(key, value(key));
        }

        int alignment = GgufFormat.DEFAULT_ALIGNMENT;
        GgufValue a = kv.get(GgufFormat.KEY_ALIGNMENT);
        if (a != null) {
            if (a.type() != GgufValueType.UINT32) {
                throw new GgufFormatException(pos, GgufFormat.KEY_ALIGNMENT + " must be UINT32 but is " + a.type());
            }
            long al = a.asLong();
            if (al == 0 || (al & (al - 1)) != 0 || al > (1 << 30)) {
                throw new GgufFormatException(pos, GgufFormat.KEY_ALIGNMENT + " " + al + " is not a power of two");
            }
            alignment = (int) al;
        }

        List<GgufTensorInfo> tensors = new ArrayList<>((int) Math.min(nTensors, 1 << 16));
        Set<String> names = new HashSet<>();
        long expectedOffset = 0;
        for (long i = 0; i < nTensors; i++) {
            long nameAt = pos;
            String name = string("name of tensor " + i);
            if (name.getBytes(StandardCharsets.UTF_8).length > GgufTensorInfo.MAX_NAME_BYTES) {
                throw new GgufFormatException(
                        nameAt,
                        "tensor name '" + name + "' is longer than " + GgufTensorInfo.MAX_NAME_BYTES + " bytes");
            }
            if (!names.add(name)) {
                throw new GgufFormatException(nameAt, "duplicate tensor name '" + name + "'");
            }
            long dimsAt = pos;
            long nDims = u32("dimension count of tensor '" + name + "'");
            if (nDims > GgufTensorInfo.MAX_DIMS) {
                throw new GgufFormatException(
                        dimsAt,
                        "tensor '" + name + "' has " + nDims + " dimensions, at most " + GgufTensorInfo.MAX_DIMS
                                + " allowed");
            }
            long[] shape = new long[(int) nDims];
            for (int d = 0; d < nDims; d++) {
                long at = pos;
                shape[d] = i64("dimension " + d + " of tensor '" + name + "'");
                if (shape[d] < 0) {
                    throw new GgufFormatException(
                            at, "tensor '" + name + "' dimension " + d + " is negative: " + shape[d]);
                }
            }
            long typeAt = pos;
            int typeId = i32("type of tensor '" + name + "'");
            GgmlType type;
            try {
                type = GgmlType.fromId(typeId);
            } catch (IllegalArgumentException e) {
                throw new GgufFormatException(typeAt, "tensor '" + name + "' has unknown ggml type " + typeId);
            }
            long ne0 = nDims == 0 ? 1 : shape[0];
            if (ne0 % type.blockSize() != 0) {
                throw new GgufFormatException(
                        typeAt,
                        "tensor '" + name + "' of type " + type + " has " + ne0
                                + " elements per row, not a multiple of the block size " + type.blockSize());
            }
            long nbytes;
            try {
                nbytes = nDims == 0 ? type.typeSize() : type.bytes(shape);
            } catch (ArithmeticException e) {
                throw new GgufFormatException(typeAt, "tensor '" + name + "' is too large");
            }
            long offAt = pos;
            long offset = i64("data offset of tensor '" + name + "'");
            if (offset != expectedOffset) {
                throw new GgufFormatException(
                        offAt,
                        "tensor '" + name + "' has offset " + Long.toUnsignedString(offset) + ", expected "
                                + expectedOffset);
            }
            expectedOffset = Math.addExact(expectedOffset, GgufFormat.pad(nbytes, alignment));
            tensors.add(new GgufTensorInfo(name, shape, type, offset));
        }

        long dataOffset = nTensors > 0 ? GgufFormat.pad(pos, alignment) : pos;
        if (nTensors > 0 && dataOffset > size) {
            throw new GgufFormatException(size, "file ends before the data section at " + dataOffset);
        }
        if (!tensors.isEmpty()) {
            GgufTensorInfo last = tensors.get(tensors.size() - 1);
            long end = dataOffset + last.offset() + last.bytes();
            if (end > size) {
                throw new GgufFormatException(
                        size,
                        "truncated: tensor '" + last.name() + "' data ends at byte " + end + " but the file has " + size
                                + " bytes");
            }
        }
        return new GgufFile(version, kv, tensors, alignment, dataOffset, size);
    }

    private GgufValue value(String key) throws IOException {
        long typeAt = pos;
        int typeId = i32("type of '" + key + "'");
        GgufValueType type = GgufValueType.fromIdOrNull(typeId);
        if (type == null) {
            throw new GgufFormatException(typeAt, "metadata '" + key + "' has invalid GGUF type " + typeId);
        }
        if (type != GgufValueType.ARRAY) {
            return GgufValue.raw(type, null, scalar(type, key));
        }
        long elemAt = pos;
        int elemId = i32("element type of '" + key + "'");
        GgufValueType elem = GgufValueType.fromIdOrNull(elemId);
        if (elem == null || elem == GgufValueType.ARRAY) {
            throw new GgufFormatException(
                    elemAt,
                    "metadata array '" + key + "' has invalid element type " + elemId
                            + (elem == GgufValueType.ARRAY ? " (nested arrays are not supported)" : ""));
        }
        long nAt = pos;
        long n = i64("length of '" + key + "'");
        if (n < 0 || n > MAX_ARRAY_ELEMENTS) {
            throw new GgufFormatException(
                    nAt, "metadata array '" + key + "' has invalid length " + Long.toUnsignedString(n));
        }
        long minBytes = elem == GgufValueType.STRING ? 8 : elem.size();
        if (n * minBytes > size - pos) {
            throw new GgufFormatException(
                    size,
                    "truncated: metadata array '" + key + "' of " + n + " " + elem + " needs at least " + (n * minBytes)
                            + " bytes from offset " + pos + ", file has " + size);
        }
        List<Object> values = new ArrayList<>((int) n);
        for (long i = 0; i < n; i++) {
            values.add(scalar(elem, key + "[" + i + "]"));
        }
        return GgufValue.raw(type, elem, java.util.Collections.unmodifiableList(values));
    }

    private Object scalar(GgufValueType t, String what) throws IOException {
        switch (t) {
            case UINT8:
                return (long) (u8(what));
            case INT8:
                return (long) (byte) u8(what);
            case UINT16:
                return (long) (i16(what) & 0xFFFF);
            case INT16:
                return (long) i16(what);
            case UINT32:
                return u32(what);
            case INT32:
                return (long) i32(what);
            case UINT64:
            case INT64:
                return i64(what);
            case FLOAT32:
                return Float.intBitsToFloat(i32(what));
            case FLOAT64:
                return Double.longBitsToDouble(i64(what));
            case BOOL:
                // gguf.cpp: any non-zero byte is true
                // https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/ggml/src/gguf.cpp#L315-L322
                return u8(what) != 0;
            case STRING:
                return string(what);
            default:
                throw new GgufFormatException(pos, "unexpected type " + t + " for " + what);
        }
    }

    // ---- primitive reads with truncation checks ----

    private void need(int n, String what) throws IOException {
        if (pos + n > size) {
            throw new GgufFormatException(
                    pos, "truncated: need " + n + " bytes for " + what + ", file has " + size + " bytes");
        }
        long inBuf = pos - bufStart;
        if (inBuf >= 0 && inBuf + n <= buf.limit()) {
            buf.position((int) inBuf);
            return;
        }
        buf.clear();
        bufStart = pos;
        while (buf.position() < n) {
            int r = ch.read(buf, bufStart + buf.position());
            if (r < 0) {
                throw new GgufFormatException(pos, "truncated: need " + n + " bytes for " + what);
            }
        }
        // read as much as is available to fill the buffer (best effort)
        buf.flip();
        buf.position(0);
    }

    private int u8(String what) throws IOException {
        need(1, what);
        int v = buf.get() & 0xFF;
        pos += 1;
        return v;
    }

    private short i16(String what) throws IOException {
        need(2, what);
        short v = buf.getShort();
        pos += 2;
        return v;
    }

    private int i32(String what) throws IOException {
        need(4, what);
        int v = buf.getInt();
        pos += 4;
        return v;
    }

    private long u32(String what) throws IOException {
        return i32(what) & 0xFFFFFFFFL;
    }

    private long i64(String what) throws IOException {
        need(8, what);
        long v = buf.getLong();
        pos += 8;
        return v;
    }

    private String string(String what) throws IOException {
        long lenAt = pos;
        long len = i64("length of " + what);
        if (len < 0 || len > MAX_STRING_BYTES) {
            throw new GgufFormatException(
                    lenAt, "invalid string length " + Long.toUnsignedString(len) + " for " + what);
        }
        if (pos + len > size) {
            throw new GgufFormatException(
                    pos, "truncated: string " + what + " needs " + len + " bytes, file has " + (size - pos) + " left");
        }
        byte[] b = new byte[(int) len];
        int done = 0;
        while (done < len) {
            int chunk = (int) Math.min(len - done, buf.capacity());
            need(chunk, what);
            buf.get(b, done, chunk);
            pos += chunk;
            done += chunk;
        }
        // gguf.cpp does not validate UTF-8; invalid sequences become U+FFFD here instead of failing
        // https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/ggml/src/gguf.cpp#L342-L357
        return new String(b, StandardCharsets.UTF_8);
    }
}
