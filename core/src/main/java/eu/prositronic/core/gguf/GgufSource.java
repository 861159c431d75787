package eu.prositronic.core.gguf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Random access to the bytes of a GGUF file: only the header is ever read. */
public interface GgufSource {
    /** The whole file's size in bytes. */
    long size() throws IOException;

    /** Reads into {@code dst} from {@code position}; returns the bytes read, or -1 at the end of the file. */
    int read(ByteBuffer dst, long position) throws IOException;

    static GgufSource of(FileChannel channel) {
        return new GgufSource() {
            @Override
            public long size() throws IOException {
                return channel.size();
            }

            @Override
            public int read(ByteBuffer dst, long position) throws IOException {
                return channel.read(dst, position);
            }
        };
    }
}
