package eu.prositronic.core.write;

import eu.prositronic.core.emit.OutputTree;
import eu.prositronic.core.problem.ProsiException;
import eu.prositronic.core.problem.Setting;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Writes an {@link OutputTree} into the output folder, and never touches what it did not write:
 *
 * <ul>
 *   <li>A folder that is the project, holds it, or holds a version-control folder is refused: it is not an output
 *       folder of its own.
 *   <li>A file in the way that Prositronic did not write stops the build before anything changes; so does a link in
 *       the output (nothing is written through one).
 *   <li>Stale files are removed only if the manifest ({@value #MANIFEST}) lists them as relative paths inside the
 *       output; only the folders those removals emptied go too, never a user's empty folder.
 *   <li>A second execution writing the same folder is refused: the manifest names its owner.
 *   <li>The switch is journalled: the new files are staged beside the output, the moves and removals are written to
 *       {@value #JOURNAL}, then carried out, the manifest last. A build killed half-way leaves the journal, and the
 *       next build completes it before anything else, so the tree is the old one or the new one. Stale staging folders
 *       are removed; builds writing the same folder take turns (a lock file beside it).
 *   <li>When there is no output folder yet, the staged tree is renamed into its place: one directory entry, no
 *       journal.
 *   <li>A large build stages its files as it generates them ({@link #open}, {@link Session}), under the lock, so its
 *       output is never held in memory whole; the switch is the same.
 *   <li>A file whose bytes did not change is not touched: its timestamp stays.
 * </ul>
 */
public final class OutputWriter {
    public static final String MANIFEST = ".prositronic-manifest";
    public static final String JOURNAL = ".prositronic-journal";
    static final String OWNER = "# owner: ";
    private static final String STAGING = ".prositronic-staging-";
    private static final List<String> VCS_FOLDERS = List.of(".git", ".hg", ".svn", ".bzr", ".jj");

    /** What a write changed, for the build log. */
    public record Summary(int written, int unchanged, int removed) {}

    /**
     * Who writes, and what must not be written over.
     *
     * @param projectDirectory the project the output belongs to, when known: the output may not be it or hold it
     * @param owner the execution that writes (e.g. {@code group:artifact:execution}); another owner's folder is refused
     */
    public record Writer(Optional<Path> projectDirectory, String owner) {
        public static final Writer ANONYMOUS = new Writer(Optional.empty(), "");
    }

    /** For the fault tests: the journal step after which an I/O error is raised (-1: never). */
    static int failAfterSteps = -1;

    private OutputWriter() {}

    public static Summary write(OutputTree tree, Path outDir) throws ProsiException {
        return write(tree, outDir, Writer.ANONYMOUS);
    }

    /**
     * Writes the tree into {@code outDir}.
     *
     * @throws ForeignFilesException when a file in the way is not Prositronic's; nothing is written then
     * @throws ProsiException when the folder may not or cannot be written
     */
    public static Summary write(OutputTree tree, Path outDir, Writer writer) throws ProsiException {
        if (tree.stagedIn().isPresent()) {
            throw new IllegalArgumentException("a staged tree is written by the session that staged it");
        }
        try (Session session = open(outDir, writer, false)) {
            return session.commit(tree);
        }
    }

    /**
     * Opens the output folder for a build that stages its files as it generates them ({@link Session#tree}): the
     * folder is checked and locked now, and the staging folder made beside it; {@link Session#commit} then switches
     * the output to the staged tree as {@link #write} does. Closing the session without a commit leaves the output as
     * it was and removes the staging folder.
     */
    public static Session open(Path outDir, Writer writer) throws ProsiException {
        return open(outDir, writer, true);
    }

    private static Session open(Path outDir, Writer writer, boolean staged) throws ProsiException {
        Path out = outDir.toAbsolutePath().normalize();
        refuseFoldersOfOthers(out, writer.projectDirectory());
        FileChannel channel = null;
        try {
            Files.createDirectories(out.getParent());
            Path lockFile = out.getParent().resolve(".prositronic-" + out.getFileName() + ".lock");
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.lock();
            recover(out);
            Path staging = out.getParent().resolve(STAGING + out.getFileName() + "-" + UUID.randomUUID());
            if (staged) {
                Files.createDirectories(staging);
            }
            return new Session(out, writer, channel, lock, staging, staged);
        } catch (IOException e) {
            try {
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException ignored) {
                // the lock goes with the channel
            }
            throw cannotWrite(out, e);
        }
    }

    private static ProsiException cannotWrite(Path out, IOException e) {
        return new ProsiException(
                "cannot write " + out + ": " + e.getMessage()
                        + "; check that the folder is writable and the disk has room",
                e);
    }

    /**
     * One build's hold on its output folder: the lock (other builds of the same folder wait), the staging folder
     * beside it, and the tree staged there.
     */
    public static final class Session implements AutoCloseable {
        private final Path out;
        private final Writer writer;
        private final FileChannel channel;
        private final FileLock lock;
        private final Path staging;
        private final OutputTree tree;
        /** Once the journal names the staging folder, only the switch (or the next build) may remove it. */
        private boolean journalled;

        private Session(Path out, Writer writer, FileChannel channel, FileLock lock, Path staging, boolean staged) {
            this.out = out;
            this.writer = writer;
            this.channel = channel;
            this.lock = lock;
            this.staging = staging;
            this.tree = staged ? OutputTree.staged(staging) : null;
        }

        /** The tree to generate into: each file goes to the staging folder as it is put. */
        public OutputTree tree() {
            if (tree == null) {
                throw new IllegalStateException("a session of write() stages no tree");
            }
            return tree;
        }

        /** Switches the output folder to the staged tree. */
        public Summary commit() throws ProsiException {
            return commit(tree());
        }

        private Summary commit(OutputTree t) throws ProsiException {
            try {
                t.flush();
                return writeLocked(t, out, writer, this);
            } catch (IOException | java.io.UncheckedIOException e) {
                throw cannotWrite(
                        out, e instanceof IOException io ? io : ((java.io.UncheckedIOException) e).getCause());
            }
        }

        @Override
        public void close() throws ProsiException {
            if (tree != null) {
                tree.close(); // its writer finishes before the staging folder goes
            }
            try {
                if (!journalled) {
                    deleteTree(staging);
                }
            } catch (IOException e) {
                throw cannotWrite(out, e);
            } finally {
                try {
                    lock.release();
                    channel.close();
                } catch (IOException e) {
                    // closing the channel releases the lock in any case
                }
            }
        }
    }

    private static Summary writeLocked(OutputTree tree, Path out, Writer writer, Session session)
            throws ProsiException, IOException {
        Manifest previous = Manifest.read(out);
        if (!previous.owner().isEmpty()
                && !writer.owner().isEmpty()
                && !previous.owner().equals(writer.owner())) {
            throw new ProsiException(s -> "the output folder " + out + " is written by another execution ("
                    + previous.owner() + "); two executions would replace each other's files: give each its own "
                    + s.of(Setting.OUTPUT_DIRECTORY));
        }
        Set<String> paths = tree.paths();
        boolean fresh = !Files.exists(out, LinkOption.NOFOLLOW_LINKS);
        if (!fresh) {
            // a folder that is not there yet holds no links and no files of others (a large fleet's 100,000 paths
            // were two checks each on a fresh clone)
            refuseLinks(out, paths);
            refuseForeignFiles(tree, out, previous.paths());
        }
        List<String> changed = new ArrayList<>();
        for (String path : paths) {
            if (fresh || !same(out.resolve(path), tree, path)) {
                changed.add(path);
            }
        }
        List<String> stale = new ArrayList<>();
        for (String old : previous.paths()) {
            if (!tree.contains(old)
                    && !throughLink(out, old)
                    && Files.isRegularFile(out.resolve(old), LinkOption.NOFOLLOW_LINKS)) {
                stale.add(old);
            }
        }
        byte[] manifest = Manifest.text(tree, writer.owner()).getBytes(StandardCharsets.UTF_8);
        boolean manifestChanged = !Files.isRegularFile(out.resolve(MANIFEST), LinkOption.NOFOLLOW_LINKS)
                || !Arrays.equals(Files.readAllBytes(out.resolve(MANIFEST)), manifest);
        if (changed.isEmpty() && stale.isEmpty() && !manifestChanged) {
            return new Summary(0, paths.size(), 0);
        }

        Path staging = session.staging;
        Files.createDirectories(staging);
        if (tree.stagedIn().isEmpty()) {
            Set<Path> folders = new java.util.HashSet<>();
            for (String path : changed) {
                Path p = staging.resolve(path);
                if (folders.add(p.getParent())) {
                    Files.createDirectories(p.getParent());
                }
                Files.write(p, tree.bytes(path));
            }
        }
        Files.write(staging.resolve(MANIFEST), manifest);
        if (fresh) {
            // no output folder yet: the staged tree becomes it, one directory entry, all at once
            try {
                Files.move(staging, out, StandardCopyOption.ATOMIC_MOVE);
                return new Summary(changed.size(), 0, 0);
            } catch (java.nio.file.FileSystemException e) {
                // a folder appeared after all, or a file system without rename: the journalled switch below
            }
        }
        Files.createDirectories(out);
        Journal journal = new Journal(staging, changed, stale);
        session.journalled = true;
        journal.save(out);
        journal.apply(out);
        return new Summary(changed.size(), paths.size() - changed.size(), stale.size());
    }

    /** Whether the output's file already has the tree's bytes (by length first, read only when that matches). */
    private static boolean same(Path target, OutputTree tree, String path) throws IOException {
        if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) || Files.size(target) != tree.length(path)) {
            return false;
        }
        return Arrays.equals(Files.readAllBytes(target), tree.bytes(path));
    }

    /** Completes a switch a killed build left half-way, and removes staging folders nobody will finish. */
    static void recover(Path out) throws IOException {
        Optional<Journal> pending = Journal.load(out);
        if (pending.isPresent()) {
            pending.get().apply(out);
        }
        try (DirectoryStream<Path> siblings =
                Files.newDirectoryStream(out.getParent(), STAGING + out.getFileName() + "-*")) {
            for (Path stale : siblings) {
                deleteTree(stale);
            }
        }
    }

    private static void refuseFoldersOfOthers(Path out, Optional<Path> project) throws ProsiException {
        String reason = null;
        if (out.getParent() == null) {
            reason = "is the root of the file system";
        } else if (project.isPresent()
                && project.get().toAbsolutePath().normalize().startsWith(out)) {
            reason = out.equals(project.get().toAbsolutePath().normalize())
                    ? "is the project folder"
                    : "holds the project folder " + project.get();
        } else if (out.equals(
                Path.of(System.getProperty("user.home")).toAbsolutePath().normalize())) {
            reason = "is the home folder";
        } else {
            for (String vcs : VCS_FOLDERS) {
                if (Files.exists(out.resolve(vcs), LinkOption.NOFOLLOW_LINKS)) {
                    reason = "holds a " + vcs + " folder";
                    break;
                }
            }
        }
        if (reason != null) {
            String why = reason;
            throw new ProsiException(s -> "the output folder " + out + " " + why + "; Prositronic replaces and removes"
                    + " files in its output folder, so it must be a folder of its own: set "
                    + s.of(Setting.OUTPUT_DIRECTORY) + " to one, e.g. target/generated-resources/prositronic");
        }
    }

    /** A link anywhere on the way to an output file would send the write elsewhere: stop and name it. */
    private static void refuseLinks(Path out, Set<String> paths) throws ProsiException {
        Set<String> links = new TreeSet<>();
        // folders already found real (not a link) or absent: each is checked once, not once per file below it
        Set<Path> realFolders = new java.util.HashSet<>();
        Set<Path> absentFolders = new java.util.HashSet<>();
        for (String path : paths) {
            Path p = out;
            Path relative = Path.of(path);
            for (int i = 0; i < relative.getNameCount(); i++) {
                p = p.resolve(relative.getName(i));
                boolean folder = i < relative.getNameCount() - 1;
                if (folder && realFolders.contains(p)) {
                    continue;
                }
                if (folder && absentFolders.contains(p)) {
                    break;
                }
                if (Files.isSymbolicLink(p)) {
                    links.add(out.relativize(p).toString());
                    break;
                }
                if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                    if (folder) {
                        absentFolders.add(p);
                    }
                    break;
                }
                if (folder) {
                    realFolders.add(p);
                }
            }
        }
        if (!links.isEmpty()) {
            throw new ProsiException(s -> "the output folder " + out + " holds links where Prositronic writes: "
                    + String.join(", ", links) + "; it never writes through a link, so remove them or set "
                    + s.of(Setting.OUTPUT_DIRECTORY) + " to a folder of its own");
        }
    }

    /** Whether a folder on the way to {@code path} is a link (the file itself may be one: removing it is safe). */
    static boolean throughLink(Path out, String path) {
        Path p = out;
        Path rel = Path.of(path);
        for (int i = 0; i < rel.getNameCount() - 1; i++) {
            p = p.resolve(rel.getName(i));
            if (Files.isSymbolicLink(p)) {
                return true;
            }
        }
        return false;
    }

    /** A file in the way that the previous run did not write is the user's: stop rather than overwrite it. */
    private static void refuseForeignFiles(OutputTree tree, Path outDir, Set<String> previous)
            throws ForeignFilesException, IOException {
        List<String> foreign = new ArrayList<>();
        for (String path : tree.paths()) {
            Path p = outDir.resolve(path);
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)
                    && !previous.contains(path)
                    && !(Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && same(p, tree, path))) {
                foreign.add(path);
            }
        }
        if (!foreign.isEmpty()) {
            throw new ForeignFilesException(outDir, foreign);
        }
    }

    /** What the previous build wrote: its owner and its files, only those that are relative paths inside the output. */
    record Manifest(String owner, Set<String> paths) {
        static Manifest read(Path out) throws IOException {
            Path m = out.resolve(MANIFEST);
            String owner = "";
            Set<String> paths = new TreeSet<>();
            if (Files.isRegularFile(m, LinkOption.NOFOLLOW_LINKS)) {
                for (String line : Files.readAllLines(m, StandardCharsets.UTF_8)) {
                    if (line.startsWith(OWNER)) {
                        owner = line.substring(OWNER.length()).trim();
                    } else if (!line.isBlank() && !line.startsWith("#")) {
                        inside(out, line.trim()).ifPresent(paths::add);
                    }
                }
            }
            return new Manifest(owner, paths);
        }

        static String text(OutputTree tree, String owner) {
            StringBuilder sb = new StringBuilder(
                    "# Files written by Prositronic; it may replace or remove these, and only these.\n");
            if (!owner.isEmpty()) {
                sb.append(OWNER).append(owner).append('\n');
            }
            tree.paths().forEach(p -> sb.append(p).append('\n'));
            return sb.toString();
        }
    }

    /** {@code path} if it names a file inside {@code out} (relative, no {@code ..}, not a folder); else nothing. */
    static Optional<String> inside(Path out, String path) {
        if (path.contains("\\") || path.startsWith("/") || path.contains("\0")) {
            return Optional.empty();
        }
        Path p;
        try {
            p = Path.of(path);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        if (p.isAbsolute() || !p.normalize().equals(p) || p.startsWith("..") || path.endsWith("/")) {
            return Optional.empty();
        }
        Path resolved = out.resolve(p).normalize();
        if (!resolved.startsWith(out)
                || resolved.equals(out)
                || Files.isDirectory(resolved, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        return Optional.of(path);
    }

    /** The moves and removals of one switch, written before any is done, so that a later build can finish them. */
    record Journal(Path staging, List<String> moves, List<String> removals) {
        void save(Path out) throws IOException {
            StringBuilder sb = new StringBuilder("staging ").append(staging).append('\n');
            moves.forEach(m -> sb.append("move ").append(m).append('\n'));
            removals.forEach(r -> sb.append("remove ").append(r).append('\n'));
            sb.append("end\n");
            Path tmp = out.resolve(JOURNAL + ".tmp");
            Files.write(tmp, sb.toString().getBytes(StandardCharsets.UTF_8));
            try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                c.force(true);
            }
            move(tmp, out.resolve(JOURNAL));
        }

        /** The journal of a switch that did not finish; a torn or foreign journal is discarded. */
        static Optional<Journal> load(Path out) throws IOException {
            Files.deleteIfExists(out.resolve(JOURNAL + ".tmp"));
            Path j = out.resolve(JOURNAL);
            if (!Files.isRegularFile(j, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            List<String> lines = Files.readAllLines(j, StandardCharsets.UTF_8);
            if (lines.isEmpty()
                    || !lines.get(0).startsWith("staging ")
                    || !lines.get(lines.size() - 1).equals("end")) {
                Files.delete(j);
                return Optional.empty();
            }
            Path staging = Path.of(lines.get(0).substring("staging ".length()));
            if (!staging.getParent().equals(out.getParent())
                    || !staging.getFileName().toString().startsWith(STAGING + out.getFileName() + "-")) {
                Files.delete(j);
                return Optional.empty();
            }
            List<String> moves = new ArrayList<>();
            List<String> removals = new ArrayList<>();
            for (String line : lines.subList(1, lines.size() - 1)) {
                if (line.startsWith("move ")) {
                    inside(out, line.substring(5)).ifPresent(moves::add);
                } else if (line.startsWith("remove ")) {
                    inside(out, line.substring(7)).ifPresent(removals::add);
                }
            }
            return Optional.of(new Journal(staging, moves, removals));
        }

        /** Idempotent: a move whose staged file is gone was done before; a removal of a missing file too. */
        void apply(Path out) throws IOException {
            int step = 0;
            for (String path : moves) {
                fault(step++);
                Path staged = staging.resolve(path);
                if (Files.exists(staged, LinkOption.NOFOLLOW_LINKS)) {
                    Path target = out.resolve(path);
                    Files.createDirectories(target.getParent());
                    move(staged, target);
                }
            }
            Set<Path> emptied = new LinkedHashSet<>();
            for (String path : removals) {
                fault(step++);
                Path target = out.resolve(path);
                if (!throughLink(out, path) && Files.deleteIfExists(target)) {
                    emptied.add(target.getParent());
                }
            }
            removeEmptiedFolders(out, emptied);
            Path manifest = staging.resolve(MANIFEST);
            if (Files.exists(manifest, LinkOption.NOFOLLOW_LINKS)) {
                move(manifest, out.resolve(MANIFEST));
            }
            Files.deleteIfExists(out.resolve(JOURNAL));
            deleteTree(staging);
        }
    }

    private static void fault(int step) throws IOException {
        if (failAfterSteps >= 0 && step >= failAfterSteps) {
            throw new IOException("injected fault after " + step + " steps");
        }
    }

    /** The folders whose last file a removal took, and their parents as they empty, up to the output folder. */
    private static void removeEmptiedFolders(Path out, Set<Path> emptied) throws IOException {
        List<Path> folders = new ArrayList<>(emptied);
        folders.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        for (Path folder : folders) {
            for (Path f = folder; f != null && f.startsWith(out) && !f.equals(out); f = f.getParent()) {
                if (!isEmptyFolder(f)) {
                    break;
                }
                Files.delete(f);
            }
        }
    }

    private static boolean isEmptyFolder(Path p) throws IOException {
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(p)) {
            return !s.iterator().hasNext();
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.deleteIfExists(p);
                } catch (NoSuchFileException e) {
                    // gone already
                }
            }
        }
    }
}
