package eu.prositronic.core.inventory;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The inventory as asked: the nodes resolved, the deployments as {@link DeploymentRequest}s with what they leave to
 * the solver, and the fleet's default {@link Objective} ({@code solver: {objective: …}}). {@code nodeWhere} places
 * each node's {@code ram} and {@code gpus} in the file ({@code <node>.ram}, {@code <node>.gpus}) for relaxations phrased
 * as inventory edits; {@code energy} is the {@code energy:} section or its defaults. fit/Solver turns it into an {@link Inventory} whose deployments are all concrete.
 */
public record InventoryRequest(
        Path file,
        Inventory.Cluster cluster,
        List<Node> nodes,
        List<DeploymentRequest> requests,
        Objective objective,
        Map<String, DeploymentRequest.Position> nodeWhere,
        Energy energy) {

    public InventoryRequest {
        nodes = List.copyOf(nodes);
        requests = List.copyOf(requests);
        nodeWhere = Map.copyOf(nodeWhere);
    }

    /** Nothing left to choose: every deployment names its file and node and a context that is `max` or a number. */
    public boolean explicit() {
        return requests.stream().allMatch(DeploymentRequest::explicit);
    }

    /** The inventory as written, when {@link #explicit()}: each request is its own deployment. */
    public Inventory asWritten() {
        return new Inventory(
                file,
                cluster,
                nodes,
                requests.stream().map(DeploymentRequest::explicitDeployment).toList(),
                energy);
    }

    /** The same request with other deployments (a relaxation being tried) or other nodes (hardware added). */
    public InventoryRequest with(List<Node> otherNodes, List<DeploymentRequest> otherRequests) {
        return new InventoryRequest(file, cluster, otherNodes, otherRequests, objective, nodeWhere, energy);
    }

    public Objective objectiveOf(DeploymentRequest r) {
        return r.objective().orElse(objective);
    }
}
