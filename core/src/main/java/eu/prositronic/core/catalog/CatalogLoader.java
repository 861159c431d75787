package eu.prositronic.core.catalog;

import eu.prositronic.core.ClasspathTree;
import eu.prositronic.core.problem.InvalidInputException;
import eu.prositronic.core.problem.ProsiException;
import eu.prositronic.core.yaml.Problems;
import eu.prositronic.core.yaml.YamlFiles;
import eu.prositronic.core.yaml.YamlNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Loads the embedded catalog ({@code prositronic/catalog/} on the class path, from the prositronic-catalog jar) and
 * merges a user's catalog folder over it: an entry with the same id replaces the embedded one, a new id adds one.
 * Every error of every file is collected before failing. Each file kind has its reader ({@link ModelReader},
 * {@link HardwareReader}, {@link ImagesReader}) over the keys of {@link CatalogKeys}; this class only finds the files
 * and merges them.
 */
public final class CatalogLoader {
    public static final String RESOURCE_ROOT = "prositronic/catalog/";

    /** A catalog file's text with the name to show in errors. */
    public record CatalogFile(Path shownAs, String relativePath, String text) {}

    private CatalogLoader() {}

    /** The embedded catalog merged with {@code userDirectory} when it exists. */
    public static Catalog load(Optional<Path> userDirectory) throws ProsiException {
        List<CatalogFile> embedded = embeddedFiles();
        List<CatalogFile> user = new ArrayList<>();
        if (userDirectory.isPresent() && Files.isDirectory(userDirectory.get())) {
            user = directoryFiles(userDirectory.get());
        }
        return load(embedded, user);
    }

    public static Catalog load(List<CatalogFile> embedded, List<CatalogFile> user) throws InvalidInputException {
        Problems problems = new Problems();
        Map<String, ModelSpec> models = new LinkedHashMap<>();
        Map<String, Hardware> hardware = new LinkedHashMap<>();
        Images[] images = new Images[1];
        for (List<CatalogFile> layer : List.of(embedded, user)) {
            Map<String, Path> seenInLayer = new LinkedHashMap<>();
            for (CatalogFile f : layer) {
                String rel = f.relativePath();
                Optional<YamlNode> root = YamlFiles.parse(f.shownAs(), f.text(), problems);
                if (root.isEmpty()) {
                    continue;
                }
                if (rel.equals(CatalogKeys.IMAGES_FILE)) {
                    ImagesReader.read(root.get(), problems).ifPresent(i -> images[0] = i);
                } else if (rel.startsWith(CatalogKeys.MODELS_FOLDER) && rel.endsWith(".yaml")) {
                    ModelReader.read(root.get(), fileId(rel), problems).ifPresent(m -> {
                        if (seenInLayer.put("model:" + m.id(), f.shownAs()) == null) {
                            models.put(m.id(), m);
                        }
                    });
                } else if (rel.startsWith(CatalogKeys.HARDWARE_FOLDER) && rel.endsWith(".yaml")) {
                    HardwareReader.read(root.get(), fileId(rel), problems).ifPresent(h -> hardware.put(h.id(), h));
                } else if (!rel.startsWith("schema/") && !rel.endsWith(".md")) {
                    problems.add(
                            f.shownAs(),
                            "not a catalog file",
                            "put models in models/<id>.yaml, hardware in hardware/<id>.yaml, images in images.yaml");
                }
            }
        }
        checkAliases(models, problems);
        if (images[0] == null) {
            problems.add(null, "the catalog has no images.yaml", "the embedded catalog jar is incomplete; rebuild it");
        }
        if (!hardware.containsKey("cpu")) {
            problems.add(null, "the catalog has no hardware/cpu.yaml", "the embedded catalog jar is incomplete");
        }
        problems.throwIfAny();
        return new Catalog(models, hardware, images[0]);
    }

    private static String fileId(String rel) {
        String name = rel.substring(rel.lastIndexOf('/') + 1);
        return name.substring(0, name.length() - ".yaml".length());
    }

    private static void checkAliases(Map<String, ModelSpec> models, Problems problems) {
        Map<String, String> owner = new LinkedHashMap<>();
        for (ModelSpec m : models.values()) {
            for (String alias : m.aliases()) {
                if (models.containsKey(alias) && !alias.equals(m.id())) {
                    problems.add(null, "alias `" + alias + "` of " + m.id() + " is another model's id", "rename it");
                }
                String previous = owner.put(alias, m.id());
                if (previous != null) {
                    problems.add(
                            null,
                            "alias `" + alias + "` is claimed by " + previous + " and " + m.id(),
                            "keep it on one model");
                }
            }
        }
    }

    // ---------------------------------------------------------------- reading files

    static List<CatalogFile> directoryFiles(Path dir) throws ProsiException {
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> files = walk.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted()
                    .toList();
            List<CatalogFile> out = new ArrayList<>();
            for (Path p : files) {
                String rel = dir.relativize(p).toString().replace('\\', '/');
                out.add(new CatalogFile(p, rel, Files.readString(p, StandardCharsets.UTF_8)));
            }
            return out;
        } catch (IOException e) {
            throw new ProsiException("cannot read the catalog folder " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The catalog files inside the prositronic-catalog jar (or its classes folder during the build). */
    public static List<CatalogFile> embeddedFiles() throws ProsiException {
        try {
            List<CatalogFile> out = new ArrayList<>();
            for (ClasspathTree.Entry e :
                    ClasspathTree.read(CatalogLoader.class.getClassLoader(), RESOURCE_ROOT, CatalogKeys.IMAGES_FILE)) {
                if (e.relativePath().endsWith(".yaml")) {
                    out.add(new CatalogFile(
                            e.shownAs(), e.relativePath(), new String(e.bytes(), StandardCharsets.UTF_8)));
                }
            }
            return out;
        } catch (IOException e) {
            throw new ProsiException(
                    "cannot read the embedded catalog (prositronic-catalog jar): " + e.getMessage(), e);
        }
    }
}
