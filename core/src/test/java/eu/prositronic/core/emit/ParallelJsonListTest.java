package eu.prositronic.core.emit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import eu.prositronic.TestSupport;
import eu.prositronic.core.fit.Plan;
import eu.prositronic.core.fit.Planner;
import eu.prositronic.core.scale.FleetGenerator;
import eu.prositronic.core.yaml.Serializers;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ParallelJsonListTest {
    /** The plain serializer: every annotation but the parallel list's. */
    private static final ObjectMapper SEQUENTIAL = new ObjectMapper()
            .setAnnotationIntrospector(new JacksonAnnotationIntrospector() {
                @Override
                public Object findSerializer(Annotated a) {
                    Object s = super.findSerializer(a);
                    return s == ParallelJsonList.class ? null : s;
                }
            });

    @Test
    void aFleetsPlanJsonHasTheBytesOfThePlainSerializer() throws Exception {
        // more deployments than a batch, so batches join; the fleet has solver choices and shared GPU nodes
        Plan plan = Planner.plan(TestSupport.inventory(FleetGenerator.inventory(400, 0)), TestSupport.catalog());
        PlanJson.Document document = PlanJson.of(plan, "test");
        assertThat(document.deployments()).hasSizeGreaterThan(512);

        ByteArrayOutputStream parallel = new ByteArrayOutputStream();
        Serializers.json(document, parallel);
        String sequential = SEQUENTIAL
                        .writer(new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n")))
                        .writeValueAsString(document)
                + "\n";

        assertThat(parallel.toString(StandardCharsets.UTF_8)).isEqualTo(sequential);
        assertThat(Serializers.json(document)).isEqualTo(sequential);
    }

    @Test
    void anEmptyListIsTheSameToo() throws Exception {
        PlanJson.Document empty = new PlanJson.Document(
                "s", "g", "c", "n", "containerd", java.util.List.of(), java.util.List.of(), null, null);
        assertThat(Serializers.json(empty))
                .isEqualTo(SEQUENTIAL
                                .writer(new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n")))
                                .writeValueAsString(empty)
                        + "\n");
    }
}
