package eu.prositronic.core.inventory;

import eu.prositronic.core.catalog.Catalog;
import eu.prositronic.core.catalog.ModelSpec;
import eu.prositronic.core.problem.Suggestions;
import eu.prositronic.core.yaml.Problems;
import eu.prositronic.core.yaml.YamlMap;
import eu.prositronic.core.yaml.YamlNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** Reads one entry of {@code deployments:}, resolved to its model, quantized file and node. */
final class DeploymentReader {
    private DeploymentReader() {}

    /** The keys a deployment may have (README's input reference). */
    /** Ports below this need root (CAP_NET_BIND_SERVICE); the chart and the unit run llama-server as a user. */
    static final int UNPRIVILEGED_PORT = 1024;

    static final List<String> KEYS = List.of(
            "name",
            "model",
            "quant",
            "node",
            "context",
            "cacheTypeK",
            "cacheTypeV",
            "flashAttn",
            "parallel",
            "batchSize",
            "ubatchSize",
            "thinking",
            "port",
            "metrics");

    static Optional<Deployment> read(YamlNode item, Catalog catalog, Map<String, Node> nodes) {
        return item.map(KEYS).map(d -> {
            Problems problems = d.node().problems();
            String name = Labels.release(d, "name", "chat").orElse("deployment");
            Optional<YamlNode> modelNode = d.require("model", "qwen3-5-4b");
            Optional<ModelSpec> model = modelNode.flatMap(YamlNode::string).flatMap(id -> {
                Optional<ModelSpec> m = catalog.model(id);
                if (m.isEmpty()) {
                    problems.at(
                            modelNode.get(),
                            "unknown model `" + id + "`",
                            Suggestions.fix(id, catalog.modelNames()) + " (or add models/" + id
                                    + ".yaml to your catalog folder)");
                }
                return m;
            });
            Optional<YamlNode> quantNode = d.require("quant", "Q4_K_M");
            String quant = quantNode.flatMap(YamlNode::string).orElse("");
            if (model.isPresent()
                    && quantNode.isPresent()
                    && model.get().quant(quant).isEmpty()) {
                problems.at(
                        quantNode.get(),
                        "model " + model.get().id() + " has no quantization `" + quant + "`",
                        Suggestions.fix(quant, model.get().quantNames()));
            }
            Optional<ModelSpec.QuantFile> quantFile = model.flatMap(
                    m -> m.quant(quantNode.flatMap(YamlNode::string).orElse("")));
            Optional<YamlNode> nodeRef = d.require("node", "gpu-01");
            String nodeName = nodeRef.flatMap(YamlNode::string).orElse("");
            // the names are listed only on the error path: copying them per deployment was quadratic in the fleet
            if (nodeRef.isPresent() && nodeRef.get().isScalar() && nodeName.isBlank()) {
                problems.at(nodeRef.get(), "an empty node name", "name one of " + String.join(", ", nodes.keySet()));
            } else if (nodeRef.isPresent() && !nodeName.isEmpty() && !nodes.containsKey(nodeName)) {
                problems.at(
                        nodeRef.get(),
                        "unknown node `" + nodeName + "`",
                        Suggestions.fix(nodeName, List.copyOf(nodes.keySet())));
            }
            Optional<Node> node = Optional.ofNullable(nodes.get(nodeName));
            OptionalLong context = OptionalLong.empty();
            Optional<YamlNode> ctx = d.get("context");
            if (ctx.isPresent() && !ctx.get().string().orElse("").equals("max")) {
                Optional<Long> tokens =
                        ctx.get().isScalar() && ctx.get().string().orElse("").matches("\\d[\\d_]*")
                                ? ctx.get().integer(InventoryLoader.MIN_CONTEXT, Integer.MAX_VALUE)
                                : Optional.empty();
                if (tokens.isEmpty() && !ctx.get().string().orElse("").matches("\\d[\\d_]*")) {
                    problems.at(
                            ctx.get(),
                            "a context is `max` or a number of tokens",
                            "write `context: max` or e.g. `context: 32768`");
                }
                if (tokens.isPresent()) {
                    context = OptionalLong.of(tokens.get());
                    long trained = model.map(m -> (long) m.architecture().contextLength())
                            .orElse(Long.MAX_VALUE);
                    if (tokens.get() > trained) {
                        problems.at(
                                ctx.get(),
                                "more than the model's trained context of " + trained + " tokens",
                                "use at most " + trained + " or `max`");
                    }
                }
            }
            CacheType k = cacheType(d, "cacheTypeK");
            CacheType v = cacheType(d, "cacheTypeV");
            FlashAttn fa = d.get("flashAttn")
                    .flatMap(f -> f.oneOf(FlashAttn.flags()))
                    .map(f -> FlashAttn.valueOf(f.toUpperCase(Locale.ROOT)))
                    .orElse(FlashAttn.AUTO);
            // llama_init_from_model: a quantized V cache with flash attention off is an error (auto turns it on)
            // https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-context.cpp#L3781-L3790
            if (v.quantized() && fa == FlashAttn.OFF) {
                problems.at(
                        d.get("cacheTypeV").get(),
                        "a quantized V cache needs flash attention (llama.cpp refuses to start otherwise)",
                        "set `flashAttn: on` or `auto`, or use `cacheTypeV: f16`");
            }
            int parallel = (int) d.integer("parallel", 1, 1, 256);
            int batch = (int) d.integer("batchSize", Deployment.DEFAULT_BATCH, 1, 1 << 20);
            int ubatch = (int) d.integer("ubatchSize", Deployment.DEFAULT_UBATCH, 1, 1 << 20);
            // the llama_context ctor clamps n_ubatch to n_batch
            // https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-context.cpp#L248-L248
            if (ubatch > batch) {
                problems.at(
                        d.get("ubatchSize").orElse(d.node()),
                        "ubatchSize " + ubatch + " is larger than batchSize " + batch,
                        "make ubatchSize at most batchSize (llama.cpp would clamp it)");
            }
            boolean thinking = d.bool(
                    "thinking",
                    model.map(m -> m.capabilities().thinkingDefaultOn()).orElse(false));
            if (thinking && model.isPresent() && !model.get().capabilities().thinking()) {
                problems.at(
                        d.get("thinking").orElse(d.node()),
                        "model " + model.get().id() + " has no thinking mode",
                        "remove `thinking` or set it to false");
            }
            int port = (int) d.integer("port", Deployment.DEFAULT_PORT, 1, 65535);
            if (port < UNPRIVILEGED_PORT) {
                problems.at(
                        d.get("port").orElse(d.node()),
                        "port " + port + " is below 1024, which only root may open; llama-server runs as a non-root"
                                + " user",
                        "use a port from 1024 up, e.g. " + Deployment.DEFAULT_PORT);
            }
            if (model.isEmpty() || quantFile.isEmpty() || node.isEmpty()) {
                return null; // each missing part is already a problem with its position
            }
            return new Deployment(
                    name,
                    model.get(),
                    quantFile.get(),
                    node.get(),
                    context,
                    k,
                    v,
                    fa,
                    parallel,
                    batch,
                    ubatch,
                    thinking,
                    port,
                    d.bool("metrics", false));
        });
    }

    private static CacheType cacheType(YamlMap d, String key) {
        return d.get(key)
                .flatMap(c -> c.oneOf(CacheType.flags()))
                .map(CacheType::fromFlag)
                .orElse(CacheType.F16);
    }
}
