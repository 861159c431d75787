package eu.prositronic.core.gguf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What {@link GgufReader} found: header, metadata in file order, tensor table and data-section layout. */
public final class GgufFile {
    private final int version;
    private final Map<String, GgufValue> metadata;
    private final List<GgufTensorInfo> tensors;
    private final int alignment;
    private final long dataOffset;
    private final long fileSize;

    GgufFile(
            int version,
            LinkedHashMap<String, GgufValue> metadata,
            List<GgufTensorInfo> tensors,
            int alignment,
            long dataOffset,
            long fileSize) {
        this.version = version;
        this.metadata = Collections.unmodifiableMap(metadata);
        this.tensors = Collections.unmodifiableList(tensors);
        this.alignment = alignment;
        this.dataOffset = dataOffset;
        this.fileSize = fileSize;
    }

    public int version() {
        return version;
    }

    /** Metadata in file order. */
    public Map<String, GgufValue> metadata() {
        return metadata;
    }

    public GgufValue get(String key) {
        return metadata.get(key);
    }

    public List<GgufTensorInfo> tensors() {
        return tensors;
    }

    public GgufTensorInfo tensor(String name) {
        for (GgufTensorInfo t : tensors) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** general.alignment, or 32 when absent. */
    public int alignment() {
        return alignment;
    }

    /** Absolute file offset of the data section. */
    public long dataOffset() {
        return dataOffset;
    }

    public long fileSize() {
        return fileSize;
    }

    /** Sum of ggml_nbytes over all tensors (unpadded). */
    public long tensorBytes() {
        long n = 0;
        for (GgufTensorInfo t : tensors) {
            n += t.bytes();
        }
        return n;
    }

    /** The architecture string (general.architecture) or null. */
    public String architecture() {
        GgufValue v = metadata.get("general.architecture");
        return v == null ? null : v.asString();
    }
}
