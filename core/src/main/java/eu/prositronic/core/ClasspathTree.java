package eu.prositronic.core;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The files under a class-path folder, from a jar or from a classes directory during the build, in name order. Used
 * for the embedded catalog and for the bundled chart and collection.
 */
public final class ClasspathTree {
    private ClasspathTree() {}

    /** A file of the tree: its path relative to the folder, where it was found (for messages), and its bytes. */
    public record Entry(String relativePath, Path shownAs, byte[] bytes) {}

    /**
     * @param folder a class-path folder such as {@code prositronic/catalog/} (with the trailing slash)
     * @param anchor a file known to be in the folder, used to find it
     */
    public static List<Entry> read(ClassLoader loader, String folder, String anchor) throws IOException {
        URL url = loader.getResource(folder + anchor);
        if (url == null) {
            throw new IOException("missing from the class path: " + folder + anchor);
        }
        TreeMap<String, Entry> entries = new TreeMap<>();
        if (url.getProtocol().equals("jar")) {
            JarURLConnection connection = (JarURLConnection) url.openConnection();
            connection.setUseCaches(false);
            try (JarFile jar = connection.getJarFile()) {
                for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                    JarEntry entry = e.nextElement();
                    if (!entry.isDirectory() && entry.getName().startsWith(folder)) {
                        try (InputStream in = jar.getInputStream(entry)) {
                            String rel = entry.getName().substring(folder.length());
                            entries.put(
                                    rel,
                                    new Entry(rel, Path.of(jar.getName() + "!", entry.getName()), in.readAllBytes()));
                        }
                    }
                }
            }
        } else {
            Path anchorPath;
            try {
                anchorPath = Paths.get(url.toURI());
            } catch (URISyntaxException e) {
                throw new IOException(e);
            }
            Path root = anchorPath;
            for (String ignored : anchor.split("/")) {
                root = root.getParent();
            }
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path p : walk.filter(Files::isRegularFile).toList()) {
                    String rel = root.relativize(p).toString().replace('\\', '/');
                    entries.put(rel, new Entry(rel, p, Files.readAllBytes(p)));
                }
            }
        }
        return new ArrayList<>(entries.values());
    }
}
