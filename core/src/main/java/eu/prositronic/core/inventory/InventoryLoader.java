package eu.prositronic.core.inventory;

import eu.prositronic.core.catalog.Catalog;
import eu.prositronic.core.inventory.Inventory.Cluster;
import eu.prositronic.core.problem.InvalidInputException;
import eu.prositronic.core.problem.Problem;
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
import java.util.Set;

/**
 * Reads and validates {@code inventory.yaml} against the catalog and resolves it: deployments get their model, file
 * and node, nodes their GPUs' catalog entries. Every problem is collected with its file, line, column, YAML path, the
 * bad value and a suggested fix; nothing is returned unless the whole file is valid.
 */
public final class InventoryLoader {
    /**
     * The smallest context worth serving. (llama.cpp's --fit floor is higher: 4096, the {@code --fit-ctx} default in
     * common/common.h, which common/fit.cpp applies per KV stream.)
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/common/common.h#L478-L478">common/common.h L478</a>
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/common/fit.cpp#L266-L268">common/fit.cpp L266-L268</a>
     */
    public static final long MIN_CONTEXT = 256;

    private InventoryLoader() {}

    /** The top-level keys of an inventory. */
    static final List<String> TOP_KEYS = List.of("cluster", "nodes", "deployments", "solver", "energy");

    /**
     * The inventory as written, when it leaves nothing to the solver (fit/Solver): every deployment names one file,
     * one node and a context that is {@code max} or a number. Inventories with choices are read by {@link #read}.
     */
    public static Inventory load(Path file, String text, Catalog catalog) throws InvalidInputException {
        InventoryRequest asked = read(file, text, catalog);
        if (!asked.explicit()) {
            throw new IllegalArgumentException("the inventory leaves choices to the solver: read it with read() and"
                    + " solve it with fit/Solver");
        }
        return asked.asWritten();
    }

    /** The inventory as asked: nodes resolved, deployments with what they leave to the solver. */
    public static InventoryRequest read(Path file, String text, Catalog catalog) throws InvalidInputException {
        return read(parse(file, text), catalog);
    }

    /**
     * An inventory's YAML parsed, before anything is checked against the catalog (so that it can be parsed while the
     * catalog loads): its tree where it parsed, and the problems found so far. Read once, by {@link #read(Parsed,
     * Catalog)}.
     */
    public record Parsed(Path file, Optional<YamlNode> root, Problems problems) {}

    public static Parsed parse(Path file, String text) {
        Problems problems = new Problems();
        return new Parsed(file, YamlFiles.parse(file, text, problems), problems);
    }

    /** The inventory as asked, from its parsed YAML. */
    public static InventoryRequest read(Parsed parsed, Catalog catalog) throws InvalidInputException {
        Problems problems = parsed.problems();
        InventoryRequest inventory = parsed.root()
                .flatMap(r -> r.map(TOP_KEYS))
                .map(m -> read(parsed.file(), m, catalog, problems))
                .orElse(null);
        problems.throwIfAny();
        return inventory;
    }

    /** The next port after {@code taken} that no deployment on the node uses, within 1024..65535. */
    static int freePort(Map<String, String> portsInUse, String node, int taken) {
        for (int i = 1; i <= 65535 - 1024 + 1; i++) {
            int p = 1024 + Math.floorMod(taken - 1024 + i, 65535 - 1024 + 1);
            if (!portsInUse.containsKey(node + ":" + p)) {
                return p;
            }
        }
        return 8080;
    }

    private static InventoryRequest read(Path file, YamlMap top, Catalog catalog, Problems problems) {
        Cluster cluster = top.require("cluster", "{name: homelab, namespace: llm, containerRuntime: containerd}")
                .flatMap(n -> n.map(List.of("name", "namespace", "containerRuntime")))
                .map(c -> new Cluster(
                        Labels.required(c, "name", "homelab").orElse("cluster"),
                        Labels.required(c, "namespace", "llm").orElse("default"),
                        c.get("containerRuntime")
                                .flatMap(r -> r.oneOf(ContainerRuntime.keys()))
                                .map(r -> ContainerRuntime.valueOf(r.toUpperCase(Locale.ROOT)))
                                .orElse(ContainerRuntime.CONTAINERD)))
                .orElse(new Cluster("cluster", "default", ContainerRuntime.CONTAINERD));

        // solver: {objective: quality|context|speed|power}: the fleet's default where a deployment names none
        Objective objective = top.get("solver")
                .flatMap(n -> n.map(List.of("objective")))
                .flatMap(m -> m.get("objective"))
                .flatMap(o -> o.oneOf(Objective.keys()))
                .map(Objective::fromKey)
                .orElse(Objective.DEFAULT);

        Map<String, Node> nodes = new LinkedHashMap<>();
        Map<String, YamlNode> nodeNames = new HashMap<>();
        Map<String, DeploymentRequest.Position> nodeWhere = new HashMap<>();
        List<YamlNode> nodeItems = top.list("nodes");
        if (nodeItems.isEmpty()) {
            problems.at(top.node(), "no nodes", "add at least one node under `nodes:`");
        }
        for (YamlNode item : nodeItems) {
            NodeReader.read(item, catalog, cluster.containerRuntime()).ifPresent(n -> {
                if (nodeNames.putIfAbsent(n.name(), item) != null) {
                    problems.at(
                            item,
                            "a second node named `" + Problem.escape(n.name()) + "`",
                            "give every node its own name");
                } else {
                    nodes.put(n.name(), n);
                    item.peek("ram").ifPresent(r -> nodeWhere.put(n.name() + ".ram", DeploymentReader.position(r)));
                    item.peek("gpus").ifPresent(g -> nodeWhere.put(n.name() + ".gpus", DeploymentReader.position(g)));
                    item.peek("gpuSharing")
                            .ifPresent(g -> nodeWhere.put(n.name() + ".gpuSharing", DeploymentReader.position(g)));
                }
            });
        }

        List<DeploymentRequest> deployments = new ArrayList<>();
        Set<String> deploymentNames = new HashSet<>();
        Map<String, String> portsInUse = new HashMap<>();
        for (YamlNode item : top.list("deployments")) {
            DeploymentReader.read(item, catalog, nodes).ifPresent(d -> {
                // the name as written: an invalid one was reported and stands for itself, never as a placeholder
                String written = item.peekText("name").orElse("<unnamed deployment at line " + item.line() + ">");
                if (!deploymentNames.add(written)) {
                    problems.at(
                            item,
                            "a second deployment named `" + Problem.escape(written) + "`",
                            "give every deployment its own name");
                    return;
                }
                // two ports on one named node are checked here; where the solver chooses the node, it keeps them apart
                if (d.node() instanceof NodeChoice.Fixed fixed) {
                    String at = fixed.node().name();
                    int port = d.port().orElse(Deployment.DEFAULT_PORT);
                    String previous = portsInUse.putIfAbsent(at + ":" + port, d.name());
                    if (previous != null) {
                        problems.at(
                                item,
                                "port " + port + " on node " + at + " is already used by deployment " + previous,
                                "set `port:` to a free port, e.g. " + freePort(portsInUse, at, port));
                        return;
                    }
                }
                deployments.add(d);
            });
        }
        Energy energy = top.get("energy")
                .flatMap(e -> e.map(List.of("pricePerKWh", "currency", "pue", "dutyCycle")))
                .map(InventoryLoader::energy)
                .orElse(Energy.DEFAULTS);
        return new InventoryRequest(
                file, cluster, List.copyOf(nodes.values()), deployments, objective, nodeWhere, energy);
    }

    /** {@code energy: {pricePerKWh, currency, pue, dutyCycle}}: each optional, each range-checked. */
    private static Energy energy(YamlMap e) {
        java.util.OptionalDouble price = e.get("pricePerKWh")
                .flatMap(p -> p.decimal(0))
                .map(java.util.OptionalDouble::of)
                .orElse(java.util.OptionalDouble.empty());
        String currency = e.get("currency").flatMap(YamlNode::string).orElse("");
        if (!currency.matches("[\\p{L}\\p{Sc}]{0,8}")) {
            e.node()
                    .problems()
                    .at(
                            e.get("currency").get(),
                            "a currency is a short label such as EUR, USD or €",
                            "write e.g. `currency: EUR`");
            currency = "";
        }
        double pue = e.get("pue").flatMap(p -> p.decimal(1)).orElse(Energy.DEFAULT_PUE);
        if (pue > 5) {
            e.node()
                    .problems()
                    .at(
                            e.get("pue").get(),
                            "a power usage effectiveness of " + pue + " (above 5)",
                            "use the facility's ratio of total to IT power, e.g. 1.0 at home or 1.4 in a data centre");
            pue = Energy.DEFAULT_PUE;
        }
        double duty = e.get("dutyCycle").flatMap(d -> d.decimal(0)).orElse(Energy.DEFAULT_DUTY_CYCLE);
        if (duty > 1) {
            e.node()
                    .problems()
                    .at(
                            e.get("dutyCycle").get(),
                            "a duty cycle of " + duty + " (above 1)",
                            "give the share of the time the deployments generate, from 0 to 1, e.g. 0.25");
            duty = Energy.DEFAULT_DUTY_CYCLE;
        }
        return new Energy(price, currency, pue, duty);
    }
}
