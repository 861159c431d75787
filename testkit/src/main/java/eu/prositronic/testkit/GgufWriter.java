package eu.prositronic.testkit;

import eu.prositronic.core.ggml.GgmlType;
import eu.prositronic.core.gguf.GgufFormat;
import eu.prositronic.core.gguf.GgufTensorInfo;
import eu.prositronic.core.gguf.GgufValue;
import eu.prositronic.core.gguf.GgufValueType;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a GGUF v3 file (little endian): header, metadata, tensor infos, padding to the alignment, tensor data.
 *
 * <p>Tensor data is all zeros unless bytes are given for a tensor. The zeros are not written: the file is extended
 * with {@link RandomAccessFile#setLength}, which on Linux file systems makes a sparse file, so a 400 GB synthetic
 * model costs only its header on disk. Layout rules follow ggml/src/gguf.cpp: the data section starts at the
 * header size padded to the alignment; each tensor's offset is the previous offset plus the previous tensor's
 * ggml_nbytes padded to the alignment; the file ends after the last padded tensor.
 *
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/ggml/src/gguf.cpp#L772-L803">ggml/src/gguf.cpp L772-L803</a>
 */
public final class GgufWriter {

    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final List<Pending> tensors = new ArrayList<>();
    private final Set<String> tensorNames = new HashSet<>();

    private static final class Pending {
        final String name;
        final GgmlType type;
        final long[] shape;
        final byte[] data;

        Pending(String name, GgmlType type, long[] shape, byte[] data) {
            this.name = name;
            this.type = type;
            this.shape = shape;
            this.data = data;
        }
    }

    /** Adds or replaces a metadata entry (insertion order is kept; replacing keeps the first position). */
    public GgufWriter put(String key, GgufValue value) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("GGUF keys must not be empty");
        }
        if (key.equals(GgufFormat.KEY_ALIGNMENT)) {
            if (value.type() != GgufValueType.UINT32) {
                throw new IllegalArgumentException(GgufFormat.KEY_ALIGNMENT + " must be UINT32");
            }
            long a = value.asLong();
            if (a == 0 || (a & (a - 1)) != 0) {
                throw new IllegalArgumentException(GgufFormat.KEY_ALIGNMENT + " must be a power of two, got " + a);
            }
        }
        metadata.put(key, value);
        return this;
    }

    public GgufWriter putString(String key, String v) {
        return put(key, GgufValue.string(v));
    }

    public GgufWriter putUint32(String key, long v) {
        return put(key, GgufValue.uint32(v));
    }

    public GgufWriter putInt32(String key, int v) {
        return put(key, GgufValue.int32(v));
    }

    public GgufWriter putFloat32(String key, float v) {
        return put(key, GgufValue.float32(v));
    }

    public GgufWriter putBool(String key, boolean v) {
        return put(key, GgufValue.bool(v));
    }

    public Map<String, GgufValue> metadata() {
        return metadata;
    }

    /** Adds a tensor whose data is all zeros. Shape is in ggml order (ne0 first). */
    public GgufWriter addTensor(String name, GgmlType type, long... shape) {
        return addTensor(name, type, shape, null);
    }

    /** Adds a tensor; {@code data} (may be null for zeros) must be exactly ggml_nbytes long. */
    public GgufWriter addTensor(String name, GgmlType type, long[] shape, byte[] data) {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        if (nameBytes.length == 0 || nameBytes.length > GgufTensorInfo.MAX_NAME_BYTES) {
            throw new IllegalArgumentException(
                    "tensor name must be 1.." + GgufTensorInfo.MAX_NAME_BYTES + " bytes: '" + name + "'");
        }
        if (!tensorNames.add(name)) {
            throw new IllegalArgumentException("duplicate tensor name " + name);
        }
        if (shape.length == 0 || shape.length > GgufTensorInfo.MAX_DIMS) {
            throw new IllegalArgumentException(name + ": tensors need 1.." + GgufTensorInfo.MAX_DIMS + " dimensions");
        }
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(name + ": negative dimension " + d);
            }
        }
        long nbytes = type.bytes(shape); // also checks ne0 % block size
        if (data != null && data.length != nbytes) {
            throw new IllegalArgumentException(name + ": data has " + data.length + " bytes, tensor needs " + nbytes);
        }
        tensors.add(new Pending(name, type, shape.clone(), data));
        return this;
    }

    public int alignment() {
        GgufValue v = metadata.get(GgufFormat.KEY_ALIGNMENT);
        return v == null ? GgufFormat.DEFAULT_ALIGNMENT : (int) v.asLong();
    }

    /** The tensor table as it will be written (offsets relative to the data section). */
    public List<GgufTensorInfo> layout() {
        List<GgufTensorInfo> out = new ArrayList<>(tensors.size());
        long off = 0;
        int align = alignment();
        for (Pending p : tensors) {
            out.add(new GgufTensorInfo(p.name, p.shape, p.type, off));
            off += GgufFormat.pad(p.type.bytes(p.shape), align);
        }
        return out;
    }

    /** Size of the data section (sum of padded tensor sizes). */
    public long dataSectionSize() {
        long off = 0;
        int align = alignment();
        for (Pending p : tensors) {
            off += GgufFormat.pad(p.type.bytes(p.shape), align);
        }
        return off;
    }

    /**
     * Writes the file (replacing an existing one) and returns its size in bytes. Zero tensor data is left as a
     * hole (sparse file).
     */
    public long write(Path path) throws IOException {
        List<GgufTensorInfo> layout = layout();
        int align = alignment();
        long headerSize;
        try (FileChannel ch = FileChannel.open(
                path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            CountingStream cs = new CountingStream(new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16));
            LeOut out = new LeOut(cs);
            out.u32(GgufFormat.MAGIC);
            out.u32(GgufFormat.VERSION);
            out.u64(layout.size());
            out.u64(metadata.size());
            for (Map.Entry<String, GgufValue> e : metadata.entrySet()) {
                out.string(e.getKey());
                writeValue(out, e.getValue());
            }
            for (GgufTensorInfo t : layout) {
                out.string(t.name());
                out.u32(t.nDims());
                for (long d : t.shape()) {
                    out.u64(d);
                }
                out.u32(t.type().id());
                out.u64(t.offset());
            }
            headerSize = cs.count;
            long dataStart = GgufFormat.pad(headerSize, align);
            for (long i = headerSize; i < dataStart; i++) {
                cs.write(0);
            }
            cs.flush();
            for (int i = 0; i < layout.size(); i++) {
                byte[] data = tensors.get(i).data;
                if (data != null) {
                    ByteBuffer bb = ByteBuffer.wrap(data);
                    long pos = dataStart + layout.get(i).offset();
                    while (bb.hasRemaining()) {
                        pos += ch.write(bb, pos);
                    }
                }
            }
            ch.force(false);
        }
        long total = GgufFormat.pad(headerSize, align) + dataSectionSize();
        try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw")) {
            raf.setLength(total); // extends with a hole: zeros that cost no disk blocks
        }
        return total;
    }

    private static void writeValue(LeOut out, GgufValue v) throws IOException {
        out.u32(v.type().id());
        if (v.type() == GgufValueType.ARRAY) {
            out.u32(v.elementType().id());
            List<Object> l = v.asList();
            out.u64(l.size());
            for (Object o : l) {
                writeScalar(out, v.elementType(), o);
            }
        } else {
            writeScalar(out, v.type(), v.value());
        }
    }

    private static void writeScalar(LeOut out, GgufValueType t, Object o) throws IOException {
        switch (t) {
            case UINT8:
            case INT8:
                out.u8((int) (long) (Long) o);
                break;
            case UINT16:
            case INT16:
                out.u16((int) (long) (Long) o);
                break;
            case UINT32:
            case INT32:
                out.u32((int) (long) (Long) o);
                break;
            case UINT64:
            case INT64:
                out.u64((Long) o);
                break;
            case FLOAT32:
                out.u32(Float.floatToRawIntBits((Float) o));
                break;
            case FLOAT64:
                out.u64(Double.doubleToRawLongBits((Double) o));
                break;
            case BOOL:
                out.u8(((Boolean) o) ? 1 : 0);
                break;
            case STRING:
                out.string((String) o);
                break;
            default:
                throw new IllegalArgumentException("cannot write " + t + " as a scalar");
        }
    }

    private static final class CountingStream extends OutputStream {
        private final OutputStream delegate;
        long count;

        CountingStream(OutputStream delegate) {
            this.delegate = delegate;
        }

        @Override
        public void write(int b) throws IOException {
            delegate.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            delegate.write(b, off, len);
            count += len;
        }

        @Override
        public void flush() throws IOException {
            delegate.flush();
        }
    }

    /** Little-endian primitive writer. */
    private static final class LeOut {
        private final OutputStream os;
        private final ByteBuffer buf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

        LeOut(OutputStream os) {
            this.os = os;
        }

        void u8(int v) throws IOException {
            os.write(v & 0xFF);
        }

        void u16(int v) throws IOException {
            buf.clear();
            buf.putShort((short) v);
            os.write(buf.array(), 0, 2);
        }

        void u32(int v) throws IOException {
            buf.clear();
            buf.putInt(v);
            os.write(buf.array(), 0, 4);
        }

        void u64(long v) throws IOException {
            buf.clear();
            buf.putLong(v);
            os.write(buf.array(), 0, 8);
        }

        void string(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            os.write(b);
        }
    }
}
