package eu.prositronic.core.catalog;

import eu.prositronic.core.ClasspathTree;
import eu.prositronic.core.catalog.Architecture.Attention;
import eu.prositronic.core.catalog.Architecture.Moe;
import eu.prositronic.core.catalog.Architecture.Ssm;
import eu.prositronic.core.catalog.ModelSpec.Capabilities;
import eu.prositronic.core.catalog.ModelSpec.QuantFile;
import eu.prositronic.core.problem.InvalidInputException;
import eu.prositronic.core.problem.ProsiException;
import eu.prositronic.core.units.Bytes;
import eu.prositronic.core.yaml.Problems;
import eu.prositronic.core.yaml.YamlFiles;
import eu.prositronic.core.yaml.YamlMap;
import eu.prositronic.core.yaml.YamlNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Loads the embedded catalog ({@code prositronic/catalog/} on the class path, from the prositronic-catalog jar) and
 * merges a user's catalog folder over it: an entry with the same id replaces the embedded one, a new id adds one.
 * Every error of every file is collected before failing.
 */
public final class CatalogLoader {
    public static final String RESOURCE_ROOT = "prositronic/catalog/";
    private static final Pattern ID = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
    private static final Pattern SHA256 = Pattern.compile("^[0-9a-f]{64}$");
    private static final List<String> SOURCE_KEYS = List.of("source", "computed", "estimate");

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
                if (rel.equals("images.yaml")) {
                    readImages(root.get(), problems).ifPresent(i -> images[0] = i);
                } else if (rel.startsWith("models/") && rel.endsWith(".yaml")) {
                    readModel(root.get(), fileId(rel), problems).ifPresent(m -> {
                        if (seenInLayer.put("model:" + m.id(), f.shownAs()) == null) {
                            models.put(m.id(), m);
                        }
                    });
                } else if (rel.startsWith("hardware/") && rel.endsWith(".yaml")) {
                    readHardware(root.get(), fileId(rel), problems).ifPresent(h -> hardware.put(h.id(), h));
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

    // ---------------------------------------------------------------- models

    private static Optional<ModelSpec> readModel(YamlNode root, String fileId, Problems problems) {
        Optional<YamlMap> mo = root.map(List.of(
                "id",
                "name",
                "family",
                "aliases",
                "license",
                "description",
                "parameters",
                "capabilities",
                "architecture",
                "quantizations"));
        if (mo.isEmpty()) {
            return Optional.empty();
        }
        YamlMap m = mo.get();
        String id = readId(m, fileId);
        String name = m.requireString("name", "Qwen3.5 4B").orElse(id);
        String family = m.string("family", "");
        List<String> aliases = m.strings("aliases");
        String license = m.require("license", "{id: apache-2.0, source: <url>}")
                .flatMap(n -> n.map(List.of("id", "source", "name")))
                .flatMap(l -> l.requireString("id", "apache-2.0"))
                .orElse("");
        String description = m.string("description", "");
        long[] counts = new long[2];
        Optional<YamlMap> params = m.require("parameters", "{total: 4206000000, source: <url>}")
                .flatMap(n -> n.map(withSources("total", "active", "published")));
        if (params.isPresent()) {
            counts[0] = params.get().integer("total", 0, 1, Long.MAX_VALUE);
            counts[1] = params.get().integer("active", counts[0], 1, Long.MAX_VALUE);
            requireSource(params.get());
        }
        Capabilities caps = m.get("capabilities")
                .flatMap(n -> readCapabilities(n, problems))
                .orElse(new Capabilities(false, false, "", false, 0, List.of(), Optional.empty()));
        Optional<Architecture> arch =
                m.require("architecture", "{ggufArchitecture: qwen35, …}").flatMap(CatalogLoader::readArchitecture);
        List<QuantFile> quants = new ArrayList<>();
        for (YamlNode q : m.list("quantizations")) {
            readQuant(q).ifPresent(quants::add);
        }
        if (m.get("quantizations").isEmpty()) {
            problems.at(m.node(), "missing key `quantizations`", "list at least one GGUF file");
        }
        return arch.map(a ->
                new ModelSpec(id, name, family, aliases, license, description, counts[0], counts[1], caps, a, quants));
    }

    private static Optional<Capabilities> readCapabilities(YamlNode n, Problems problems) {
        return n.map(List.of("thinking", "toolCalls", "languages", "tags", "vision"))
                .map(c -> {
                    boolean thinking = false;
                    boolean defaultOn = false;
                    String kwarg = "enable_thinking";
                    Optional<YamlMap> t =
                            c.get("thinking").flatMap(x -> x.map(List.of("supported", "defaultOn", "templateKwarg")));
                    if (t.isPresent()) {
                        thinking = t.get().bool("supported", false);
                        defaultOn = t.get().bool("defaultOn", thinking);
                        kwarg = t.get().string("templateKwarg", kwarg);
                    }
                    Optional<QuantFile> vision = c.get("vision").flatMap(v -> v.map(
                                    withSources("repo", "file", "sizeBytes", "sha256"))
                            .map(vm -> new QuantFile(
                                    "mmproj",
                                    vm.requireString("repo", "unsloth/…").orElse(""),
                                    vm.requireString("file", "mmproj-F16.gguf").orElse(""),
                                    Bytes.of(vm.integer("sizeBytes", 0, 1, Long.MAX_VALUE)),
                                    vm.string("sha256"),
                                    requireSource(vm),
                                    Optional.empty())));
                    return new Capabilities(
                            thinking,
                            defaultOn,
                            kwarg,
                            c.bool("toolCalls", false),
                            (int) c.integer("languages", 0, 0, 10_000),
                            c.strings("tags"),
                            vision);
                });
    }

    private static Optional<Architecture> readArchitecture(YamlNode n) {
        Optional<YamlMap> ao = n.map(List.of(
                "ggufArchitecture",
                "blockCount",
                "nextnLayers",
                "embeddingLength",
                "feedForwardLength",
                "vocabSize",
                "contextLength",
                "tiedEmbeddings",
                "attention",
                "ssm",
                "moe",
                "source",
                "computed",
                "estimate"));
        if (ao.isEmpty()) {
            return Optional.empty();
        }
        YamlMap a = ao.get();
        requireSource(a);
        Optional<Attention> attention = a.require("attention", "{headCount: 16, …}")
                .flatMap(x -> x.map(List.of(
                        "headCount", "headCountKv", "keyLength", "valueLength", "layerPattern", "slidingWindow")))
                .map(at -> {
                    List<LayerKind> pattern = new ArrayList<>();
                    for (YamlNode p : at.list("layerPattern")) {
                        p.oneOf(LayerKind.keys())
                                .ifPresent(k -> pattern.add(LayerKind.valueOf(k.toUpperCase(Locale.ROOT))));
                    }
                    if (pattern.isEmpty()) {
                        pattern.add(LayerKind.FULL);
                    }
                    int heads = (int) at.integer("headCount", 1, 1, 1024);
                    return new Attention(
                            heads,
                            (int) at.integer("headCountKv", heads, 1, 1024),
                            (int) at.integer("keyLength", 128, 1, 4096),
                            (int) at.integer("valueLength", 128, 1, 4096),
                            List.copyOf(pattern),
                            (int) at.integer("slidingWindow", 0, 0, Integer.MAX_VALUE));
                });
        Optional<Ssm> ssm = a.get("ssm")
                .flatMap(x -> x.map(List.of("convKernel", "stateSize", "groupCount", "timeStepRank", "innerSize")))
                .map(s -> new Ssm(
                        (int) s.integer("convKernel", 4, 1, 64),
                        (int) s.integer("stateSize", 128, 1, 4096),
                        (int) s.integer("groupCount", 1, 1, 1024),
                        (int) s.integer("timeStepRank", 1, 1, 1024),
                        (int) s.integer("innerSize", 1, 1, Integer.MAX_VALUE)));
        Optional<Moe> moe = a.get("moe")
                .flatMap(x -> x.map(List.of(
                        "expertCount", "expertUsedCount", "expertFeedForwardLength", "sharedExpertFeedForwardLength")))
                .map(mo -> new Moe(
                        (int) mo.integer("expertCount", 1, 1, 4096),
                        (int) mo.integer("expertUsedCount", 1, 1, 4096),
                        (int) mo.integer("expertFeedForwardLength", 1, 1, Integer.MAX_VALUE),
                        (int) mo.integer("sharedExpertFeedForwardLength", 0, 0, Integer.MAX_VALUE)));
        if (attention.isEmpty()) {
            return Optional.empty();
        }
        Architecture arch = new Architecture(
                a.requireString("ggufArchitecture", "qwen35").orElse(""),
                (int) a.integer("blockCount", 1, 1, 1024),
                (int) a.integer("nextnLayers", 0, 0, 16),
                (int) a.integer("embeddingLength", 1, 1, 1 << 20),
                (int) a.integer("feedForwardLength", 0, 0, 1 << 22),
                (int) a.integer("vocabSize", 1, 1, 1 << 24),
                (int) a.integer("contextLength", 4096, 256, Integer.MAX_VALUE),
                a.bool("tiedEmbeddings", false),
                attention.get(),
                ssm,
                moe);
        if (arch.attention().layerPattern().contains(LayerKind.RECURRENT) && ssm.isEmpty()) {
            a.node().problems().at(a.node(), "recurrent layers need the `ssm` state sizes", "add `ssm: {…}`");
        }
        if (arch.attention().layerPattern().contains(LayerKind.SLIDING)
                && arch.attention().slidingWindow() == 0) {
            a.node().problems().at(a.node(), "sliding layers need `attention.slidingWindow`", "add the window size");
        }
        return Optional.of(arch);
    }

    private static Optional<QuantFile> readQuant(YamlNode n) {
        return n.map(withSources("quant", "repo", "file", "sizeBytes", "sha256", "tensors"))
                .map(q -> {
                    Optional<String> sha = q.get("sha256").flatMap(YamlNode::string);
                    sha.filter(s -> !SHA256.matcher(s).matches()).ifPresent(s -> q.node()
                            .problems()
                            .at(q.get("sha256").get(), "not a sha256", "write 64 lower-case hex digits or omit it"));
                    Optional<ModelSpec.TensorLayout> tensors = q.get("tensors")
                            .flatMap(t -> t.map(withSources(
                                    "tokenEmbeddingBytes", "outputBytes", "blockBytes", "blockExpertBytes")))
                            .map(t -> {
                                requireSource(t);
                                return new ModelSpec.TensorLayout(
                                        Bytes.of(t.integer("tokenEmbeddingBytes", 0, 0, Long.MAX_VALUE)),
                                        Bytes.of(t.integer("outputBytes", 0, 0, Long.MAX_VALUE)),
                                        sizes(t.list("blockBytes")),
                                        sizes(t.list("blockExpertBytes")));
                            });
                    return new QuantFile(
                            q.requireString("quant", "Q4_K_M").orElse(""),
                            q.requireString("repo", "unsloth/Qwen3.5-4B-GGUF").orElse(""),
                            q.requireString("file", "Qwen3.5-4B-Q4_K_M.gguf").orElse(""),
                            Bytes.of(q.require("sizeBytes", "2740000000")
                                    .flatMap(s -> s.integer(1, Long.MAX_VALUE))
                                    .orElse(1L)),
                            sha,
                            requireSource(q),
                            tensors);
                });
    }

    private static List<Bytes> sizes(List<YamlNode> nodes) {
        return nodes.stream()
                .map(x -> Bytes.of(x.integer(0, Long.MAX_VALUE).orElse(0L)))
                .toList();
    }

    // ---------------------------------------------------------------- hardware

    private static Optional<Hardware> readHardware(YamlNode root, String fileId, Problems problems) {
        return root.map(withSources(
                        "id",
                        "name",
                        "kind",
                        "vendor",
                        "memoryBytes",
                        "memoryBandwidthBytesPerSecond",
                        "fp16Tflops",
                        "fp32Tflops",
                        "computeCapability",
                        "architecture",
                        "gfxTarget",
                        "productLabel",
                        "powerWatts"))
                .map(h -> {
                    String id = readId(h, fileId);
                    String kind = h.require("kind", "gpu")
                            .flatMap(k -> k.oneOf(List.of("gpu", "cpu")))
                            .orElse("gpu");
                    String vendor = h.require("vendor", "nvidia")
                            .flatMap(k -> k.oneOf(List.of("nvidia", "amd", "cpu")))
                            .orElse("cpu");
                    Optional<String> cc = h.string("computeCapability");
                    if (vendor.equals("nvidia") && cc.isEmpty()) {
                        problems.at(
                                h.node(),
                                "an NVIDIA GPU needs `computeCapability`",
                                "add e.g. `computeCapability: \"8.6\"`");
                    }
                    return new Hardware(
                            id,
                            h.string("name", id),
                            Hardware.Kind.valueOf(kind.toUpperCase(Locale.ROOT)),
                            Hardware.Vendor.valueOf(vendor.toUpperCase(Locale.ROOT)),
                            Bytes.of(h.integer("memoryBytes", 0, 0, Long.MAX_VALUE)),
                            h.integer("memoryBandwidthBytesPerSecond", 1, 1, Long.MAX_VALUE),
                            h.get("fp16Tflops").flatMap(x -> x.decimal(0)).orElse(0.0),
                            h.get("fp32Tflops").flatMap(x -> x.decimal(0)).orElse(0.0),
                            cc,
                            h.string("architecture", ""),
                            h.string("gfxTarget").filter(s -> !s.isEmpty()),
                            h.string("productLabel").filter(s -> !s.isEmpty()),
                            (int) h.integer("powerWatts", 0, 0, 100_000),
                            requireSource(h));
                });
    }

    // ---------------------------------------------------------------- images

    private static Optional<Images> readImages(YamlNode root, Problems problems) {
        return root.map(withSources("repository", "build", "backends")).map(m -> {
            Map<Backend, Images.Image> byBackend = new EnumMap<>(Backend.class);
            m.require("backends", "{cpu: {tag: server-b1234}, …}")
                    .flatMap(b -> b.map(Backend.keys()))
                    .ifPresent(b -> b.entries()
                            .forEach((key, node) -> node.map(List.of("tag", "minDriver", "minComputeCapability"))
                                    .ifPresent(i -> byBackend.put(
                                            Backend.valueOf(key.toUpperCase(Locale.ROOT)),
                                            new Images.Image(
                                                    i.requireString("tag", "server-b1234")
                                                            .orElse(""),
                                                    i.string("minDriver"),
                                                    i.string("minComputeCapability"))))));
            for (Backend backend : Backend.values()) {
                if (!byBackend.containsKey(backend)) {
                    problems.at(
                            m.node(),
                            "no image for backend " + backend.key(),
                            "add `backends." + backend.key() + ".tag`");
                }
            }
            return new Images(
                    m.requireString("repository", "ghcr.io/ggml-org/llama.cpp").orElse(""),
                    m.requireString("build", "b1234").orElse(""),
                    requireSource(m),
                    byBackend);
        });
    }

    // ---------------------------------------------------------------- helpers

    private static String readId(YamlMap m, String fileId) {
        Optional<YamlNode> idNode = m.require("id", fileId);
        String id = idNode.flatMap(YamlNode::string).orElse(fileId);
        if (idNode.isPresent() && !ID.matcher(id).matches()) {
            m.node()
                    .problems()
                    .at(idNode.get(), "an id is a DNS-1123 label", "use lower-case letters, digits and dashes");
        } else if (idNode.isPresent() && !id.equals(fileId)) {
            m.node()
                    .problems()
                    .at(idNode.get(), "the id differs from the file name `" + fileId + ".yaml`", "make them equal");
        }
        return id;
    }

    private static List<String> withSources(String... keys) {
        List<String> all = new ArrayList<>(List.of(keys));
        all.addAll(SOURCE_KEYS);
        return all;
    }

    /** Every number carries its source: a {@code source}, {@code computed} or {@code estimate} key. */
    private static String requireSource(YamlMap m) {
        for (String key : SOURCE_KEYS) {
            Optional<YamlNode> n = m.get(key);
            if (n.isPresent()) {
                String text = n.get().isList()
                        ? String.join(
                                ", ",
                                n.get().list().stream()
                                        .flatMap(x -> x.string().stream())
                                        .toList())
                        : n.get().string().orElse("");
                return key.equals("source") ? text : key + ": " + text;
            }
        }
        m.node()
                .problems()
                .at(
                        m.node(),
                        "these numbers have no source",
                        "add `source: <url>`, `computed: <how>` or `estimate: <why>`");
        return "";
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
                    ClasspathTree.read(CatalogLoader.class.getClassLoader(), RESOURCE_ROOT, "images.yaml")) {
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
