package eu.prositronic.core.fit;

import eu.prositronic.core.inventory.Energy;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * What the fleet draws and costs: estimates from the catalog's board power and the speed estimate (PowerModel), or a
 * node's measured figures. Watts are averages while generating ({@code load}) and with the models loaded and no
 * request ({@code idle}); energy and cost are per month of {@link PowerModel#HOURS_PER_MONTH} hours at the inventory's
 * duty cycle and PUE.
 *
 * @param deployments by deployment name, in the order of the nodes and their placement
 * @param nodes in inventory order
 */
public record PowerPlan(Energy energy, Map<String, Draw> deployments, List<NodeDraw> nodes, Draw fleet) {

    public PowerPlan {
        // in plan order: Map.copyOf would iterate in an order that changes between runs
        deployments = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(deployments));
        nodes = List.copyOf(nodes);
    }

    /** No deployments, nothing drawn: the catalog site's bare plan. */
    public static final PowerPlan NONE = new PowerPlan(
            Energy.DEFAULTS,
            Map.of(),
            List.of(),
            new Draw(0, 0, Basis.NONE, 0, OptionalDouble.empty(), OptionalDouble.empty()));

    /** Where the watts come from. */
    public enum Basis {
        /** The catalog's board power of the GPUs used (an upper bound while generating); the host is not counted. */
        GPU_BOARD_POWER("gpu-board-power"),
        /** The node's {@code power:} figures, measured at the wall. */
        MEASURED("measured"),
        /** The fleet: some nodes measured, others estimated. */
        MIXED("mixed"),
        /** A CPU-only node without {@code power:}: no figure to estimate from. */
        UNKNOWN("unknown"),
        /** Nothing to draw. */
        NONE("none");

        private final String key;

        Basis(String key) {
            this.key = key;
        }

        /** plan.json's spelling. */
        public String key() {
            return key;
        }
    }

    /**
     * One deployment's, one node's or the fleet's draw.
     *
     * @param kWhPerMonth at the duty cycle, times the PUE
     * @param costPerMonth {@code kWhPerMonth} at the price; empty without a price
     * @param costPerMillionTokens the energy of a million generated tokens on one busy stream at the load draw, times
     *     the PUE, at the price; empty without a price or a speed (nodes and the fleet have none)
     */
    public record Draw(
            double loadWatts,
            double idleWatts,
            Basis basis,
            double kWhPerMonth,
            OptionalDouble costPerMonth,
            OptionalDouble costPerMillionTokens) {}

    /** A node's whole draw, idle GPUs included; {@code basis} as for deployments. */
    public record NodeDraw(String node, Draw draw) {}
}
