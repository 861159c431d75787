package eu.prositronic.core.gguf;

/**
 * The constants of the GGUF container format (ggml/src/gguf.cpp, docs/gguf.md of ggml): what the reader checks and
 * what any writer must produce.
 */
public final class GgufFormat {
    private GgufFormat() {}

    /** "GGUF" read as a little-endian uint32. */
    public static final int MAGIC = 0x46554747;

    /** The newest version this reader knows; version 2 files are read too. */
    public static final int VERSION = 3;

    /** {@code GGUF_DEFAULT_ALIGNMENT}: tensor data is aligned to 32 bytes unless the file says otherwise. */
    public static final int DEFAULT_ALIGNMENT = 32;

    /** The metadata key that overrides the alignment (a UINT32 power of two). */
    public static final String KEY_ALIGNMENT = "general.alignment";

    /** {@code x} rounded up to a multiple of {@code alignment} ({@code GGML_PAD}). */
    public static long pad(long x, long alignment) {
        return (x + alignment - 1) / alignment * alignment;
    }
}
