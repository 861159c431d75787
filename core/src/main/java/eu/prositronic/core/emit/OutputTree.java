package eu.prositronic.core.emit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The generated output by relative path. In memory (for tests, the site, a tree to compare), or staged: each file goes
 * into a staging folder as it is put and only its path and length stay in memory, so a large fleet's output (gigabytes
 * of pages) is never held whole. Either way it reaches the output folder only through the writer, all at once.
 */
public final class OutputTree {
    /** In memory: the bytes; staged: null (the bytes are in the staging folder). */
    private final SortedMap<String, byte[]> files = new ConcurrentSkipListMap<>();
    /** Staged: each file's length, for the writer's cheap "changed?" test. */
    private final SortedMap<String, Integer> lengths = new ConcurrentSkipListMap<>();

    private final Path staging;
    private final Set<Path> folders = ConcurrentHashMap.newKeySet();

    /**
     * Staged: files are written by one thread of their own while the steps go on generating (a fleet's 100,000 small
     * files were otherwise written one by one between batches, with the other core idle). Until a file is on disk its
     * bytes wait here, read back and compared from here; at most {@link #WRITE_AHEAD} bytes wait at once.
     */
    private final ExecutorService writer;

    private final Map<String, byte[]> unwritten = new ConcurrentHashMap<>();
    private final Semaphore room = new Semaphore(WRITE_AHEAD);
    /** The first write that failed; every later put and {@link #flush} reports it. */
    private final AtomicReference<IOException> failed = new AtomicReference<>();

    static final int WRITE_AHEAD = 64 << 20;

    /** A tree in memory. */
    public OutputTree() {
        this.staging = null;
        this.writer = null;
    }

    private OutputTree(Path staging) {
        this.staging = staging;
        this.writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "prositronic-writer");
            t.setDaemon(true);
            return t;
        });
    }

    /** A tree whose files are written into {@code folder} as they are put (the writer's staging folder). */
    public static OutputTree staged(Path folder) {
        return new OutputTree(folder);
    }

    /** The staging folder of a staged tree. */
    public Optional<Path> stagedIn() {
        return Optional.ofNullable(staging);
    }

    public void put(String path, String text) {
        put(path, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Adds a file; the same path twice must be the same bytes.
     *
     * @throws UncheckedIOException when a staged file cannot be written
     */
    public void put(String path, byte[] bytes) {
        if (path.startsWith("/") || path.contains("..") || path.contains("\\")) {
            throw new IllegalArgumentException("not a relative output path: " + path);
        }
        if (staging == null) {
            byte[] previous = files.putIfAbsent(path, bytes);
            if (previous != null && !Arrays.equals(previous, bytes)) {
                throw twice(path);
            }
            return;
        }
        synchronized (this) {
            throwIfWriteFailed();
            if (lengths.containsKey(path)) {
                if (!Arrays.equals(bytes(path), bytes)) {
                    throw twice(path);
                }
                return;
            }
            unwritten.put(path, bytes);
            lengths.put(path, bytes.length);
        }
        int permits = Math.min(bytes.length, WRITE_AHEAD);
        room.acquireUninterruptibly(permits);
        writer.execute(() -> {
            try {
                if (failed.get() == null) {
                    Path file = staging.resolve(path);
                    Path folder = file.getParent();
                    if (!folders.contains(folder)) {
                        Files.createDirectories(folder); // known once it exists: the two writers may race here
                        folders.add(folder);
                    }
                    Files.write(file, bytes);
                }
            } catch (IOException e) {
                failed.compareAndSet(
                        null, new IOException("cannot stage " + path + " in " + staging + ": " + e.getMessage(), e));
            } finally {
                unwritten.remove(path);
                room.release(permits);
            }
        });
    }

    /**
     * Waits until every file put is on disk (a staged tree's writer works behind the steps).
     *
     * @throws UncheckedIOException the first write that failed
     */
    public void flush() {
        if (writer == null) {
            return;
        }
        // every waiting file holds its bytes' permits until written: all of them free means none waits
        room.acquireUninterruptibly(WRITE_AHEAD);
        room.release(WRITE_AHEAD);
        throwIfWriteFailed();
    }

    /**
     * Stops the writer, dropping what still waits (after a {@link #flush} nothing does; after a failed step the staging
     * folder is deleted next), and waits for the file it is writing.
     */
    public void close() {
        if (writer != null) {
            writer.shutdownNow();
            try {
                writer.awaitTermination(1, java.util.concurrent.TimeUnit.HOURS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void throwIfWriteFailed() {
        IOException e = failed.get();
        if (e != null) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /** What writes a file's bytes to a stream. */
    @FunctionalInterface
    public interface Content {
        void writeTo(java.io.OutputStream out) throws IOException;
    }

    /**
     * Adds a file written by {@code content}: a staged tree streams it into the staging folder, so a large file (a
     * fleet's plan.json) is never a string and a byte array in memory first.
     */
    public void put(String path, Content content) {
        try {
            if (staging == null || contains(path)) {
                java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
                content.writeTo(bytes);
                put(path, bytes.toByteArray());
                return;
            }
            synchronized (this) {
                throwIfWriteFailed();
                Path file = staging.resolve(path);
                Path folder = file.getParent();
                if (!folders.contains(folder)) {
                    Files.createDirectories(folder);
                    folders.add(folder);
                }
                long n;
                try (java.io.OutputStream raw = Files.newOutputStream(file);
                        CountingStream counted = new CountingStream(new java.io.BufferedOutputStream(raw, 1 << 16))) {
                    content.writeTo(counted);
                    counted.flush();
                    n = counted.count;
                }
                if (n > Integer.MAX_VALUE) {
                    throw new IOException(path + " has " + n + " bytes, more than a file of the output may have");
                }
                lengths.put(path, (int) n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage " + path + " in " + staging + ": " + e.getMessage(), e);
        }
    }

    private static final class CountingStream extends java.io.FilterOutputStream {
        long count;

        CountingStream(java.io.OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }

    private static IllegalStateException twice(String path) {
        return new IllegalStateException("two generation steps wrote different " + path);
    }

    /** Every path, sorted. */
    public SortedSet<String> paths() {
        return Collections.unmodifiableSortedSet(
                (SortedSet<String>) (staging == null ? files.keySet() : lengths.keySet()));
    }

    public int size() {
        return staging == null ? files.size() : lengths.size();
    }

    public boolean contains(String path) {
        return staging == null ? files.containsKey(path) : lengths.containsKey(path);
    }

    /** The length of a file in the tree, or -1. */
    public long length(String path) {
        if (staging == null) {
            byte[] b = files.get(path);
            return b == null ? -1 : b.length;
        }
        Integer n = lengths.get(path);
        return n == null ? -1 : n;
    }

    /** A file's bytes (a staged file is read back), or null when the tree has no such file. */
    public byte[] bytes(String path) {
        if (staging == null) {
            return files.get(path);
        }
        if (!lengths.containsKey(path)) {
            return null;
        }
        byte[] waiting = unwritten.get(path);
        if (waiting != null) {
            return waiting;
        }
        try {
            return Files.readAllBytes(staging.resolve(path));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the staged " + path + ": " + e.getMessage(), e);
        }
    }

    /** The files and their bytes, of a tree in memory (a staged tree's are on disk: read them by {@link #bytes}). */
    public SortedMap<String, byte[]> files() {
        if (staging != null) {
            throw new IllegalStateException("a staged tree holds no bytes in memory; read them by bytes(path)");
        }
        return Collections.unmodifiableSortedMap(files);
    }

    public String text(String path) {
        byte[] b = bytes(path);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}
