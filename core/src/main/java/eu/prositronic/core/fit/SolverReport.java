package eu.prositronic.core.fit;

import eu.prositronic.core.inventory.Objective;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * What the solver chose and why: the method it used, the fleet's objective, how large the search was, and per
 * deployment it decided anything for, each choice with its reason and the nearest alternatives with their costs.
 * Deployments the inventory fixes completely have no entry. plan.json's {@code solver}, {@code chosenBy} and
 * {@code alternatives} are a mapping of it (emit/PlanJson).
 *
 * @param searchSpaceLog10 log10 of the number of (quantization, node) combinations of the deployments with a choice
 * @param evaluations node placements fitted for real (the rest came from the cache of identical hardware)
 * @param choices by deployment name, in inventory order
 */
public record SolverReport(
        Method method,
        Objective objective,
        double searchSpaceLog10,
        long evaluations,
        long cacheHits,
        Map<String, Choice> choices) {

    public SolverReport {
        choices = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(choices));
    }

    /** How the assignment was found. */
    public enum Method {
        /** Backtracking over every combination, pruning those that do not fit: the best fleet score. */
        EXHAUSTIVE("backtracking over every (quantization, node) combination of the deployments with a choice, pruning"
                + " placements that do not fit; the highest fleet score wins, ties in inventory and preference"
                + " order"),
        /** First-fit-decreasing by need: always a plan that fits, not always the best. */
        GREEDY("first-fit-decreasing by need: the deployments with a choice by their smallest file, largest first,"
                + " each takes its highest-scoring option on the nodes that still have room (ties: the first node);"
                + " every placement is fitted for real, so the plan fits; it is not guaranteed to be the best");

        private final String rule;

        Method(String rule) {
            this.rule = rule;
        }

        public String rule() {
            return rule;
        }

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One deployment's decisions and its alternatives, best first. */
    public record Choice(Objective objective, List<ChosenBy> chosenBy, List<Alternative> alternatives) {
        public Choice {
            chosenBy = List.copyOf(chosenBy);
            alternatives = List.copyOf(alternatives);
        }
    }

    /** One decision: which part ({@code quant}, {@code node}, {@code context}, {@code port}), its value, and why. */
    public record ChosenBy(String choice, String value, String reason) {}

    /**
     * Another (quantization, node) for the deployment that fits beside the rest of the plan, with its differences from
     * the chosen one: memory (VRAM and RAM together, bytes), context (tokens), estimated generation speed (tokens/s)
     * and power (watts, when a power estimate is known; empty until then).
     */
    public record Alternative(
            String quant,
            String node,
            long ctxSize,
            long memoryDeltaBytes,
            long contextDelta,
            double generationDelta,
            OptionalDouble powerDeltaWatts,
            double score) {}
}
