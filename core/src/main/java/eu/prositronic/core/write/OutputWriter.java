package eu.prositronic.core.write;

import eu.prositronic.core.emit.OutputTree;
import eu.prositronic.core.problem.ProsiException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Writes an {@link OutputTree} into the output folder: every file is first written into a temporary folder beside it,
 * then moved into place; a file whose bytes did not change is not touched (its timestamp stays), and files the previous
 * run wrote that this run no longer makes are removed. Files Prositronic did not write are never overwritten or
 * deleted: the list of what it wrote is kept in {@value #MANIFEST}.
 */
public final class OutputWriter {
    public static final String MANIFEST = ".prositronic-manifest";

    /** What a write changed, for the build log. */
    public record Summary(int written, int unchanged, int removed) {}

    private OutputWriter() {}

    /**
     * Writes the tree into {@code outDir}.
     *
     * @throws ForeignFilesException when a file in the way is not Prositronic's; nothing is written then
     * @throws ProsiException when the folder cannot be written
     */
    public static Summary write(OutputTree tree, Path outDir) throws ProsiException {
        try {
            TreeSet<String> previous = readManifest(outDir);
            refuseForeignFiles(tree, outDir, previous);
            Files.createDirectories(outDir.toAbsolutePath().getParent());
            Path staging = Files.createTempDirectory(outDir.toAbsolutePath().getParent(), ".prositronic-staging-");
            try {
                for (Map.Entry<String, byte[]> e : tree.files().entrySet()) {
                    Path p = staging.resolve(e.getKey());
                    Files.createDirectories(p.getParent());
                    Files.write(p, e.getValue());
                }
                Files.write(staging.resolve(MANIFEST), manifest(tree).getBytes(StandardCharsets.UTF_8));
                int written = 0;
                int unchanged = 0;
                for (Map.Entry<String, byte[]> e : tree.files().entrySet()) {
                    if (moveIfChanged(staging.resolve(e.getKey()), outDir.resolve(e.getKey()), e.getValue())) {
                        written++;
                    } else {
                        unchanged++;
                    }
                }
                int removed = 0;
                for (String old : previous) {
                    if (!tree.files().containsKey(old) && Files.deleteIfExists(outDir.resolve(old))) {
                        removed++;
                    }
                }
                removeEmptyFolders(outDir);
                byte[] manifest = manifest(tree).getBytes(StandardCharsets.UTF_8);
                moveIfChanged(staging.resolve(MANIFEST), outDir.resolve(MANIFEST), manifest);
                return new Summary(written, unchanged, removed);
            } finally {
                deleteTree(staging);
            }
        } catch (IOException e) {
            throw new ProsiException(
                    "cannot write " + outDir + ": " + e.getMessage()
                            + "; check that the folder is writable and the disk has room",
                    e);
        }
    }

    private static boolean moveIfChanged(Path staged, Path target, byte[] bytes) throws IOException {
        if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), bytes)) {
            return false;
        }
        Files.createDirectories(target.getParent());
        try {
            Files.move(staged, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(staged, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return true;
    }

    /** A file in the way that the previous run did not write is the user's: stop rather than overwrite it. */
    private static void refuseForeignFiles(OutputTree tree, Path outDir, TreeSet<String> previous)
            throws ForeignFilesException, IOException {
        List<String> foreign = new ArrayList<>();
        for (String path : tree.files().keySet()) {
            Path p = outDir.resolve(path);
            if (Files.exists(p)
                    && !previous.contains(path)
                    && !Arrays.equals(Files.readAllBytes(p), tree.files().get(path))) {
                foreign.add(path);
            }
        }
        if (!foreign.isEmpty()) {
            throw new ForeignFilesException(outDir, foreign);
        }
    }

    private static TreeSet<String> readManifest(Path outDir) throws IOException {
        TreeSet<String> paths = new TreeSet<>();
        Path m = outDir.resolve(MANIFEST);
        if (Files.isRegularFile(m)) {
            for (String line : Files.readAllLines(m, StandardCharsets.UTF_8)) {
                if (!line.isBlank() && !line.startsWith("#") && !line.contains("..")) {
                    paths.add(line.trim());
                }
            }
        }
        return paths;
    }

    private static String manifest(OutputTree tree) {
        StringBuilder sb =
                new StringBuilder("# Files written by Prositronic; it may replace or remove these, and only these.\n");
        tree.files().keySet().forEach(p -> sb.append(p).append('\n'));
        return sb.toString();
    }

    private static void removeEmptyFolders(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir) && Files.isDirectory(p)) {
                    try (DirectoryStream<Path> s = Files.newDirectoryStream(p)) {
                        if (!s.iterator().hasNext()) {
                            Files.delete(p);
                        }
                    }
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
