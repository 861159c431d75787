package eu.prositronic.core.emit.report;

import eu.prositronic.core.fit.DeploymentPlan;
import eu.prositronic.core.fit.Plan;
import java.util.List;

/**
 * The page model of {@code report/index.html}: the fleet at a glance. Per node its GPUs and RAM, what runs there and a
 * stacked bar per device (each deployment's parts, the reserve, what is free); every deployment in one table; the
 * warnings of every page in one list. A fleet of more than {@link ReportEmitter#NODES_PER_PAGE} nodes gets the cards of
 * the first ones here and the rest on further pages ({@code nodes-2.html}, ...), each linked from the others.
 */
record FleetHtml(
        FleetPage fleet,
        int nodeCount,
        int gpuCount,
        int deploymentCount,
        List<NodeCard> nodes,
        List<Warning> warnings,
        List<PageLink> nodePages) {

    record NodeCard(String name, String address, String gpus, String ram, List<String> deployments, String memorySvg) {}

    record Warning(String deployment, String text) {}

    /** A page of node cards, when a large fleet's cards do not all fit the index ({@code nodes-<n>.html}). */
    record PageLink(String href, String label) {}

    /** The page model of {@code nodes-<n>.html}: a further page of a large fleet's node cards. */
    record NodesPage(String cluster, String label, int nodeCount, List<NodeCard> nodes, List<PageLink> nodePages) {}

    static NodeCard card(Plan.NodePlan n, List<DeploymentPlan> here, String memorySvg) {
        return new NodeCard(
                n.name(),
                n.node().address(),
                n.gpus().isEmpty() ? "no GPU" : String.join(", ", n.gpus()),
                n.ram().human(),
                here.stream().map(DeploymentPlan::name).toList(),
                memorySvg);
    }
}
