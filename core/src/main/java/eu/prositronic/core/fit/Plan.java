package eu.prositronic.core.fit;

import eu.prositronic.core.inventory.Inventory.Cluster;
import eu.prositronic.core.inventory.Node;
import eu.prositronic.core.units.Bytes;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;

/**
 * The plan: every deployment fitted on its node, how each node is shared, and the catalog page of every values path
 * (its model × quant alone on its hardware). Typed throughout; {@code plan.json} is a mapping of it (emit/PlanJson).
 *
 * @param catalogPages by values path ({@code values/<model>/<quant>/<hardware>.yaml}): what that model × quant gets
 *     alone on that hardware with default settings, as on the public catalog pages
 * @param power what each deployment, node and the fleet draws and costs (estimates, PowerModel)
 * @param solver what fit/Solver chose where the inventory left a choice, and why; empty when it left none
 */
public record Plan(
        Cluster cluster,
        List<DeploymentPlan> deployments,
        List<NodePlan> nodes,
        SortedMap<String, DeploymentPlan> catalogPages,
        PowerPlan power,
        Optional<SolverReport> solver) {

    public Plan {
        deployments = List.copyOf(deployments);
        nodes = List.copyOf(nodes);
    }

    /** A plan of an inventory that left nothing to choose. */
    public Plan(
            Cluster cluster,
            List<DeploymentPlan> deployments,
            List<NodePlan> nodes,
            SortedMap<String, DeploymentPlan> catalogPages,
            PowerPlan power) {
        this(cluster, deployments, nodes, catalogPages, power, Optional.empty());
    }

    /** The same plan with what the solver chose and why. */
    public Plan withSolver(SolverReport report) {
        return new Plan(cluster, deployments, nodes, catalogPages, power, Optional.of(report));
    }

    /** The solver's choices for one deployment, if it chose anything for it. */
    public Optional<SolverReport.Choice> choice(String deployment) {
        return solver.flatMap(s -> Optional.ofNullable(s.choices().get(deployment)));
    }

    /** How a node's memory is shared by the deployments on it; {@code gpus} are the device ids. */
    public record NodePlan(Node node, List<String> gpus, List<Share> shares) {
        public String name() {
            return node.name();
        }

        public Bytes ram() {
            return node.ram();
        }
    }

    /** What one deployment may use of one device ({@code capacity}: its budget after the reserve) and uses. */
    public record Share(String deployment, String device, Bytes capacity, Bytes used) {}
}
