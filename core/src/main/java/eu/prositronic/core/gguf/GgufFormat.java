package eu.prositronic.core.gguf;

/**
 * The constants of the GGUF container format ({@code GGUF_MAGIC}, {@code GGUF_VERSION}, {@code
 * GGUF_KEY_GENERAL_ALIGNMENT} and {@code GGUF_DEFAULT_ALIGNMENT} are #defines in ggml/include/gguf.h, which
 * ggml/src/gguf.cpp uses; the format is described in docs/gguf.md of the ggml repository, not the llama.cpp tree):
 * what the reader checks and what any writer must produce.
 *
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/ggml/include/gguf.h#L41-L46">ggml/include/gguf.h L41-L46</a>
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
