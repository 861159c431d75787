package eu.prositronic.core.fit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * ggml-alloc's allocator of a compute buffer, replayed: the high-water mark of tensors allocated and freed in graph
 * order, best fit among the free blocks with the last block (the buffer's growing end) as the fallback, and freed
 * blocks merged with their neighbours. The compute buffer llama.cpp reserves is this mark ({@code max_size}), holes
 * left between live tensors included, so it is not the largest set of tensors alive together.
 *
 * <p>One chunk (a CPU buffer has no size limit below the graph's), 32-byte alignment (the CPU buffer's {@code
 * TENSOR_ALIGNMENT}).
 *
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/ggml/src/ggml-alloc.c#L202-L308">ggml/src/ggml-alloc.c ggml_dyn_tallocr_alloc L202-L308</a>
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/ggml/src/ggml-alloc.c#L312-L350">ggml_dyn_tallocr_free_bytes L312-L350</a>
 */
final class GgmlAllocator {
    private static final long ALIGNMENT = 32;

    /** Free blocks by offset, {offset, size}; the last one is the open end of the buffer. */
    private final List<long[]> free = new ArrayList<>();

    private final Map<String, long[]> live = new HashMap<>();
    private long maxSize;

    GgmlAllocator() {
        free.add(new long[] {0, Long.MAX_VALUE / 4});
    }

    /** Allocates {@code bytes} for the tensor {@code name} (a name not live yet); no block for 0 bytes. */
    void alloc(String name, long bytes) {
        long size = (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
        if (size == 0) {
            // nothing to place (ggml_gallocr skips empty tensors); freeing it later is a no-op
            live.put(name, new long[] {0, 0});
            return;
        }
        int best = -1;
        long bestSize = Long.MAX_VALUE;
        // the best fitting free block besides the last block
        for (int i = 0; i < free.size() - 1; i++) {
            long[] b = free.get(i);
            if (b[1] >= size && b[1] <= bestSize) {
                best = i;
                bestSize = b[1];
            }
        }
        if (best < 0) {
            best = free.size() - 1;
        }
        long[] b = free.get(best);
        long offset = b[0];
        b[0] += size;
        b[1] -= size;
        if (b[1] == 0) {
            free.remove(best);
        }
        maxSize = Math.max(maxSize, offset + size);
        if (live.put(name, new long[] {offset, size}) != null) {
            throw new IllegalStateException("tensor allocated twice: " + name);
        }
    }

    /** Frees a live tensor's block, merged with the free blocks it touches. */
    void free(String name) {
        long[] t = live.remove(name);
        if (t == null) {
            throw new IllegalStateException("tensor not live: " + name);
        }
        long offset = t[0];
        long size = t[1];
        if (size == 0) {
            return;
        }
        for (int i = 0; i < free.size(); i++) {
            long[] b = free.get(i);
            if (b[0] + b[1] == offset) {
                b[1] += size;
                if (i < free.size() - 1 && b[0] + b[1] == free.get(i + 1)[0]) {
                    b[1] += free.get(i + 1)[1];
                    free.remove(i + 1);
                }
                return;
            }
            if (offset + size == b[0]) {
                b[0] = offset;
                b[1] += size;
                if (i > 0 && free.get(i - 1)[0] + free.get(i - 1)[1] == b[0]) {
                    free.get(i - 1)[1] += b[1];
                    free.remove(i);
                }
                return;
            }
        }
        int at = 0;
        while (at < free.size() && free.get(at)[0] < offset) {
            at++;
        }
        free.add(at, new long[] {offset, size});
    }

    /**
     * An operation computed in place: the tensor {@code to} takes over the block of {@code from} (ggml-alloc reuses a
     * parent's memory when the op allows it and the parent has no other consumer).
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/ggml/src/ggml-alloc.c#L623-L689">ggml_gallocr_allocate_node L623-L689</a>
     */
    void inPlace(String from, String to) {
        long[] t = live.remove(from);
        if (t == null) {
            throw new IllegalStateException("tensor not live: " + from);
        }
        live.put(to, t);
    }

    /**
     * The allocator's state: the free blocks and where each live tensor is. Replaying the same ops from two equal
     * states gives the same result, so a graph whose blocks repeat can stop once a state repeats.
     */
    String state() {
        StringBuilder b = new StringBuilder();
        for (long[] f : free) {
            b.append(f[0]).append('+').append(f[1]).append(' ');
        }
        new java.util.TreeMap<>(live)
                .forEach((n, t) -> b.append(n).append('@').append(t[0]).append(' '));
        return b.toString();
    }

    /** The buffer's size so far: the highest end of any block allocated. */
    long maxSize() {
        return maxSize;
    }
}
