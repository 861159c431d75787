package eu.prositronic.core.fit;

import eu.prositronic.core.catalog.Hardware;
import eu.prositronic.core.fit.PowerPlan.Basis;
import eu.prositronic.core.fit.PowerPlan.Draw;
import eu.prositronic.core.inventory.Energy;
import eu.prositronic.core.inventory.Node;
import eu.prositronic.core.inventory.NodePower;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Watts, kWh and cost of a placed fleet, as estimates (docs/fit-engine.md, Power and cost):
 * <ul>
 *   <li>a GPU draws its catalog board power ({@code powerWatts}) while generating and {@link #IDLE_SHARE} of it idle
 *       with a model loaded;
 *   <li>a GPU's draw is shared by the deployments on it in proportion to the memory each uses there;
 *   <li>a node's {@code power:} figures (measured at the wall) replace the estimate for the whole node, shared by its
 *       deployments in proportion to their estimated GPU draw (their host memory on a node without GPUs);
 *   <li>a CPU-only node without {@code power:} has no estimate: the catalog's {@code cpu} entry has no board power.
 * </ul>
 * Energy per month is {@code (load × duty + idle × (1 − duty)) × hours × PUE}; the cost of a million tokens is the
 * load draw times the PUE over one busy stream's estimated generation speed (more busy slots raise the throughput, so
 * it is an upper bound for a loaded server).
 */
public final class PowerModel {
    private PowerModel() {}

    /**
     * The idle draw with a model resident, as a share of board power: an estimate between an RTX 3090's ~16 W idle
     * with empty memory (about 5 % of its 350 W) and a Tesla P40's 45 W with weights loaded (18 % of 250 W), the two
     * figures found in public measurements (their pages are cited in docs/fit-engine.md, Power and cost).
     */
    public static final double IDLE_SHARE = 0.15;

    /** A month of 8,760 / 12 hours. */
    public static final double HOURS_PER_MONTH = 730;

    public static PowerPlan of(List<DeploymentPlan> deployments, List<Plan.NodePlan> nodes, Energy energy) {
        Map<String, DeploymentPlan> byName = new HashMap<>();
        deployments.forEach(d -> byName.put(d.name(), d));
        Map<String, Draw> perDeployment = new LinkedHashMap<>();
        List<PowerPlan.NodeDraw> perNode = new ArrayList<>();
        double fleetLoad = 0;
        double fleetIdle = 0;
        boolean anyMeasured = false;
        boolean anyEstimated = false;
        for (Plan.NodePlan n : nodes) {
            Node node = n.node();
            List<Hardware> gpus = node.devices();
            // each GPU's board power shared by the memory each deployment uses on it
            Map<String, Double> gpuWatts = new LinkedHashMap<>();
            Map<String, Double> hostBytes = new LinkedHashMap<>();
            double[] gpuUsed = new double[gpus.size()];
            for (Plan.Share s : n.shares()) {
                int i = n.gpus().indexOf(s.device());
                if (i >= 0) {
                    gpuUsed[i] += s.used().value();
                }
            }
            double nodeLoad = 0;
            for (int i = 0; i < gpus.size(); i++) {
                nodeLoad += gpuUsed[i] > 0
                        ? gpus.get(i).powerWatts()
                        : IDLE_SHARE * gpus.get(i).powerWatts();
            }
            double nodeIdle =
                    gpus.stream().mapToDouble(h -> IDLE_SHARE * h.powerWatts()).sum();
            for (Plan.Share s : n.shares()) {
                int i = n.gpus().indexOf(s.device());
                gpuWatts.putIfAbsent(s.deployment(), 0.0);
                hostBytes.putIfAbsent(s.deployment(), 0.0);
                if (i >= 0 && gpuUsed[i] > 0) {
                    gpuWatts.merge(
                            s.deployment(), gpus.get(i).powerWatts() * s.used().value() / gpuUsed[i], Double::sum);
                } else if (i < 0) {
                    hostBytes.merge(s.deployment(), (double) s.used().value(), Double::sum);
                }
            }
            Optional<NodePower> measured = node.power();
            Basis basis = measured.isPresent() ? Basis.MEASURED : node.hasGpu() ? Basis.GPU_BOARD_POWER : Basis.UNKNOWN;
            double totalGpu =
                    gpuWatts.values().stream().mapToDouble(Double::doubleValue).sum();
            double totalHost =
                    hostBytes.values().stream().mapToDouble(Double::doubleValue).sum();
            for (String name : gpuWatts.keySet()) {
                double load;
                double idle;
                if (measured.isPresent()) {
                    double share = totalGpu > 0
                            ? gpuWatts.get(name) / totalGpu
                            : totalHost > 0 ? hostBytes.get(name) / totalHost : 1.0 / gpuWatts.size();
                    load = measured.get().loadWatts() * share;
                    idle = measured.get().idleWatts() * share;
                } else {
                    load = gpuWatts.get(name);
                    idle = IDLE_SHARE * load;
                }
                DeploymentPlan d = byName.get(name);
                perDeployment.put(
                        name, draw(load, idle, basis, energy, d.speed().generationTokensPerSecond()));
            }
            if (measured.isPresent()) {
                nodeLoad = measured.get().loadWatts();
                nodeIdle = measured.get().idleWatts();
                anyMeasured = true;
            } else if (node.hasGpu()) {
                anyEstimated = true;
            }
            perNode.add(new PowerPlan.NodeDraw(node.name(), draw(nodeLoad, nodeIdle, basis, energy, 0)));
            fleetLoad += nodeLoad;
            fleetIdle += nodeIdle;
        }
        Basis fleetBasis = anyMeasured && anyEstimated
                ? Basis.MIXED
                : anyMeasured
                        ? Basis.MEASURED
                        : anyEstimated ? Basis.GPU_BOARD_POWER : nodes.isEmpty() ? Basis.NONE : Basis.UNKNOWN;
        return new PowerPlan(energy, perDeployment, perNode, draw(fleetLoad, fleetIdle, fleetBasis, energy, 0));
    }

    /**
     * One deployment's draw under load as if it ran alone on its node, for comparing choices before they share: the
     * node's measured load draw, or the board power of every GPU it holds memory on; empty on a CPU-only node without
     * {@code power:}.
     */
    public static OptionalDouble aloneLoadWatts(DeploymentPlan p) {
        if (p.node().power().isPresent()) {
            return OptionalDouble.of(p.node().power().get().loadWatts());
        }
        List<Hardware> gpus = p.node().devices();
        double watts = 0;
        List<DeviceMemory> used = p.memory().gpus();
        for (int i = 0; i < used.size() && i < gpus.size(); i++) {
            if (!used.get(i).used().isZero()) {
                watts += gpus.get(i).powerWatts();
            }
        }
        return gpus.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(watts);
    }

    /** The monthly energy and cost of a draw; the cost per million tokens where a speed is given. */
    static Draw draw(double load, double idle, Basis basis, Energy energy, double tokensPerSecond) {
        double kWh =
                (load * energy.dutyCycle() + idle * (1 - energy.dutyCycle())) * HOURS_PER_MONTH / 1000 * energy.pue();
        OptionalDouble perMonth = OptionalDouble.empty();
        OptionalDouble perMillion = OptionalDouble.empty();
        if (energy.priced()) {
            double price = energy.pricePerKWh().getAsDouble();
            perMonth = OptionalDouble.of(kWh * price);
            if (tokensPerSecond > 0 && load > 0) {
                double kWhPerMillion = load * energy.pue() / 1000 * (1e6 / tokensPerSecond / 3600);
                perMillion = OptionalDouble.of(kWhPerMillion * price);
            }
        }
        return new Draw(load, idle, basis, kWh, perMonth, perMillion);
    }
}
