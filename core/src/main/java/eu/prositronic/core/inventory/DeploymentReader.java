package eu.prositronic.core.inventory;

import eu.prositronic.core.catalog.Catalog;
import eu.prositronic.core.catalog.ModelSpec;
import eu.prositronic.core.problem.Suggestions;
import eu.prositronic.core.units.Bytes;
import eu.prositronic.core.yaml.Problems;
import eu.prositronic.core.yaml.YamlMap;
import eu.prositronic.core.yaml.YamlNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads one entry of {@code deployments:} into what it asks ({@link DeploymentRequest}): its model resolved, the file,
 * node and context as written or left to the solver ({@code auto}, a list, a selector, a range).
 */
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
            "metrics",
            "gpuLayers",
            "nCpuMoe",
            "tensorSplit",
            "kvUnified",
            "objective",
            "vision",
            "visionOffload",
            "draft");

    static final List<String> DRAFT_KEYS = List.of("model", "quant", "nDraft", "gpuLayers");

    /** {@code quant: auto}, {@code node: auto}: the solver chooses. */
    static final String AUTO = "auto";

    /** The keys of a node selector ({@code node: {labels: …, gpu: …, minVram: …}}). */
    static final List<String> SELECTOR_KEYS = List.of("labels", "gpu", "minVram");

    static Optional<DeploymentRequest> read(YamlNode item, Catalog catalog, Map<String, Node> nodes) {
        return item.map(KEYS).map(d -> {
            Problems problems = d.node().problems();
            Map<String, DeploymentRequest.Position> where = new HashMap<>();
            where.put("item", position(d.node()));
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
            quantNode.ifPresent(q -> where.put("quant", position(q)));
            Optional<QuantChoice> quant = quantNode.flatMap(q -> quant(q, model));
            Optional<YamlNode> nodeRef = d.require("node", "gpu-01");
            nodeRef.ifPresent(n -> where.put("node", position(n)));
            Optional<NodeChoice> node = nodeRef.flatMap(n -> node(n, catalog, nodes));
            Optional<Node> fixedNode =
                    node.filter(n -> n instanceof NodeChoice.Fixed).map(n -> ((NodeChoice.Fixed) n).node());
            Optional<YamlNode> ctx = d.get("context");
            ctx.ifPresent(c -> where.put("context", position(c)));
            ContextAsk context = ctx.map(c -> context(c, model, where)).orElse(new ContextAsk.Max());
            Optional<Objective> objective =
                    d.get("objective").flatMap(o -> o.oneOf(Objective.keys())).map(Objective::fromKey);
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
            OptionalInt port = d.get("port").isPresent()
                    ? OptionalInt.of((int) d.integer("port", Deployment.DEFAULT_PORT, 1, 65535))
                    : OptionalInt.empty();
            if (port.isPresent() && port.getAsInt() < UNPRIVILEGED_PORT) {
                problems.at(
                        d.get("port").orElse(d.node()),
                        "port " + port.getAsInt() + " is below 1024, which only root may open; llama-server runs as a"
                                + " non-root user",
                        "use a port from 1024 up, e.g. " + Deployment.DEFAULT_PORT);
            }
            LayoutPins pins = LayoutPins.NONE;
            if (node.isPresent() && fixedNode.isEmpty()) {
                for (String pin : List.of("gpuLayers", "nCpuMoe", "tensorSplit")) {
                    d.get(pin)
                            .ifPresent(p -> problems.at(
                                    p,
                                    "a layout pin needs a node named in the inventory: the solver may choose any of several",
                                    "name the node (`node: gpu-01`), or remove `" + pin
                                            + "` and let the planner choose"));
                }
            } else {
                pins = pins(d, model, fixedNode);
            }
            VisionSetting vision = vision(d, model, fixedNode);
            Optional<DraftSetting> draft = draft(d, catalog, model, fixedNode);
            if (model.isEmpty() || quant.isEmpty() || node.isEmpty()) {
                return null; // each missing part is already a problem with its position
            }
            return new DeploymentRequest(
                    name,
                    model.get(),
                    quant.get(),
                    node.get(),
                    context,
                    objective,
                    k,
                    v,
                    fa,
                    parallel,
                    batch,
                    ubatch,
                    thinking,
                    port,
                    d.bool("metrics", false),
                    pins,
                    d.bool("kvUnified", false),
                    vision,
                    draft,
                    where);
        });
    }

    static DeploymentRequest.Position position(YamlNode n) {
        return new DeploymentRequest.Position(n.path(), n.line(), n.column(), n.endLine(), n.endColumn());
    }

    /** {@code Q5_K_M}, {@code auto}, or {@code [Q6_K, Q5_K_M, Q4_K_M]}: each file one the model has, none twice. */
    private static Optional<QuantChoice> quant(YamlNode q, Optional<ModelSpec> model) {
        Problems problems = q.problems();
        if (q.isList()) {
            List<YamlNode> items = q.list();
            if (items.isEmpty()) {
                problems.at(
                        q,
                        "an empty list of quantizations",
                        "list at least one, e.g. `[Q5_K_M, Q4_K_M]`, or" + " write `quant: auto`");
                return Optional.empty();
            }
            List<ModelSpec.QuantFile> files = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            boolean ok = true;
            for (YamlNode item : items) {
                Optional<String> text = item.string();
                if (text.isEmpty()) {
                    ok = false;
                    continue;
                }
                if (text.get().equals(AUTO)) {
                    problems.at(
                            item,
                            "`auto` inside a list of quantizations",
                            "write `quant: auto` alone, or list" + " only quantizations");
                    ok = false;
                } else if (!seen.add(text.get())) {
                    problems.at(
                            item,
                            "quantization `" + text.get() + "` is listed twice",
                            "list each once, in the" + " order you prefer them");
                    ok = false;
                } else if (model.isPresent()) {
                    Optional<ModelSpec.QuantFile> f = model.get().quant(text.get());
                    if (f.isEmpty()) {
                        problems.at(
                                item,
                                "model " + model.get().id() + " has no quantization `" + text.get() + "`",
                                Suggestions.fix(text.get(), model.get().quantNames()));
                        ok = false;
                    } else {
                        files.add(f.get());
                    }
                }
            }
            return ok && model.isPresent() ? Optional.of(new QuantChoice.Ordered(files)) : Optional.empty();
        }
        Optional<String> quant = q.string();
        if (quant.isEmpty() || model.isEmpty()) {
            return Optional.empty();
        }
        if (quant.get().equals(AUTO)) {
            return Optional.of(new QuantChoice.Auto());
        }
        Optional<ModelSpec.QuantFile> f = model.get().quant(quant.get());
        if (f.isEmpty()) {
            problems.at(
                    q,
                    "model " + model.get().id() + " has no quantization `" + quant.get() + "`",
                    Suggestions.fix(quant.get(), model.get().quantNames()) + " (or `auto`, or a list such as `[Q5_K_M,"
                            + " Q4_K_M]`)");
            return Optional.empty();
        }
        return Optional.of(new QuantChoice.Fixed(f.get()));
    }

    /** {@code gpu-01}, {@code auto}, or {@code {labels: {zone: a}, gpu: nvidia-rtx3090, minVram: 24GiB}}. */
    private static Optional<NodeChoice> node(YamlNode n, Catalog catalog, Map<String, Node> nodes) {
        Problems problems = n.problems();
        if (n.isMap()) {
            Optional<YamlMap> m = n.map(SELECTOR_KEYS);
            if (m.isEmpty()) {
                return Optional.empty();
            }
            Map<String, String> labels = new TreeMap<>();
            m.get().get("labels").flatMap(YamlNode::freeMap).ifPresent(l -> l.entries()
                    .forEach((k, v) -> v.string().ifPresent(x -> labels.put(k, x))));
            Optional<String> gpu = m.get().get("gpu").flatMap(YamlNode::string);
            boolean ok = true;
            if (gpu.isPresent()
                    && !gpu.get().equals(Node.CPU_HARDWARE)
                    && catalog.hardware(gpu.get())
                            .filter(h -> h.kind() == eu.prositronic.core.catalog.Hardware.Kind.GPU)
                            .isEmpty()) {
                List<String> known = new ArrayList<>(catalog.gpuIds());
                known.add(Node.CPU_HARDWARE);
                problems.at(
                        m.get().get("gpu").get(),
                        "unknown GPU `" + gpu.get() + "`",
                        Suggestions.fix(gpu.get(), known) + " (`cpu` selects nodes without GPUs)");
                ok = false;
            }
            Optional<YamlNode> vramNode = m.get().get("minVram");
            Optional<Bytes> minVram = vramNode.flatMap(YamlNode::bytes);
            if (vramNode.isPresent() && minVram.isEmpty()) {
                ok = false;
            }
            if (!ok) {
                return Optional.empty();
            }
            NodeSelector selector = new NodeSelector(labels, gpu, minVram);
            if (nodes.values().stream().noneMatch(selector::matches)) {
                problems.at(
                        n,
                        "no node matches the selector (" + selector.describe() + ")",
                        "loosen it, or give a node what it asks; the nodes are " + describe(nodes));
                return Optional.empty();
            }
            return Optional.of(new NodeChoice.Select(selector));
        }
        Optional<String> text = n.string();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String nodeName = text.get();
        if (nodeName.equals(AUTO)) {
            return Optional.of(new NodeChoice.Select(NodeSelector.ANY));
        }
        // the names are listed only on the error path: copying them per deployment was quadratic in the fleet
        if (nodeName.isBlank()) {
            problems.at(
                    n,
                    "an empty node name",
                    Suggestions.listed(nameable(nodes))
                            .map(l -> "name one of " + l + ", or `auto`")
                            .orElse(
                                    nodes.isEmpty()
                                            ? "define a node under `nodes` first, or write `auto`"
                                            : "write `auto`, or a node's name once the nodes have valid names"));
            return Optional.empty();
        }
        Node node = nodes.get(nodeName);
        if (node == null) {
            List<String> known = nameable(nodes);
            problems.at(
                    n,
                    "unknown node `" + nodeName + "`",
                    known.isEmpty() && !nodes.isEmpty()
                            ? "no node has a valid name yet: mend the nodes' names, then name one of them here"
                            : Suggestions.fix(nodeName, known));
            return Optional.empty();
        }
        return Optional.of(new NodeChoice.Fixed(node));
    }

    /**
     * The node names a deployment can be pointed at: an invalid name is kept as the node's key (so that a deployment
     * naming it gets no second problem), but is not offered as a fix.
     */
    private static List<String> nameable(Map<String, Node> nodes) {
        return nodes.keySet().stream().filter(Labels::isLabel).toList();
    }

    /** The first few nodes with what a selector can match: name, labels, GPUs, VRAM. */
    private static String describe(Map<String, Node> nodes) {
        List<String> parts = new ArrayList<>();
        for (Node x : nodes.values()) {
            if (parts.size() == 5) {
                parts.add("… (" + (nodes.size() - 5) + " more)");
                break;
            }
            parts.add(x.name() + " ("
                    + (x.labels().isEmpty()
                            ? ""
                            : "labels " + x.labels().toString().replace('=', ':') + ", ")
                    + x.hardwareSlug()
                    + (x.hasGpu() ? ", " + NodeSelector.vram(x).human() + " VRAM" : "") + ")");
        }
        return String.join(", ", parts);
    }

    /** {@code max}, a number of tokens, or {@code {min: N, max: N}} within the model's trained context. */
    private static ContextAsk context(
            YamlNode c, Optional<ModelSpec> model, Map<String, DeploymentRequest.Position> where) {
        Problems problems = c.problems();
        long trained = model.map(m -> (long) m.architecture().contextLength()).orElse(Long.MAX_VALUE);
        if (c.isMap()) {
            Optional<YamlMap> m = c.map(List.of("min", "max"));
            if (m.isEmpty()) {
                return new ContextAsk.Max();
            }
            m.get().get("min").ifPresent(x -> where.put("context.min", position(x)));
            long lo =
                    m.get().integer("min", InventoryLoader.MIN_CONTEXT, InventoryLoader.MIN_CONTEXT, Integer.MAX_VALUE);
            long hi = m.get()
                    .integer(
                            "max",
                            Math.min(trained, Integer.MAX_VALUE),
                            InventoryLoader.MIN_CONTEXT,
                            Integer.MAX_VALUE);
            if (m.get().get("min").isEmpty() && m.get().get("max").isEmpty()) {
                problems.at(
                        c,
                        "a context range names neither `min` nor `max`",
                        "write e.g. `context: {min: 16384," + " max: 65536}`, or `context: max`");
            }
            if (hi > trained) {
                problems.at(
                        m.get().get("max").orElse(c),
                        "more than the model's trained context of " + trained + " tokens",
                        "use at most " + trained + ", or leave `max` out (it defaults to the trained context)");
                hi = trained;
            }
            if (lo > hi) {
                problems.at(
                        m.get().get("min").orElse(c),
                        "the range's min " + lo + " is above its max " + hi,
                        "make `min` at most " + hi + " (or write one number for an exact context)");
                return new ContextAsk.Max();
            }
            return new ContextAsk.Range(lo, hi);
        }
        if (c.string().orElse("").equals("max")) {
            return new ContextAsk.Max();
        }
        Optional<Long> tokens = c.isScalar() && c.string().orElse("").matches("\\d[\\d_]*")
                ? c.integer(InventoryLoader.MIN_CONTEXT, Integer.MAX_VALUE)
                : Optional.empty();
        if (tokens.isEmpty() && !c.string().orElse("").matches("\\d[\\d_]*")) {
            problems.at(
                    c,
                    "a context is `max`, a number of tokens or a range",
                    "write `context: max`, e.g. `context: 32768`, or `context: {min: 16384, max: 65536}`");
        }
        if (tokens.isEmpty()) {
            return new ContextAsk.Max();
        }
        if (tokens.get() > trained) {
            problems.at(
                    c,
                    "more than the model's trained context of " + trained + " tokens",
                    "use at most " + trained + " or `max`");
        }
        return new ContextAsk.Exact(tokens.get());
    }

    /**
     * {@code draft: {model, quant, nDraft, gpuLayers}}: a catalog model and quantization for speculative decoding. Its
     * vocabulary must match the target's as llama.cpp checks it ({@code common_speculative_are_compatible}: at most
     * 128 tokens apart in size and the same token texts, which the catalog knows as the same family).
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/common/speculative.cpp#L101-L127">common/speculative.cpp L101-L127</a>
     */
    private static Optional<DraftSetting> draft(
            YamlMap d, Catalog catalog, Optional<ModelSpec> target, Optional<Node> node) {
        Optional<YamlNode> dn = d.get("draft");
        if (dn.isEmpty()) {
            return Optional.empty();
        }
        return dn.get().map(DRAFT_KEYS).flatMap(m -> {
            Problems problems = m.node().problems();
            Optional<YamlNode> modelNode = m.require("model", "qwen3-5-0-8b");
            Optional<ModelSpec> model = modelNode.flatMap(YamlNode::string).flatMap(id -> {
                Optional<ModelSpec> found = catalog.model(id);
                if (found.isEmpty()) {
                    problems.at(
                            modelNode.get(),
                            "unknown draft model `" + id + "`",
                            Suggestions.fix(id, catalog.modelNames()));
                }
                return found;
            });
            Optional<YamlNode> quantNode = m.require("quant", "Q4_0");
            String quant = quantNode.flatMap(YamlNode::string).orElse("");
            if (model.isPresent()
                    && quantNode.isPresent()
                    && model.get().quant(quant).isEmpty()) {
                problems.at(
                        quantNode.get(),
                        "draft model " + model.get().id() + " has no quantization `" + quant + "`",
                        Suggestions.fix(quant, model.get().quantNames()));
            }
            int nDraft = (int) m.integer("nDraft", DraftSetting.DEFAULT_N_DRAFT, 1, 256);
            java.util.OptionalInt gpuLayers = m.get("gpuLayers").isPresent()
                    ? java.util.OptionalInt.of((int) m.integer("gpuLayers", 0, 0, 100_000))
                    : java.util.OptionalInt.empty();
            if (model.isPresent() && target.isPresent()) {
                ModelSpec t = target.get();
                ModelSpec dm = model.get();
                long diff = Math.abs(
                        (long) t.architecture().vocabSize() - dm.architecture().vocabSize());
                if (dm.id().equals(t.id())) {
                    problems.at(
                            modelNode.get(),
                            "the draft model is the model itself",
                            "name a smaller model of the same family as `draft.model`, e.g. "
                                    + smallestOfFamily(catalog, t));
                } else if (!dm.family().equals(t.family()) || diff > 128) {
                    problems.at(
                            modelNode.get(),
                            "draft model " + dm.id() + " does not share the vocabulary of " + t.id() + " ("
                                    + dm.architecture().vocabSize() + " and "
                                    + t.architecture().vocabSize()
                                    + " tokens, families " + dm.family() + " and " + t.family()
                                    + "): llama.cpp refuses to draft with it",
                            "use a model of the " + t.family() + " family, e.g. " + smallestOfFamily(catalog, t));
                }
                if (gpuLayers.isPresent()
                        && gpuLayers.getAsInt() > dm.architecture().allLayers() + 1) {
                    problems.at(
                            m.get("gpuLayers").get(),
                            "draft model " + dm.id() + " has "
                                    + (dm.architecture().allLayers() + 1) + " layers to offload",
                            "use at most " + (dm.architecture().allLayers() + 1) + ", or remove `draft.gpuLayers`");
                }
            }
            if (gpuLayers.isPresent()
                    && gpuLayers.getAsInt() > 0
                    && node.isPresent()
                    && !node.get().hasGpu()) {
                problems.at(
                        m.get("gpuLayers").get(),
                        "node " + node.get().name() + " has no GPU",
                        "remove `draft.gpuLayers`");
            }
            if (model.isEmpty() || model.get().quant(quant).isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(
                    new DraftSetting(model.get(), model.get().quant(quant).get(), nDraft, gpuLayers));
        });
    }

    /** The smallest catalog model of a family but the model itself (by file size of its smallest quantization). */
    private static String smallestOfFamily(Catalog catalog, ModelSpec target) {
        return catalog.models().values().stream()
                .filter(m -> m.family().equals(target.family()) && !m.id().equals(target.id()))
                .min(java.util.Comparator.comparingLong(m -> m.parametersTotal()))
                .map(ModelSpec::id)
                .orElse("a smaller model of the " + target.family() + " family");
    }

    /**
     * {@code vision} and {@code visionOffload}: the projector only for a model whose catalog entry has an mmproj file
     * with its measured compute buffer; {@code visionOffload: false} only with vision on a node that has a GPU.
     */
    private static VisionSetting vision(YamlMap d, Optional<ModelSpec> model, Optional<Node> node) {
        Problems problems = d.node().problems();
        boolean enabled = d.bool("vision", false);
        boolean offload = d.bool("visionOffload", true);
        if (enabled && model.isPresent()) {
            ModelSpec m = model.get();
            var v = m.capabilities().vision();
            if (v.isEmpty()) {
                problems.at(
                        d.get("vision").get(),
                        "model " + m.id() + " has no vision projector (no capabilities.vision mmproj file in the"
                                + " catalog)",
                        "remove `vision`, or pick a model with vision (e.g. qwen3-5-4b, gemma-3-4b), or add"
                                + " capabilities.vision to models/" + m.id() + ".yaml in your catalog folder");
            } else if (v.get().computeFlashAttn().isEmpty()) {
                problems.at(
                        d.get("vision").get(),
                        "the catalog's mmproj of " + m.id() + " has no measured compute buffer, so its memory"
                                + " cannot be planned",
                        "add capabilities.vision.computeBytes, computeBytesNoFlashAttn and computeSource to models/"
                                + m.id() + ".yaml (tools/llama-measure/mmprobe measures them), or remove `vision`");
            }
        }
        if (!offload && !enabled) {
            problems.at(
                    d.get("visionOffload").get(),
                    "visionOffload applies only to a deployment with `vision: true`",
                    "set `vision: true` or remove `visionOffload`");
        } else if (!offload && node.isPresent() && node.get().gpus().isEmpty()) {
            problems.at(
                    d.get("visionOffload").get(),
                    "node " + node.get().name() + " has no GPU: the projector is in host memory anyway",
                    "remove `visionOffload`");
        }
        return new VisionSetting(enabled, offload);
    }

    /**
     * {@code gpuLayers}, {@code nCpuMoe} and {@code tensorSplit}: the layout parts a user fixes, checked against the
     * model's layers and the node's GPUs so that the planner never has to refuse them silently.
     */
    private static LayoutPins pins(YamlMap d, Optional<ModelSpec> model, Optional<Node> node) {
        Problems problems = d.node().problems();
        Optional<YamlNode> nglNode = d.get("gpuLayers");
        Optional<YamlNode> moeNode = d.get("nCpuMoe");
        Optional<YamlNode> splitNode = d.get("tensorSplit");
        if (node.isPresent() && !node.get().hasGpu()) {
            for (Optional<YamlNode> pin : List.of(nglNode, moeNode, splitNode)) {
                pin.ifPresent(p -> problems.at(
                        p,
                        "node " + node.get().name() + " has no GPU, so there is no layout to pin",
                        "remove `" + p.path().replaceAll(".*\\.", "") + "`, or give the node its `gpus:`"));
            }
            return LayoutPins.NONE;
        }
        int units = model.map(m -> m.architecture().allLayers() + 1).orElse(Integer.MAX_VALUE);
        OptionalInt ngl = OptionalInt.empty();
        if (nglNode.isPresent()) {
            // -ngl counts the blocks and the output layer: 0 keeps everything on the CPU, `units` offloads all
            Optional<Long> n = nglNode.get().integer(0, 100_000);
            if (n.isPresent() && n.get() > units) {
                problems.at(
                        nglNode.get(),
                        "model " + model.get().id() + " has " + units + " layers to offload (" + (units - 1)
                                + " blocks and the output layer)",
                        "use at most " + units + " (everything on the GPUs), or leave `gpuLayers` out to let the"
                                + " planner choose");
            } else if (n.isPresent()) {
                ngl = OptionalInt.of(n.get().intValue());
            }
        }
        OptionalInt moe = OptionalInt.empty();
        if (moeNode.isPresent()) {
            Optional<Long> n = moeNode.get().integer(0, 100_000);
            if (n.isPresent()
                    && n.get() > 0
                    && model.isPresent()
                    && !model.get().architecture().isMoe()) {
                problems.at(
                        moeNode.get(),
                        "model " + model.get().id() + " has no routed experts to keep on the CPU",
                        "remove `nCpuMoe` (it applies to mixture-of-experts models), or pin `gpuLayers`");
            } else if (n.isPresent()
                    && model.isPresent()
                    && n.get() > model.get().architecture().blockCount()) {
                problems.at(
                        moeNode.get(),
                        "model " + model.get().id() + " has "
                                + model.get().architecture().blockCount() + " blocks",
                        "use at most " + model.get().architecture().blockCount());
            } else if (n.isPresent()) {
                moe = OptionalInt.of(n.get().intValue());
            }
        }
        List<Double> split = List.of();
        if (splitNode.isPresent()) {
            List<Double> shares = new ArrayList<>();
            List<YamlNode> items = splitNode.get().isList() ? splitNode.get().list() : List.of();
            if (!splitNode.get().isList()) {
                problems.at(splitNode.get(), "a tensor split is a list of shares, one per GPU", "write e.g. `[3, 1]`");
            }
            for (YamlNode item : items) {
                item.decimal(0).ifPresent(shares::add);
            }
            int gpus = node.map(Node::gpuCount).orElse(shares.size());
            if (shares.size() == items.size() && !items.isEmpty()) {
                if (shares.size() != gpus) {
                    problems.at(
                            splitNode.get(),
                            "node " + node.get().name() + " has " + gpus + " GPU" + (gpus == 1 ? "" : "s") + " but the"
                                    + " split names " + shares.size(),
                            gpus == 1
                                    ? "remove `tensorSplit`: one GPU takes every offloaded layer"
                                    : "give one share per GPU, e.g. `["
                                            + String.join(", ", java.util.Collections.nCopies(gpus, "1")) + "]`");
                } else if (shares.stream().allMatch(x -> x == 0)) {
                    problems.at(splitNode.get(), "every share is 0", "give at least one GPU a share above 0");
                } else {
                    split = List.copyOf(shares);
                }
            }
        }
        return new LayoutPins(ngl, moe, split);
    }

    private static CacheType cacheType(YamlMap d, String key) {
        return d.get(key)
                .flatMap(c -> c.oneOf(CacheType.flags()))
                .map(CacheType::fromFlag)
                .orElse(CacheType.F16);
    }
}
