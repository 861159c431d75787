package eu.prositronic.core.console;

import static org.assertj.core.api.Assertions.assertThat;

import eu.prositronic.TestSupport;
import eu.prositronic.core.fit.Plan;
import eu.prositronic.core.fit.Planner;
import eu.prositronic.core.scale.FleetGenerator;
import java.util.List;
import org.junit.jupiter.api.Test;

class FitTableTest {
    @Test
    void aSmallFleetIsPrintedWholeInColumnsTwoSpacesApart() throws Exception {
        Plan plan = Planner.plan(TestSupport.exampleInventoryLoaded(), TestSupport.catalog());
        List<String> lines = FitTable.lines(plan);
        assertThat(lines).hasSize(plan.deployments().size() + 2);
        assertThat(lines.get(0)).startsWith("deployment  ").endsWith("tok/s*");
        int node = lines.get(0).indexOf("node");
        for (String row : lines.subList(1, lines.size() - 1)) {
            // every row's second column starts under the header's, after at least two spaces
            assertThat(row.substring(node - 2, node)).isEqualTo("  ");
            assertThat(row.charAt(node)).isNotEqualTo(' ');
            assertThat(row).doesNotEndWith(" ");
        }
        assertThat(lines.get(lines.size() - 1)).startsWith("* estimated generation speed");
    }

    @Test
    void aLargeFleetShowsItsFirstDeploymentsAndCountsTheRest() throws Exception {
        Plan plan = Planner.plan(TestSupport.inventory(FleetGenerator.inventory(12, 0)), TestSupport.catalog());
        int all = plan.deployments().size();
        List<String> lines = FitTable.lines(plan, 5);
        assertThat(lines).hasSize(1 + 5 + 2);
        for (int i = 0; i < 5; i++) {
            assertThat(lines.get(1 + i)).startsWith(plan.deployments().get(i).name() + " ");
        }
        assertThat(lines.get(6))
                .isEqualTo("… and " + (all - 5) + " more deployments: report/index.html and plan.json" + " list all "
                        + all);
    }
}
