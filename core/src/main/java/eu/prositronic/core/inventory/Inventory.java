package eu.prositronic.core.inventory;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hardware inventory as read from {@code inventory.yaml}, resolved against the catalog: every deployment carries
 * its model, its quantized file and its node, and every node its GPUs' catalog entries. Nothing downstream looks a
 * catalog id or a node name up again. {@code energy} is the {@code energy:} section, or its defaults.
 */
public record Inventory(Path file, Cluster cluster, List<Node> nodes, List<Deployment> deployments, Energy energy) {

    public Inventory {
        nodes = List.copyOf(nodes);
        deployments = List.copyOf(deployments);
    }

    /** The deployments of each node, in inventory order: one pass, for planners and emitters that go node by node. */
    public Map<String, List<Deployment>> deploymentsByNode() {
        Map<String, List<Deployment>> by = new LinkedHashMap<>();
        nodes.forEach(n -> by.put(n.name(), new java.util.ArrayList<>()));
        deployments.forEach(d -> by.get(d.node().name()).add(d));
        by.replaceAll((k, v) -> List.copyOf(v));
        return by;
    }

    public record Cluster(String name, String namespace, ContainerRuntime containerRuntime) {}
}
