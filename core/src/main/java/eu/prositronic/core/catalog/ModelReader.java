package eu.prositronic.core.catalog;

import eu.prositronic.core.catalog.ModelSpec.Capabilities;
import eu.prositronic.core.catalog.ModelSpec.QuantFile;
import eu.prositronic.core.units.Bytes;
import eu.prositronic.core.yaml.Problems;
import eu.prositronic.core.yaml.YamlMap;
import eu.prositronic.core.yaml.YamlNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads {@code models/<id>.yaml} into a {@link ModelSpec}: the model, its architecture and its GGUF files. */
final class ModelReader {
    private static final Pattern SHA256 = Pattern.compile("^[0-9a-f]{64}$");

    private ModelReader() {}

    static Optional<ModelSpec> read(YamlNode root, String fileId, Problems problems) {
        Optional<YamlMap> mo = root.map(CatalogKeys.Model.KEYS);
        if (mo.isEmpty()) {
            return Optional.empty();
        }
        YamlMap m = mo.get();
        String id = EntryFields.id(m, CatalogKeys.Model.ID, fileId);
        String name = m.requireString(CatalogKeys.Model.NAME, "Qwen3.5 4B").orElse(id);
        String family = m.string(CatalogKeys.Model.FAMILY, "");
        List<String> aliases = m.strings(CatalogKeys.Model.ALIASES);
        String license = m.require(CatalogKeys.Model.LICENSE, "{id: apache-2.0, source: <url>}")
                .flatMap(n -> n.map(CatalogKeys.License.KEYS))
                .flatMap(l -> l.requireString(CatalogKeys.License.ID, "apache-2.0"))
                .orElse("");
        String description = m.string(CatalogKeys.Model.DESCRIPTION, "");
        long[] counts = new long[2];
        Optional<YamlMap> params = m.require(CatalogKeys.Model.PARAMETERS, "{total: 4206000000, source: <url>}")
                .flatMap(n -> n.map(CatalogKeys.Parameters.KEYS));
        if (params.isPresent()) {
            counts[0] = params.get().integer(CatalogKeys.Parameters.TOTAL, 0, 1, Long.MAX_VALUE);
            counts[1] = params.get().integer(CatalogKeys.Parameters.ACTIVE, counts[0], 1, Long.MAX_VALUE);
            EntryFields.requireSource(params.get());
        }
        Capabilities caps = m.get(CatalogKeys.Model.CAPABILITIES)
                .flatMap(ModelReader::capabilities)
                .orElse(new Capabilities(false, false, "", false, 0, List.of(), Optional.empty()));
        Optional<Architecture> arch = m.require(CatalogKeys.Model.ARCHITECTURE, "{ggufArchitecture: qwen35, …}")
                .flatMap(ModelReader::architecture);
        List<QuantFile> quants = new ArrayList<>();
        for (YamlNode q : m.list(CatalogKeys.Model.QUANTIZATIONS)) {
            quant(q).ifPresent(quants::add);
        }
        if (m.get(CatalogKeys.Model.QUANTIZATIONS).isEmpty()) {
            problems.at(m.node(), "missing key `quantizations`", "list at least one GGUF file");
        }
        return arch.map(a ->
                new ModelSpec(id, name, family, aliases, license, description, counts[0], counts[1], caps, a, quants));
    }

    private static Optional<Capabilities> capabilities(YamlNode n) {
        return n.map(CatalogKeys.Capabilities.KEYS).map(c -> {
            boolean thinking = false;
            boolean defaultOn = false;
            String kwarg = Capabilities.DEFAULT_THINKING_KWARG;
            Optional<YamlMap> t =
                    c.get(CatalogKeys.Capabilities.THINKING).flatMap(x -> x.map(CatalogKeys.Thinking.KEYS));
            if (t.isPresent()) {
                thinking = t.get().bool(CatalogKeys.Thinking.SUPPORTED, false);
                defaultOn = t.get().bool(CatalogKeys.Thinking.DEFAULT_ON, thinking);
                kwarg = t.get().string(CatalogKeys.Thinking.TEMPLATE_KWARG, kwarg);
            }
            Optional<QuantFile> vision = c.get(CatalogKeys.Capabilities.VISION)
                    .flatMap(v -> v.map(CatalogKeys.Vision.KEYS)
                            .map(vm -> new QuantFile(
                                    "mmproj",
                                    vm.requireString(CatalogKeys.Vision.REPO, "unsloth/…")
                                            .orElse(""),
                                    vm.requireString(CatalogKeys.Vision.FILE, "mmproj-F16.gguf")
                                            .orElse(""),
                                    Bytes.of(vm.integer(CatalogKeys.Vision.SIZE_BYTES, 0, 1, Long.MAX_VALUE)),
                                    vm.string(CatalogKeys.Vision.SHA256),
                                    EntryFields.requireSource(vm),
                                    Optional.empty())));
            return new Capabilities(
                    thinking,
                    defaultOn,
                    kwarg,
                    c.bool(CatalogKeys.Capabilities.TOOL_CALLS, false),
                    (int) c.integer(CatalogKeys.Capabilities.LANGUAGES, 0, 0, 10_000),
                    c.strings(CatalogKeys.Capabilities.TAGS),
                    vision);
        });
    }

    private static Optional<Architecture> architecture(YamlNode n) {
        Optional<YamlMap> ao = n.map(CatalogKeys.Architecture.KEYS);
        if (ao.isEmpty()) {
            return Optional.empty();
        }
        YamlMap a = ao.get();
        EntryFields.requireSource(a);
        Optional<Architecture.Attention> attention = a.require(CatalogKeys.Architecture.ATTENTION, "{headCount: 16, …}")
                .flatMap(x -> x.map(CatalogKeys.Attention.KEYS))
                .map(at -> {
                    List<LayerKind> pattern = new ArrayList<>();
                    for (YamlNode p : at.list(CatalogKeys.Attention.LAYER_PATTERN)) {
                        p.oneOf(LayerKind.keys())
                                .ifPresent(k -> pattern.add(LayerKind.valueOf(k.toUpperCase(Locale.ROOT))));
                    }
                    if (pattern.isEmpty()) {
                        pattern.add(LayerKind.FULL);
                    }
                    int heads = (int) at.integer(CatalogKeys.Attention.HEAD_COUNT, 1, 1, 1024);
                    return new Architecture.Attention(
                            heads,
                            (int) at.integer(CatalogKeys.Attention.HEAD_COUNT_KV, heads, 1, 1024),
                            (int) at.integer(CatalogKeys.Attention.KEY_LENGTH, 128, 1, 4096),
                            (int) at.integer(CatalogKeys.Attention.VALUE_LENGTH, 128, 1, 4096),
                            List.copyOf(pattern),
                            (int) at.integer(CatalogKeys.Attention.SLIDING_WINDOW, 0, 0, Integer.MAX_VALUE));
                });
        Optional<Architecture.Ssm> ssm = a.get(CatalogKeys.Architecture.SSM)
                .flatMap(x -> x.map(CatalogKeys.Ssm.KEYS))
                .map(s -> new Architecture.Ssm(
                        (int) s.integer(CatalogKeys.Ssm.CONV_KERNEL, 4, 1, 64),
                        (int) s.integer(CatalogKeys.Ssm.STATE_SIZE, 128, 1, 4096),
                        (int) s.integer(CatalogKeys.Ssm.GROUP_COUNT, 1, 1, 1024),
                        (int) s.integer(CatalogKeys.Ssm.TIME_STEP_RANK, 1, 1, 1024),
                        (int) s.integer(CatalogKeys.Ssm.INNER_SIZE, 1, 1, Integer.MAX_VALUE)));
        Optional<Architecture.Moe> moe = a.get(CatalogKeys.Architecture.MOE)
                .flatMap(x -> x.map(CatalogKeys.Moe.KEYS))
                .map(mo -> new Architecture.Moe(
                        (int) mo.integer(CatalogKeys.Moe.EXPERT_COUNT, 1, 1, 4096),
                        (int) mo.integer(CatalogKeys.Moe.EXPERT_USED_COUNT, 1, 1, 4096),
                        (int) mo.integer(CatalogKeys.Moe.EXPERT_FEED_FORWARD_LENGTH, 1, 1, Integer.MAX_VALUE),
                        (int) mo.integer(CatalogKeys.Moe.SHARED_EXPERT_FEED_FORWARD_LENGTH, 0, 0, Integer.MAX_VALUE)));
        if (attention.isEmpty()) {
            return Optional.empty();
        }
        Architecture arch = new Architecture(
                a.requireString(CatalogKeys.Architecture.GGUF_ARCHITECTURE, "qwen35")
                        .orElse(""),
                (int) a.integer(CatalogKeys.Architecture.BLOCK_COUNT, 1, 1, 1024),
                (int) a.integer(CatalogKeys.Architecture.NEXTN_LAYERS, 0, 0, 16),
                (int) a.integer(CatalogKeys.Architecture.EMBEDDING_LENGTH, 1, 1, 1 << 20),
                (int) a.integer(CatalogKeys.Architecture.FEED_FORWARD_LENGTH, 0, 0, 1 << 22),
                (int) a.integer(CatalogKeys.Architecture.VOCAB_SIZE, 1, 1, 1 << 24),
                (int) a.integer(CatalogKeys.Architecture.CONTEXT_LENGTH, 4096, 256, Integer.MAX_VALUE),
                a.bool(CatalogKeys.Architecture.TIED_EMBEDDINGS, false),
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

    private static Optional<QuantFile> quant(YamlNode n) {
        return n.map(CatalogKeys.Quantization.KEYS).map(q -> {
            Optional<String> sha = q.get(CatalogKeys.Quantization.SHA256).flatMap(YamlNode::string);
            sha.filter(s -> !SHA256.matcher(s).matches()).ifPresent(s -> q.node()
                    .problems()
                    .at(
                            q.get(CatalogKeys.Quantization.SHA256).get(),
                            "not a sha256",
                            "write 64 lower-case hex digits or omit it"));
            Optional<ModelSpec.TensorLayout> tensors = q.get(CatalogKeys.Quantization.TENSORS)
                    .flatMap(t -> t.map(CatalogKeys.Tensors.KEYS))
                    .map(t -> {
                        EntryFields.requireSource(t);
                        return new ModelSpec.TensorLayout(
                                Bytes.of(t.integer(CatalogKeys.Tensors.TOKEN_EMBEDDING_BYTES, 0, 0, Long.MAX_VALUE)),
                                Bytes.of(t.integer(CatalogKeys.Tensors.OUTPUT_BYTES, 0, 0, Long.MAX_VALUE)),
                                sizes(t.list(CatalogKeys.Tensors.BLOCK_BYTES)),
                                sizes(t.list(CatalogKeys.Tensors.BLOCK_EXPERT_BYTES)));
                    });
            return new QuantFile(
                    q.requireString(CatalogKeys.Quantization.QUANT, "Q4_K_M").orElse(""),
                    q.requireString(CatalogKeys.Quantization.REPO, "unsloth/Qwen3.5-4B-GGUF")
                            .orElse(""),
                    q.requireString(CatalogKeys.Quantization.FILE, "Qwen3.5-4B-Q4_K_M.gguf")
                            .orElse(""),
                    Bytes.of(q.require(CatalogKeys.Quantization.SIZE_BYTES, "2740000000")
                            .flatMap(s -> s.integer(1, Long.MAX_VALUE))
                            .orElse(1L)),
                    sha,
                    EntryFields.requireSource(q),
                    tensors);
        });
    }

    private static List<Bytes> sizes(List<YamlNode> nodes) {
        return nodes.stream()
                .map(x -> Bytes.of(x.integer(0, Long.MAX_VALUE).orElse(0L)))
                .toList();
    }
}
