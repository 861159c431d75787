package eu.prositronic.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import eu.prositronic.TestSupport;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each rule of {@link ManifestValidator} catches its fault: the chart rendered with every option (ci/full.yaml) is
 * valid, and one wrong field at a time makes it invalid with a message that names the field.
 */
@Tag("tool") // drives the real helm and node
class ManifestValidatorTest {
    @TempDir
    static Path out;

    static List<JsonNode> rendered;

    @BeforeAll
    static void render() throws Exception {
        Path chart = TestSupport.repoRoot().resolve("charts/llama-server");
        List<String> command = new ArrayList<>(List.of(
                "helm",
                "template",
                "r",
                chart.toString(),
                "-f",
                chart.resolve("ci/full.yaml").toString()));
        command.addAll(HelmChartTest.EVERY_OPTION);
        ExternalTool.Run r = ExternalTool.run(out, command.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.output()).isZero();
        rendered = HelmChartTest.documents(r.output());
    }

    /** The rendered documents with one change to the first document of a kind. */
    static List<JsonNode> with(String kind, Consumer<ObjectNode> change) {
        List<JsonNode> docs = new ArrayList<>();
        boolean changed = false;
        for (JsonNode d : rendered) {
            ObjectNode copy = ManifestValidator.copy(d);
            if (!changed && d.path("kind").asText().equals(kind)) {
                change.accept(copy);
                changed = true;
            }
            docs.add(copy);
        }
        assertThat(changed).as("a " + kind + " was rendered").isTrue();
        return docs;
    }

    static ObjectNode container(ObjectNode deployment) {
        return (ObjectNode) deployment.at("/spec/template/spec/containers/0");
    }

    List<String> problems(List<JsonNode> docs) throws Exception {
        return ManifestValidator.validate(docs, out);
    }

    @Test
    void theRenderedChartWithEveryOptionIsValid() throws Exception {
        assertThat(rendered.stream().map(d -> d.path("kind").asText()))
                .contains(
                        "Deployment",
                        "Service",
                        "NetworkPolicy",
                        "Ingress",
                        "HTTPRoute",
                        "PodDisruptionBudget",
                        "ServiceMonitor",
                        "PrometheusRule");
        assertThat(problems(rendered)).isEmpty();
    }

    @Test
    void aQuantityThatIsNoneIsRejected() throws Exception {
        var docs = with("Deployment", d -> ((ObjectNode) container(d).at("/resources/limits")).put("memory", "lots"));
        assertThat(problems(docs)).anyMatch(p -> p.contains("resources/limits/memory must match format \"quantity\""));
    }

    @Test
    void aPortThatIsNoNumberIsRejected() throws Exception {
        var docs = with("Deployment", d -> ((ObjectNode) container(d).at("/ports/0")).put("containerPort", "abc"));
        assertThat(problems(docs)).anyMatch(p -> p.contains("containerPort must be integer"));
    }

    @Test
    void anImagePullPolicyOutsideTheEnumIsRejected() throws Exception {
        var docs = with("Deployment", d -> container(d).put("imagePullPolicy", "Sometimes"));
        assertThat(problems(docs))
                .anyMatch(p -> p.contains("imagePullPolicy must be equal to one of the allowed values"));
    }

    @Test
    void anUnknownFieldIsRejected() throws Exception {
        var docs = with("Deployment", d -> container(d).put("imagePullPolcy", "IfNotPresent"));
        assertThat(problems(docs)).anyMatch(p -> p.contains("imagePullPolcy"));
    }

    @Test
    void anUnknownFieldOfACustomResourceIsRejected() throws Exception {
        var docs = with("HTTPRoute", d -> ((ObjectNode) d.path("spec")).put("hostname", "x"));
        assertThat(problems(docs)).anyMatch(p -> p.contains("unknown field spec.hostname"));
    }

    @Test
    void aSelectorThatDoesNotMatchThePodIsRejected() throws Exception {
        var docs = with("Deployment", d -> ((ObjectNode) d.at("/spec/selector/matchLabels"))
                .put("app.kubernetes.io/name", "other"));
        assertThat(problems(docs)).anyMatch(p -> p.contains("does not match the pod template's labels"));
    }

    @Test
    void aServiceThatSelectsNoPodIsRejected() throws Exception {
        var docs = with("Service", d -> ((ObjectNode) d.at("/spec/selector")).put("app.kubernetes.io/instance", "x"));
        assertThat(problems(docs)).anyMatch(p -> p.contains("Service") && p.contains("selects no pod"));
    }

    @Test
    void aNetworkPolicyOrBudgetThatSelectsNoPodIsRejected() throws Exception {
        var policy = with("NetworkPolicy", d -> ((ObjectNode) d.at("/spec/podSelector/matchLabels"))
                .put("app.kubernetes.io/name", "x"));
        assertThat(problems(policy)).anyMatch(p -> p.contains("spec.podSelector selects no pod"));
        var budget = with("PodDisruptionBudget", d -> ((ObjectNode) d.at("/spec/selector/matchLabels"))
                .put("app.kubernetes.io/name", "x"));
        assertThat(problems(budget)).anyMatch(p -> p.contains("PodDisruptionBudget") && p.contains("selects no pod"));
    }

    @Test
    void aServiceMonitorThatSelectsNoServiceIsRejected() throws Exception {
        var docs = with("ServiceMonitor", d -> ((ObjectNode) d.at("/spec/selector/matchLabels"))
                .put("app.kubernetes.io/name", "x"));
        assertThat(problems(docs)).anyMatch(p -> p.contains("selects no Service"));
    }

    @Test
    void aMountOfAnUndeclaredVolumeIsRejected() throws Exception {
        var docs = with("Deployment", d -> {
            ArrayNode mounts = (ArrayNode) container(d).path("volumeMounts");
            mounts.addObject().put("name", "nowhere").put("mountPath", "/nowhere");
        });
        assertThat(problems(docs)).anyMatch(p -> p.contains("mounts volume nowhere, which the pod does not declare"));
    }

    @Test
    void aMountOfAnUndeclaredVolumeInAnInitContainerIsRejected() throws Exception {
        var docs = with("Deployment", d -> {
            ArrayNode mounts = (ArrayNode) d.at("/spec/template/spec/initContainers/0/volumeMounts");
            mounts.addObject().put("name", "cache").put("mountPath", "/cache");
        });
        assertThat(problems(docs)).anyMatch(p -> p.contains("container model: mounts volume cache"));
    }

    @Test
    void requestsAboveLimitsAreRejected() throws Exception {
        var docs = with("Deployment", d -> ((ObjectNode) container(d).at("/resources/requests")).put("memory", "9Gi"));
        assertThat(problems(docs)).anyMatch(p -> p.contains("requests.memory 9Gi is above limits.memory 8Gi"));
    }

    @Test
    void aProbeOnAPortTheContainerDoesNotNameIsRejected() throws Exception {
        var docs =
                with("Deployment", d -> ((ObjectNode) container(d).at("/startupProbe/httpGet")).put("port", "metrics"));
        assertThat(problems(docs)).anyMatch(p -> p.contains("startupProbe uses port metrics"));
    }

    @Test
    void aServiceTargetPortThatNoContainerNamesIsRejected() throws Exception {
        var docs = with("Service", d -> ((ObjectNode) d.at("/spec/ports/0")).put("targetPort", "web"));
        assertThat(problems(docs)).anyMatch(p -> p.contains("targetPort web is no container port's name"));
    }

    @Test
    void quantitiesCompareAcrossSuffixes() {
        assertThat(ManifestValidator.quantity("1Gi")).isEqualByComparingTo(BigDecimal.valueOf(1L << 30));
        assertThat(ManifestValidator.quantity("1500m")).isEqualByComparingTo(new BigDecimal("1.5"));
        assertThat(ManifestValidator.quantity("2e3")).isEqualByComparingTo(BigDecimal.valueOf(2000));
        assertThat(ManifestValidator.quantity("8G").compareTo(ManifestValidator.quantity("8Gi")))
                .isNegative();
        assertThat(ManifestValidator.quantity("lots")).isNull();
    }
}
