package eu.prositronic.core.fit;

import static org.assertj.core.api.Assertions.assertThat;

import eu.prositronic.TestSupport;
import eu.prositronic.core.emit.PlanJson;
import eu.prositronic.core.inventory.InventoryLoader;
import eu.prositronic.core.inventory.InventoryRequest;
import eu.prositronic.core.yaml.Serializers;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The solver example (examples/solver): a mixed fleet with `quant: auto` and `node: auto` is solved and planned. */
class SolverExampleTest {
    static Path example() {
        return TestSupport.repoRoot().resolve("examples/solver/src/main/prositronic/inventory.yaml");
    }

    static InventoryRequest asked() throws Exception {
        return InventoryLoader.read(example(), TestSupport.read(example()), TestSupport.catalog());
    }

    @Test
    void theExampleIsSolvedAndEveryChoiceHasItsReason() throws Exception {
        Plan plan = Solver.plan(asked(), TestSupport.catalog());
        System.out.println(Serializers.json(PlanJson.of(plan, "test")));
        assertThat(plan.solver()).isPresent();
    }
}
