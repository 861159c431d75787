package eu.prositronic.core.fit;

import eu.prositronic.core.inventory.DeploymentRequest;
import eu.prositronic.core.inventory.InventoryEdit;
import java.util.List;
import java.util.Optional;

/**
 * Why an inventory with choices cannot be solved, as data: the smallest set of deployments that cannot be placed
 * together (no member can be left out and the rest still fail), what each needs at least and what its candidate nodes
 * have, and relaxations phrased as inventory edits, each verified by solving the whole inventory again, cheapest first.
 * Formatted for people at the edge (console/ConflictMessage).
 *
 * @param minimal whether the deletion filter ran (it does unless more than {@link Conflicts#MAX_FILTERED} deployments
 *     may share nodes with the one that failed; then only that one is reported, with no relaxations)
 */
public record Conflict(List<Member> members, List<Room> nodes, List<Relaxation> relaxations, boolean minimal) {

    public Conflict {
        members = List.copyOf(members);
        nodes = List.copyOf(nodes);
        relaxations = List.copyOf(relaxations);
    }

    /**
     * A deployment of the conflict: what it asks, and its smallest need over every option it has: the file, node and
     * context of that option, and the VRAM and RAM it needs alone there ({@code fitsAlone}: false when not even that
     * fits, and then the figures are what the smallest file needs at the smallest context on its first candidate).
     */
    public record Member(
            String name,
            String model,
            String asked,
            String smallestQuant,
            String smallestNode,
            long smallestContext,
            long vramBytes,
            long ramBytes,
            boolean fitsAlone,
            Optional<DeploymentRequest.Position> where) {}

    /** A candidate node of the conflict with what it has for deployments (after the reserves). */
    public record Room(String node, long vramBytes, long ramBytes) {}

    /**
     * A change that makes the whole inventory solvable: what it is ({@code context}, {@code quant}, {@code node},
     * {@code ram}, {@code gpu}), whom it changes, the sentence, the edits, and its cost (docs/solver.md: a share of
     * context given up, quantization steps, a move, hardware bought).
     */
    public record Relaxation(String kind, String subject, String sentence, List<InventoryEdit> edits, double cost) {
        public Relaxation {
            edits = List.copyOf(edits);
        }
    }
}
