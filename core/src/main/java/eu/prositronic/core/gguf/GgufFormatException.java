package eu.prositronic.core.gguf;

import java.io.IOException;

/** Thrown for a truncated or malformed GGUF file; carries the byte offset where the problem was found. */
public class GgufFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final long offset;

    public GgufFormatException(long offset, String message) {
        super(message + " (at byte offset " + offset + ")");
        this.offset = offset;
    }

    /** Byte offset in the file where reading failed. */
    public long offset() {
        return offset;
    }
}
