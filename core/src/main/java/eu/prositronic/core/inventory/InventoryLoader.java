package eu.prositronic.core.inventory;

import eu.prositronic.core.catalog.Catalog;
import eu.prositronic.core.catalog.Hardware;
import eu.prositronic.core.catalog.ModelSpec;
import eu.prositronic.core.inventory.Inventory.Cluster;
import eu.prositronic.core.inventory.Node.GpuGroup;
import eu.prositronic.core.problem.InvalidInputException;
import eu.prositronic.core.problem.Suggestions;
import eu.prositronic.core.units.Bytes;
import eu.prositronic.core.units.BytesPerSecond;
import eu.prositronic.core.yaml.Problems;
import eu.prositronic.core.yaml.YamlFiles;
import eu.prositronic.core.yaml.YamlMap;
import eu.prositronic.core.yaml.YamlNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates {@code inventory.yaml} against the catalog and resolves it: deployments get their model, file
 * and node, nodes their GPUs' catalog entries. Every problem is collected with its file, line, column, YAML path, the
 * bad value and a suggested fix; nothing is returned unless the whole file is valid.
 */
public final class InventoryLoader {
    private static final Pattern DNS_1123_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$");
    private static final Pattern DRIVER = Pattern.compile("^\\d+(\\.\\d+){1,2}$");
    /** The smallest context worth serving; llama.cpp's --fit uses 4096 as its floor (common/fit.cpp). */
    public static final long MIN_CONTEXT = 256;

    private InventoryLoader() {}

    public static Inventory load(Path file, String text, Catalog catalog) throws InvalidInputException {
        Problems problems = new Problems();
        Optional<YamlNode> root = YamlFiles.parse(file, text, problems);
        Inventory inventory = root.flatMap(r -> r.map(List.of("cluster", "nodes", "deployments")))
                .map(m -> read(file, m, catalog, problems))
                .orElse(null);
        problems.throwIfAny();
        return inventory;
    }

    private static Inventory read(Path file, YamlMap top, Catalog catalog, Problems problems) {
        Cluster cluster = top.require("cluster", "{name: homelab, namespace: llm, containerRuntime: containerd}")
                .flatMap(n -> n.map(List.of("name", "namespace", "containerRuntime")))
                .map(c -> new Cluster(
                        label(c, "name", "homelab").orElse("cluster"),
                        label(c, "namespace", "llm").orElse("default"),
                        c.get("containerRuntime")
                                .flatMap(r -> r.oneOf(ContainerRuntime.keys()))
                                .map(r -> ContainerRuntime.valueOf(r.toUpperCase(Locale.ROOT)))
                                .orElse(ContainerRuntime.CONTAINERD)))
                .orElse(new Cluster("cluster", "default", ContainerRuntime.CONTAINERD));

        Map<String, Node> nodes = new LinkedHashMap<>();
        Map<String, YamlNode> nodeNames = new HashMap<>();
        List<YamlNode> nodeItems = top.list("nodes");
        if (nodeItems.isEmpty()) {
            problems.at(top.node(), "no nodes", "add at least one node under `nodes:`");
        }
        for (YamlNode item : nodeItems) {
            readNode(item, catalog).ifPresent(n -> {
                if (nodeNames.putIfAbsent(n.name(), item) != null) {
                    problems.at(item, "a second node named `" + n.name() + "`", "give every node its own name");
                } else {
                    nodes.put(n.name(), n);
                }
            });
        }

        List<Deployment> deployments = new ArrayList<>();
        Set<String> deploymentNames = new HashSet<>();
        Map<String, String> portsInUse = new HashMap<>();
        for (YamlNode item : top.list("deployments")) {
            readDeployment(item, catalog, nodes).ifPresent(d -> {
                if (!deploymentNames.add(d.name())) {
                    problems.at(
                            item, "a second deployment named `" + d.name() + "`", "give every deployment its own name");
                    return;
                }
                String previous = portsInUse.putIfAbsent(d.node().name() + ":" + d.port(), d.name());
                if (previous != null) {
                    problems.at(
                            item,
                            "port " + d.port() + " on node " + d.node().name() + " is already used by deployment "
                                    + previous,
                            "set `port:` to a free port, e.g. " + (d.port() + 1));
                    return;
                }
                deployments.add(d);
            });
        }
        return new Inventory(file, cluster, List.copyOf(nodes.values()), deployments);
    }

    private static Optional<Node> readNode(YamlNode item, Catalog catalog) {
        return item.map(List.of("name", "address", "ram", "cpu", "gpus", "gpuDriver"))
                .map(n -> {
                    String name = label(n, "name", "gpu-01").orElse("node");
                    String address = n.requireString("address", "192.168.1.21").orElse("");
                    Bytes ram =
                            n.require("ram", "64GiB").flatMap(YamlNode::bytes).orElse(Bytes.ZERO);
                    if (!ram.isZero() && ram.value() < Bytes.GIB) {
                        n.node()
                                .problems()
                                .at(n.get("ram").get(), "less than 1 GiB of RAM", "write the unit, e.g. 64GiB");
                    }
                    int cores = 0;
                    Optional<BytesPerSecond> bandwidth = Optional.empty();
                    Optional<YamlMap> cpu = n.require("cpu", "{cores: 16}")
                            .flatMap(c -> c.map(List.of("cores", "memoryBandwidthGBps")));
                    if (cpu.isPresent()) {
                        cores = (int) cpu.get()
                                .require("cores", "16")
                                .flatMap(c -> c.integer(1, 4096))
                                .orElse(1L)
                                .longValue();
                        bandwidth = cpu.get()
                                .get("memoryBandwidthGBps")
                                .flatMap(b -> b.decimal(1))
                                .map(BytesPerSecond::ofGBps);
                    }
                    List<GpuGroup> gpus = new ArrayList<>();
                    for (YamlNode g : n.list("gpus")) {
                        g.map(List.of("model", "count")).ifPresent(gm -> {
                            Optional<YamlNode> modelNode = gm.require("model", "nvidia-rtx3090");
                            Optional<String> model = modelNode.flatMap(YamlNode::string);
                            int count = (int) gm.integer("count", 1, 1, 64);
                            if (model.isPresent()) {
                                Optional<Hardware> hw =
                                        catalog.hardware(model.get()).filter(h -> h.kind() == Hardware.Kind.GPU);
                                if (hw.isEmpty()) {
                                    gm.node()
                                            .problems()
                                            .at(
                                                    modelNode.get(),
                                                    "unknown GPU `" + model.get() + "`",
                                                    Suggestions.fix(model.get(), catalog.gpuIds())
                                                            + " (or add hardware/" + model.get()
                                                            + ".yaml to your catalog folder)");
                                } else {
                                    gpus.add(new GpuGroup(hw.get(), count));
                                }
                            }
                        });
                    }
                    Set<Hardware.Vendor> vendors = new HashSet<>();
                    gpus.forEach(g -> vendors.add(g.hardware().vendor()));
                    if (vendors.size() > 1) {
                        n.node()
                                .problems()
                                .at(n.node(), "GPUs of two vendors on one node", "run one vendor's GPUs per node");
                    }
                    Optional<String> driver = n.get("gpuDriver").flatMap(YamlNode::string);
                    if (driver.isPresent() && !DRIVER.matcher(driver.get()).matches()) {
                        n.node()
                                .problems()
                                .at(
                                        n.get("gpuDriver").get(),
                                        "not a driver version",
                                        "write it as nvidia-smi prints it, e.g. \"580.82.07\"");
                        driver = Optional.empty();
                    }
                    return new Node(name, address, ram, cores, bandwidth, List.copyOf(gpus), driver);
                });
    }

    private static Optional<Deployment> readDeployment(YamlNode item, Catalog catalog, Map<String, Node> nodes) {
        return item.map(List.of(
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
                        "metrics"))
                .map(d -> {
                    Problems problems = d.node().problems();
                    String name = label(d, "name", "chat").orElse("deployment");
                    Optional<YamlNode> modelNode = d.require("model", "qwen3-5-4b");
                    Optional<ModelSpec> model = modelNode
                            .flatMap(YamlNode::string)
                            .flatMap(id -> {
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
                    List<String> nodeNames = List.copyOf(nodes.keySet());
                    if (nodeRef.isPresent() && !nodeName.isEmpty() && !nodes.containsKey(nodeName)) {
                        problems.at(
                                nodeRef.get(), "unknown node `" + nodeName + "`", Suggestions.fix(nodeName, nodeNames));
                    }
                    Optional<Node> node = Optional.ofNullable(nodes.get(nodeName));
                    OptionalLong context = OptionalLong.empty();
                    Optional<YamlNode> ctx = d.get("context");
                    if (ctx.isPresent() && !ctx.get().string().orElse("").equals("max")) {
                        Optional<Long> tokens = ctx.get().isScalar()
                                        && ctx.get().string().orElse("").matches("\\d[\\d_]*")
                                ? ctx.get().integer(MIN_CONTEXT, Integer.MAX_VALUE)
                                : Optional.empty();
                        if (tokens.isEmpty() && !ctx.get().string().orElse("").matches("\\d[\\d_]*")) {
                            problems.at(
                                    ctx.get(),
                                    "a context is `max` or a number of tokens",
                                    "write `context: max` or e.g. `context: 32768`");
                        }
                        if (tokens.isPresent()) {
                            context = OptionalLong.of(tokens.get());
                            long trained = model.map(
                                            m -> (long) m.architecture().contextLength())
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
                    if (v.quantized() && fa == FlashAttn.OFF) {
                        problems.at(
                                d.get("cacheTypeV").get(),
                                "a quantized V cache needs flash attention (llama.cpp refuses to start otherwise)",
                                "set `flashAttn: on` or `auto`, or use `cacheTypeV: f16`");
                    }
                    int parallel = (int) d.integer("parallel", 1, 1, 256);
                    int batch = (int) d.integer("batchSize", Deployment.DEFAULT_BATCH, 1, 1 << 20);
                    int ubatch = (int) d.integer("ubatchSize", Deployment.DEFAULT_UBATCH, 1, 1 << 20);
                    if (ubatch > batch) {
                        problems.at(
                                d.get("ubatchSize").orElse(d.node()),
                                "ubatchSize " + ubatch + " is larger than batchSize " + batch,
                                "make ubatchSize at most batchSize (llama.cpp would clamp it)");
                    }
                    boolean thinking = d.bool(
                            "thinking",
                            model.map(m -> m.capabilities().thinkingDefaultOn()).orElse(false));
                    if (thinking
                            && model.isPresent()
                            && !model.get().capabilities().thinking()) {
                        problems.at(
                                d.get("thinking").orElse(d.node()),
                                "model " + model.get().id() + " has no thinking mode",
                                "remove `thinking` or set it to false");
                    }
                    int port = (int) d.integer("port", Deployment.DEFAULT_PORT, 1, 65535);
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

    /** A required DNS-1123 label (nodes, deployments, namespaces become Kubernetes names). */
    private static Optional<String> label(YamlMap m, String key, String example) {
        Optional<YamlNode> n = m.require(key, example);
        Optional<String> value = n.flatMap(YamlNode::string);
        if (value.isPresent() && !DNS_1123_LABEL.matcher(value.get()).matches()) {
            String fixed = value.get()
                    .toLowerCase(Locale.ROOT)
                    .replaceAll("[^a-z0-9-]+", "-")
                    .replaceAll("^-+|-+$", "");
            m.node()
                    .problems()
                    .at(
                            n.get(),
                            "not a DNS-1123 label (lower-case letters, digits and '-', at most 63, starting and ending with a letter or digit)",
                            "perhaps `" + (fixed.isEmpty() ? example : fixed) + "`");
            return Optional.empty();
        }
        return value;
    }
}
