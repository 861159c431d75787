package eu.prositronic.core.emit;

import static org.assertj.core.api.Assertions.assertThat;

import eu.prositronic.TestSupport;
import eu.prositronic.core.fit.DeploymentPlan;
import eu.prositronic.core.fit.Plan;
import eu.prositronic.core.fit.Planner;
import eu.prositronic.core.yaml.Serializers;
import org.junit.jupiter.api.Test;

/** The release layer carries the plan's figures for the chart's GPU preflight, as the host vars do for the unit's. */
class ReleaseVerifyTest {
    @Test
    void aGpuReleaseCarriesEachGpusAtLoadBytesAndTheReserveAndACpuReleaseNothing() throws Exception {
        Plan plan = Planner.plan(TestSupport.exampleInventoryLoaded(), TestSupport.catalog());
        for (DeploymentPlan d : plan.deployments()) {
            ChartValues.Release r =
                    ChartValues.Release.of(d, TestSupport.catalog().images());
            PlanJson.Deployment json = PlanJson.of(d);
            var gpus = json.memory().devices().stream()
                    .filter(x -> x.kind().equals("gpu"))
                    .toList();
            assertThat(r.verify().gpuNeedBytes())
                    .as(d.name())
                    .containsExactlyElementsOf(
                            gpus.stream().map(PlanJson.Device::atLoadBytes).toList());
            assertThat(r.verify().gpuReserveBytes())
                    .isEqualTo(gpus.isEmpty() ? 0 : json.memory().reserveBytes());
        }
        DeploymentPlan chat = plan.deployments().get(0);
        assertThat(chat.node().hasGpu()).isTrue();
        assertThat(Serializers.yaml(
                        ChartValues.Release.of(chat, TestSupport.catalog().images())))
                .contains("verify:\n  gpuNeedBytes:\n    - "
                        + chat.memory().gpuNeedAtLoadBytes().get(0) + "\n");
    }
}
