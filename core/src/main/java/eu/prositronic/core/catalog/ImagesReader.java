package eu.prositronic.core.catalog;

import eu.prositronic.core.yaml.Problems;
import eu.prositronic.core.yaml.YamlMap;
import eu.prositronic.core.yaml.YamlNode;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads {@code images.yaml} into {@link Images}: one pinned llama.cpp server image per backend. */
final class ImagesReader {
    private static final Pattern DIGEST = Pattern.compile("^sha256:[0-9a-f]{64}$");

    private ImagesReader() {}

    private static Optional<String> digest(YamlMap i) {
        Optional<String> d = i.string(CatalogKeys.Image.DIGEST);
        d.filter(s -> !DIGEST.matcher(s).matches()).ifPresent(s -> i.node()
                .problems()
                .at(i.get(CatalogKeys.Image.DIGEST).get(), "not an image digest", "write sha256:<64 hex digits>"));
        return d;
    }

    /** The value when {@code parse} takes it, else empty with a placed problem (instead of a crash later). */
    private static Optional<String> checked(
            YamlMap i, String key, java.util.function.Function<String, ?> parse, String what, String fix) {
        Optional<String> v = i.string(key);
        if (v.isPresent()) {
            try {
                parse.apply(v.get());
            } catch (RuntimeException e) {
                i.node().problems().at(i.get(key).get(), what, fix);
                return Optional.empty();
            }
        }
        return v;
    }

    static Optional<Images> read(YamlNode root, Problems problems) {
        return root.map(CatalogKeys.Images.KEYS).map(m -> {
            Map<Backend, Images.Image> byBackend = new EnumMap<>(Backend.class);
            m.require(CatalogKeys.Images.BACKENDS, "{cpu: {tag: server-b1234}, …}")
                    .flatMap(b -> b.map(Backend.keys()))
                    .ifPresent(b -> b.entries().forEach((key, node) -> node.map(CatalogKeys.Image.KEYS)
                            .ifPresent(i -> byBackend.put(
                                    Backend.valueOf(key.toUpperCase(Locale.ROOT)),
                                    new Images.Image(
                                            i.requireString(CatalogKeys.Image.TAG, "server-b1234")
                                                    .orElse(""),
                                            digest(i),
                                            checked(
                                                    i,
                                                    CatalogKeys.Image.MIN_DRIVER,
                                                    DriverVersion::parse,
                                                    "not a driver version",
                                                    "write e.g. \"570.26\""),
                                            checked(
                                                    i,
                                                    CatalogKeys.Image.MIN_COMPUTE_CAPABILITY,
                                                    ComputeCapability::parse,
                                                    "not a compute capability",
                                                    "write major.minor in quotes, e.g. \"7.5\""),
                                            EntryFields.requireSource(i))))));
            for (Backend backend : Backend.values()) {
                if (!byBackend.containsKey(backend)) {
                    problems.at(
                            m.node(),
                            "no image for backend " + backend.key(),
                            "add `backends." + backend.key() + ".tag`");
                }
            }
            return new Images(
                    m.requireString(CatalogKeys.Images.REPOSITORY, "ghcr.io/ggml-org/llama.cpp")
                            .orElse(""),
                    m.requireString(CatalogKeys.Images.BUILD, "b1234").orElse(""),
                    EntryFields.requireSource(m),
                    byBackend);
        });
    }
}
