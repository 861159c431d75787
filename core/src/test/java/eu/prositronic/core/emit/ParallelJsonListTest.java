package eu.prositronic.core.emit;

import static org.assertj.core.api.Assertions.assertThat;

import eu.prositronic.TestSupport;
import eu.prositronic.core.fit.Plan;
import eu.prositronic.core.fit.Planner;
import eu.prositronic.core.scale.FleetGenerator;
import eu.prositronic.core.yaml.Serializers;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParallelJsonListTest {
    private static String parallel(PlanJson.Document document) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ParallelJsonList.write(document.withoutDeployments(), "deployments", document.deployments(), out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aFleetsPlanJsonHasTheBytesOfThePlainSerializer() throws Exception {
        // more deployments than a batch, so batches join; the fleet has solver choices and shared GPU nodes
        Plan plan = Planner.plan(TestSupport.inventory(FleetGenerator.inventory(400, 0)), TestSupport.catalog());
        PlanJson.Document document = PlanJson.of(plan, "test");
        assertThat(document.deployments()).hasSizeGreaterThan(512);

        assertThat(parallel(document)).isEqualTo(Serializers.json(document));
    }

    @Test
    void oneDeploymentAndNoneAreTheSameToo() throws Exception {
        Plan plan = Planner.plan(TestSupport.inventory(FleetGenerator.inventory(1, 0)), TestSupport.catalog());
        PlanJson.Document one = PlanJson.of(plan, "test");
        assertThat(one.deployments()).hasSize(1);
        assertThat(parallel(one)).isEqualTo(Serializers.json(one));

        PlanJson.Document none =
                new PlanJson.Document("s", "g", "c", "n", "containerd", List.of(), List.of(), null, null);
        assertThat(parallel(none)).isEqualTo(Serializers.json(none));
    }
}
