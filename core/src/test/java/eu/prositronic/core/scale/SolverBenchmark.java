package eu.prositronic.core.scale;

import static org.assertj.core.api.Assertions.assertThat;

import eu.prositronic.TestSupport;
import eu.prositronic.core.fit.Plan;
import eu.prositronic.core.fit.Planner;
import eu.prositronic.core.fit.Solver;
import eu.prositronic.core.inventory.InventoryLoader;
import eu.prositronic.core.inventory.InventoryRequest;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The solver on large fleets: FleetGenerator's inventory in {@code auto} mode (every deployment leaves its file, node
 * or context open) for 1,000 and 10,000 nodes; prints the time to read it, to solve it (Solver.solve: choices,
 * node sharing, ports, the report with alternatives) and to plan the solved inventory, with the fits made and those
 * taken from the cache. {@code -Dsolver.sizes=1000,10000}. Run by scripts/solver-benchmark; figures in the README.
 */
@Tag("bench")
class SolverBenchmark {
    @Test
    void solvesLargeAutoFleets() throws Exception {
        for (String size : System.getProperty("solver.sizes", "1000,10000").split(",")) {
            System.out.println(run(Integer.parseInt(size.trim())));
        }
    }

    static String run(int nodes) throws Exception {
        String yaml = FleetGenerator.inventory(nodes, 0, true);
        TestSupport.catalog(); // loaded once, not timed
        long t0 = System.nanoTime();
        InventoryRequest asked = InventoryLoader.read(Path.of("inventory.yaml"), yaml, TestSupport.catalog());
        long t1 = System.nanoTime();
        Solver.Solution s = Solver.solve(asked, TestSupport.catalog());
        long t2 = System.nanoTime();
        Plan plan = Planner.plan(s.inventory(), TestSupport.catalog());
        long t3 = System.nanoTime();
        assertThat(plan.deployments()).hasSize(asked.requests().size());
        return String.format(
                Locale.ROOT,
                "| %,d | %,d | %s | %.1f s | %.1f s | %.1f s | %,d | %,d |",
                nodes,
                asked.requests().size(),
                s.report().method().key(),
                (t1 - t0) / 1e9,
                (t2 - t1) / 1e9,
                (t3 - t2) / 1e9,
                s.report().evaluations(),
                s.report().cacheHits());
    }

    /** {@code SolverBenchmark NODES...}: one line per size, for scripts/solver-benchmark (a fresh JVM). */
    public static void main(String[] args) throws Exception {
        System.out.println("| nodes | deployments | method | read | solve | plan | fits | from cache |");
        System.out.println("| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |");
        for (String a : args) {
            System.out.println(run(Integer.parseInt(a)));
        }
    }
}
