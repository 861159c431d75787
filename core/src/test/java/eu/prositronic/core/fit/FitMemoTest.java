package eu.prositronic.core.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import eu.prositronic.TestSupport;
import eu.prositronic.core.inventory.Inventory;
import eu.prositronic.core.scale.FleetGenerator;
import org.junit.jupiter.api.Test;

/** Alike deployments share their fits and plans: the plan is the same with it and without it, and it is used. */
class FitMemoTest {
    @Test
    void aGeneratedFleetsPlanIsTheSameWithAndWithoutSharedFits() throws Exception {
        Inventory fleet = TestSupport.inventory(FleetGenerator.inventory(300, 0));
        long reused = FitMemo.REUSED.sum();
        Plan shared = Planner.plan(fleet, TestSupport.catalog(), true);
        assertThat(FitMemo.REUSED.sum() - reused)
                .as("fits and plans served from an alike deployment's")
                .isGreaterThan(fleet.deployments().size());
        assertThat(shared).isEqualTo(Planner.plan(fleet, TestSupport.catalog(), false));
    }

    @Test
    void theExampleAndSharedGpusArePlannedTheSameBothWays() throws Exception {
        Inventory example = TestSupport.exampleInventoryLoaded();
        assertThat(Planner.plan(example, TestSupport.catalog(), true))
                .isEqualTo(Planner.plan(example, TestSupport.catalog(), false));
        // nodes whose pods outnumber their GPU replicas: each plan gets a note naming its node and neighbours
        Inventory crowded = TestSupport.inventory(
                FleetGenerator.inventory(40, 0).replace("gpuSharing: {strategy: timeSlicing, replicas: 4}", ""));
        Plan shared = Planner.plan(crowded, TestSupport.catalog(), true);
        assertThat(shared.deployments()).anyMatch(d -> !d.notes().isEmpty());
        assertThat(shared).isEqualTo(Planner.plan(crowded, TestSupport.catalog(), false));
    }

    @Test
    void aFleetWithDeploymentsThatDoNotFitFailsTheSameBothWays() throws Exception {
        Inventory failing = TestSupport.inventory(FleetGenerator.inventory(200, 3));
        NoFitException shared =
                catchThrowableOfType(() -> Planner.plan(failing, TestSupport.catalog(), true), NoFitException.class);
        NoFitException alone =
                catchThrowableOfType(() -> Planner.plan(failing, TestSupport.catalog(), false), NoFitException.class);
        assertThat(shared).isNotNull();
        assertThat(alone).isNotNull();
        assertThat(shared.noFits().toString()).isEqualTo(alone.noFits().toString());
    }
}
