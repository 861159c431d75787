package eu.prositronic.core.catalog;

import eu.prositronic.core.ClasspathTree;
import eu.prositronic.core.problem.InvalidInputException;
import eu.prositronic.core.problem.Problem;
import eu.prositronic.core.problem.ProsiException;
import eu.prositronic.core.yaml.Problems;
import eu.prositronic.core.yaml.Utf8;
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
import java.util.Set;
import java.util.TreeSet;
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

    /**
     * What a load found: the catalog built from the files that had no problem ({@code null} when it is unusable: no
     * images or no CPU entry), every problem, and the ids (with their aliases) whose file was broken, so that a later
     * phase run against the partial catalog does not report them as unknown.
     */
    public record Partial(Catalog catalog, List<Problem> problems, Set<String> brokenIds) {
        public Optional<Catalog> usable() {
            return Optional.ofNullable(catalog);
        }
    }

    /** The embedded catalog merged with {@code userDirectory} when it exists. */
    public static Catalog load(Optional<Path> userDirectory) throws ProsiException {
        return complete(loadPartial(userDirectory));
    }

    public static Catalog load(List<CatalogFile> embedded, List<CatalogFile> user) throws InvalidInputException {
        return complete(loadPartial(embedded, user, List.of()));
    }

    private static Catalog complete(Partial partial) throws InvalidInputException {
        if (!partial.problems().isEmpty()) {
            Problems problems = new Problems();
            partial.problems().forEach(problems::add);
            problems.throwIfAny();
        }
        return partial.catalog();
    }

    /** Like {@link #load(Optional)}, but returns the valid part with the problems instead of throwing them. */
    public static Partial loadPartial(Optional<Path> userDirectory) throws ProsiException {
        List<CatalogFile> embedded = embeddedFiles();
        List<CatalogFile> user = new ArrayList<>();
        Problems readProblems = new Problems();
        if (userDirectory.isPresent() && Files.isDirectory(userDirectory.get())) {
            user = directoryFiles(userDirectory.get(), readProblems);
        }
        return loadPartial(embedded, user, readProblems.list());
    }

    /** Where one entry came from: its file and root node, to place problems that involve two files. */
    private record Origin(Path file, YamlNode root, boolean user) {}

    public static Partial loadPartial(List<CatalogFile> embedded, List<CatalogFile> user, List<Problem> readProblems) {
        Problems problems = new Problems();
        readProblems.forEach(problems::add);
        Map<String, ModelSpec> models = new LinkedHashMap<>();
        Map<String, Hardware> hardware = new LinkedHashMap<>();
        Map<String, Origin> origins = new LinkedHashMap<>();
        Set<String> broken = new TreeSet<>();
        Images[] images = new Images[1];
        boolean[] imagesBroken = new boolean[1];
        for (Problem p : readProblems) {
            if (p.file() != null) {
                broken.add(fileId(p.file().getFileName().toString()));
            }
        }
        for (List<CatalogFile> layer : List.of(embedded, user)) {
            boolean userLayer = layer == user;
            Map<String, Origin> seenInLayer = new LinkedHashMap<>();
            for (CatalogFile f : layer) {
                String rel = f.relativePath();
                int before = problems.size();
                Optional<YamlNode> root = YamlFiles.parse(f.shownAs(), f.text(), problems);
                boolean entryFile =
                        (rel.startsWith(CatalogKeys.MODELS_FOLDER) || rel.startsWith(CatalogKeys.HARDWARE_FOLDER))
                                && rel.endsWith(".yaml");
                if (root.isEmpty()) {
                    if (entryFile) {
                        broken.add(fileId(rel));
                    } else if (rel.equals(CatalogKeys.IMAGES_FILE)) {
                        imagesBroken[0] = true;
                    }
                    continue;
                }
                if (rel.equals(CatalogKeys.IMAGES_FILE)) {
                    Optional<Images> read = ImagesReader.read(root.get(), problems);
                    if (problems.size() == before && read.isPresent()) {
                        images[0] = read.get();
                    } else {
                        imagesBroken[0] = true;
                    }
                } else if (entryFile) {
                    String kind = rel.startsWith(CatalogKeys.MODELS_FOLDER) ? "model" : "hardware";
                    String id = fileId(rel);
                    Origin here = new Origin(f.shownAs(), root.get(), userLayer);
                    Origin first = seenInLayer.putIfAbsent(kind + ":" + id, here);
                    if (first != null) {
                        YamlNode at = root.get().peek("id").orElse(root.get());
                        problems.at(
                                at,
                                "a second " + kind + " `" + Problem.escape(id) + "`: " + first.file()
                                        + " defines it too",
                                "keep one of the two files");
                        continue;
                    }
                    if (kind.equals("model")) {
                        Optional<ModelSpec> m = ModelReader.read(root.get(), id, problems);
                        if (problems.size() == before && m.isPresent()) {
                            models.put(m.get().id(), m.get());
                            origins.put(m.get().id(), here);
                        } else {
                            markBroken(broken, id, root.get());
                            models.remove(id);
                        }
                    } else {
                        Optional<Hardware> h = HardwareReader.read(root.get(), id, problems);
                        if (problems.size() == before && h.isPresent()) {
                            hardware.put(h.get().id(), h.get());
                        } else {
                            broken.add(id);
                            hardware.remove(id);
                        }
                    }
                } else if (!rel.startsWith("schema/") && !rel.endsWith(".md")) {
                    problems.add(
                            f.shownAs(),
                            "not a catalog file",
                            "put models in models/<id>.yaml, hardware in hardware/<id>.yaml, images in images.yaml");
                }
            }
        }
        checkAliases(models, origins, problems);
        Path root = embedded.isEmpty()
                ? Path.of(RESOURCE_ROOT)
                : Optional.ofNullable(embedded.get(0).shownAs().getParent()).orElse(Path.of(RESOURCE_ROOT));
        if (images[0] == null && !imagesBroken[0]) {
            problems.add(
                    root.resolve(CatalogKeys.IMAGES_FILE),
                    "the catalog has no images.yaml",
                    "the embedded catalog jar is incomplete; rebuild it");
        }
        if (!hardware.containsKey("cpu") && !broken.contains("cpu")) {
            problems.add(
                    root.resolve(CatalogKeys.HARDWARE_FOLDER + "cpu.yaml"),
                    "the catalog has no hardware/cpu.yaml",
                    "the embedded catalog jar is incomplete");
        }
        Catalog catalog =
                images[0] != null && hardware.containsKey("cpu") ? new Catalog(models, hardware, images[0]) : null;
        return new Partial(catalog, problems.list(), Set.copyOf(broken));
    }

    /** The id of a broken model file and the aliases it names, as far as they can be read. */
    private static void markBroken(Set<String> broken, String id, YamlNode root) {
        broken.add(id);
        root.peekText(CatalogKeys.Model.ID).ifPresent(broken::add);
        root.peek(CatalogKeys.Model.ALIASES)
                .map(YamlNode::peekList)
                .orElse(List.of())
                .forEach(a -> a.peekScalar().ifPresent(broken::add));
    }

    private static String fileId(String rel) {
        String name = rel.substring(rel.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /** An alias names one model and no other model's id; a clash is placed at the alias and names both files. */
    private static void checkAliases(Map<String, ModelSpec> models, Map<String, Origin> origins, Problems problems) {
        Map<String, String> owner = new LinkedHashMap<>();
        for (ModelSpec m : models.values()) {
            Origin here = origins.get(m.id());
            for (String alias : m.aliases()) {
                YamlNode at = aliasNode(here, alias);
                String shown = Problem.escape(alias);
                if (models.containsKey(alias) && !alias.equals(m.id())) {
                    Origin other = origins.get(alias);
                    problems.at(
                            at,
                            "alias `" + shown + "` of " + m.id() + " is the id of the model in "
                                    + (other == null ? "another file" : other.file()),
                            "rename or drop the alias");
                }
                String previous = owner.putIfAbsent(alias, m.id());
                if (previous != null && !previous.equals(m.id())) {
                    // placed in the file the user can edit (theirs rather than the embedded one), naming the other
                    Origin first = origins.get(previous);
                    Origin placed = first.user() && !here.user() ? first : here;
                    Origin other = placed == here ? first : here;
                    String otherId = placed == here ? previous : m.id();
                    YamlNode otherAt = aliasNode(other, alias);
                    problems.at(
                            aliasNode(placed, alias),
                            "alias `" + shown + "` is also claimed by " + otherId + " (" + other.file() + ":"
                                    + otherAt.line() + ")",
                            "keep it on one of the two models");
                }
            }
        }
    }

    private static YamlNode aliasNode(Origin origin, String alias) {
        return origin.root()
                .peek(CatalogKeys.Model.ALIASES)
                .flatMap(l -> l.peekList().stream()
                        .filter(a -> a.peekScalar().filter(alias::equals).isPresent())
                        .findFirst())
                .orElse(origin.root());
    }

    // ---------------------------------------------------------------- reading files

    /** The YAML files of a user's catalog folder; one that is too big or not UTF-8 is a problem, not the end. */
    static List<CatalogFile> directoryFiles(Path dir, Problems problems) throws ProsiException {
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> files = walk.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted()
                    .toList();
            List<CatalogFile> out = new ArrayList<>();
            for (Path p : files) {
                String rel = dir.relativize(p).toString().replace('\\', '/');
                if (Files.size(p) > 4L * YamlFiles.MAX_CHARS) {
                    problems.add(
                            p,
                            "the file has " + Files.size(p) + " bytes; Prositronic reads at most " + YamlFiles.MAX_CHARS
                                    + " characters",
                            "split it, or check that it is the file you meant");
                    continue;
                }
                Utf8.decode(p, Files.readAllBytes(p), problems)
                        .ifPresent(text -> out.add(new CatalogFile(p, rel, text)));
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
