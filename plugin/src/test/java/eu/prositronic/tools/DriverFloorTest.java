package eu.prositronic.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import eu.prositronic.TestSupport;
import eu.prositronic.core.catalog.Backend;
import eu.prositronic.core.catalog.DriverVersion;
import eu.prositronic.core.emit.ValuesEmitter;
import eu.prositronic.core.fit.BackendSelector;
import eu.prositronic.core.fit.DeploymentPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Driver at least the CUDA image's floor" holds the same in the three places that decide it: the chart's required node
 * affinity (real {@code helm template} of the example's CUDA 13 release, evaluated against nodes labelled as GPU
 * feature discovery labels them), the planner's backend choice, and the Ansible preflight's assert (its own condition,
 * run by the real Ansible). A 580.10.02 driver is refused by the CUDA 13 image's 580.65.06 floor, 580.65.06 and 581.0
 * are accepted. Before, only the major version was compared and 580.10 passed.
 */
@Tag("tool") // drives the real helm and ansible
class DriverFloorTest {
    @TempDir
    static Path out;

    static GeneratedExample.Output example;

    static DeploymentPlan cuda13;

    static JsonNode pod;

    @BeforeAll
    static void render() throws Exception {
        example = GeneratedExample.writeTo(out.resolve("prositronic"));
        cuda13 = example.plan().deployments().stream()
                .filter(p -> p.backend() == Backend.CUDA13)
                .findFirst()
                .orElseThrow();
        Path chart = example.dir().resolve("charts/llama-server");
        ExternalTool.Run r = ExternalTool.run(
                out,
                "helm",
                "template",
                cuda13.name(),
                chart.toString(),
                "-f",
                example.dir().resolve(cuda13.valuesFile()).toString(),
                "-f",
                example.dir().resolve(ValuesEmitter.releaseFile(cuda13)).toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        pod = HelmChartTest.documents(r.output()).stream()
                .filter(d -> d.path("kind").asText().equals("Deployment"))
                .findFirst()
                .orElseThrow()
                .at("/spec/template/spec");
    }

    /** The labels GPU feature discovery puts on the example's node for a driver version. */
    static Map<String, String> node(String driver) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("kubernetes.io/hostname", cuda13.node().name());
        labels.put(
                "nvidia.com/gpu.product",
                cuda13.node().primaryGpu().orElseThrow().productLabel().orElseThrow());
        String[] parts = driver.split("\\.");
        labels.put("nvidia.com/cuda.driver-version.full", driver);
        labels.put("nvidia.com/cuda.driver-version.major", parts[0]);
        labels.put("nvidia.com/cuda.driver-version.minor", parts.length > 1 ? parts[1] : "0");
        if (parts.length > 2) {
            labels.put("nvidia.com/cuda.driver-version.revision", parts[2]);
        }
        return labels;
    }

    @Test
    void theExamplesCuda13ReleaseHasTheImagesFullFloor() {
        assertThat(example.plan()).isNotNull();
        String floor = TestSupport.catalog()
                .images()
                .minDriver(Backend.CUDA13)
                .orElseThrow()
                .toString();
        assertThat(floor).isEqualTo("580.65.06");
        assertThat(pod.at("/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms"))
                .as("major > 580, or 580 with minor > 65, or 580.65 with revision >= 06")
                .hasSize(3);
    }

    @Test
    void a580_10DriverIsRefusedEverywhere() throws Exception {
        assertThat(schedules(node("580.10.02"))).as("the chart's node affinity").isFalse();
        assertThat(schedules(node("580.65.05")))
                .as("one revision below the floor")
                .isFalse();
        assertThat(schedules(node("579.99.99"))).isFalse();
        assertThat(planned("580.10.02")).as("the planner").isEqualTo(Backend.CUDA12);
        assertThat(preflightPasses("580.10.02")).as("the Ansible preflight").isFalse();
    }

    @Test
    void the580_65_06FloorItselfIsAccepted() throws Exception {
        assertThat(schedules(node("580.65.06"))).as("the chart's node affinity").isTrue();
        assertThat(planned("580.65.06")).as("the planner").isEqualTo(Backend.CUDA13);
        assertThat(preflightPasses("580.65.06")).as("the Ansible preflight").isTrue();
    }

    @Test
    void a581_0DriverIsAccepted() throws Exception {
        assertThat(schedules(node("581.0"))).as("the chart's node affinity").isTrue();
        assertThat(schedules(node("580.82.07"))).isTrue();
        assertThat(planned("581.0")).as("the planner").isEqualTo(Backend.CUDA13);
        assertThat(preflightPasses("581.0")).as("the Ansible preflight").isTrue();
    }

    @Test
    void aNodeWithoutDriverLabelsIsRefused() {
        Map<String, String> labels = node("580.82.07");
        labels.keySet().removeIf(k -> k.startsWith("nvidia.com/cuda.driver-version"));
        assertThat(schedules(labels))
                .as("without GPU feature discovery nothing says the driver is new enough")
                .isFalse();
    }

    @Test
    void theEvaluatorReadsKubernetesOperatorsAsTheSchedulerDoes() throws Exception {
        JsonNode term = new ObjectMapper()
                .readTree("{\"matchExpressions\": [{\"key\": \"a\", \"operator\": \"Gt\", \"values\": [\"5\"]},"
                        + "{\"key\": \"b\", \"operator\": \"In\", \"values\": [\"x\", \"y\"]},"
                        + "{\"key\": \"c\", \"operator\": \"DoesNotExist\"}]}");
        assertThat(matches(term, Map.of("a", "06", "b", "y"))).isTrue();
        assertThat(matches(term, Map.of("a", "5", "b", "y"))).isFalse();
        assertThat(matches(term, Map.of("a", "x6", "b", "y")))
                .as("Gt on a non-number")
                .isFalse();
        assertThat(matches(term, Map.of("a", "6", "b", "y", "c", ""))).isFalse();
        assertThat(matches(term, Map.of("b", "y"))).as("Gt on a missing label").isFalse();
    }

    /** Whether the scheduler may place the pod on a node with these labels: its nodeSelector and required affinity. */
    static boolean schedules(Map<String, String> labels) {
        var selector = pod.path("nodeSelector").fields();
        while (selector.hasNext()) {
            var e = selector.next();
            if (!e.getValue().asText().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        JsonNode terms =
                pod.at("/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms");
        if (terms.isMissingNode()) {
            return true;
        }
        for (JsonNode term : terms) {
            if (matches(term, labels)) {
                return true; // the terms are ORed
            }
        }
        return false;
    }

    /** One node selector term: its expressions ANDed (k8s.io/component-helpers nodeaffinity). */
    static boolean matches(JsonNode term, Map<String, String> labels) {
        for (JsonNode x : term.path("matchExpressions")) {
            String value = labels.get(x.path("key").asText());
            List<String> values = new ArrayList<>();
            x.path("values").forEach(v -> values.add(v.asText()));
            boolean ok =
                    switch (x.path("operator").asText()) {
                        case "In" -> value != null && values.contains(value);
                        case "NotIn" -> value == null || !values.contains(value);
                        case "Exists" -> value != null;
                        case "DoesNotExist" -> value == null;
                        case "Gt", "Lt" -> {
                            if (value == null || values.size() != 1) {
                                yield false;
                            }
                            try {
                                long have = Long.parseLong(value);
                                long want = Long.parseLong(values.get(0));
                                yield x.path("operator").asText().equals("Gt") ? have > want : have < want;
                            } catch (NumberFormatException e) {
                                yield false;
                            }
                        }
                        default -> throw new IllegalArgumentException(x.toString());
                    };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static Backend planned(String driver) {
        return BackendSelector.select(
                cuda13.node().devices(),
                Optional.of(DriverVersion.parse(driver)),
                TestSupport.catalog().images());
    }

    /**
     * The Ansible preflight's own condition (the task "Assert that the driver is recent enough" of the
     * nvidia_container_toolkit role), run by the real Ansible with nvidia-smi's answer for this driver and the floor the
     * generated host variables give the node.
     */
    static boolean preflightPasses(String driver) throws Exception {
        Path role =
                example.dir().resolve("ansible/ansible_collections/prositronic/infra/roles/nvidia_container_toolkit");
        JsonNode tasks = new ObjectMapper(new YAMLFactory())
                .readTree(role.resolve("tasks/preflight.yml").toFile());
        JsonNode check = null;
        for (JsonNode t : tasks) {
            if (t.path("name").asText().startsWith("Assert that the driver is recent enough")) {
                check = t;
            }
        }
        assertThat(check).as("the preflight's driver check").isNotNull();
        JsonNode hostVars = new ObjectMapper(new YAMLFactory())
                .readTree(example.dir()
                        .resolve("ansible/host_vars/" + cuda13.node().name() + ".yml")
                        .toFile());
        String floor =
                hostVars.path("nvidia_container_toolkit_driver_min_version").asText();
        assertThat(floor).as("the floor in the generated host variables").isEqualTo("580.65.06");
        Map<String, Object> play = new LinkedHashMap<>();
        play.put("hosts", "localhost");
        play.put("gather_facts", false);
        play.put(
                "vars",
                Map.of(
                        "nvidia_container_toolkit_driver_min_version",
                        floor,
                        "__nvidia_container_toolkit_gpus",
                        List.of(List.of("NVIDIA GeForce RTX 3090", "24576 MiB", driver, "8.6"))));
        Map<String, Object> task = new LinkedHashMap<>();
        task.put("name", check.path("name").asText());
        task.put(
                "ansible.builtin.assert",
                new ObjectMapper().convertValue(check.path("ansible.builtin.assert"), Map.class));
        play.put("tasks", List.of(task));
        Path playbook = out.resolve("preflight-" + driver + ".yml");
        Files.writeString(playbook, new ObjectMapper(new YAMLFactory()).writeValueAsString(List.of(play)));
        ExternalTool.Run r = ExternalTool.run(
                out,
                Map.of("ANSIBLE_LOCALHOST_WARNING", "false", "ANSIBLE_INVENTORY_UNPARSED_WARNING", "false"),
                "ansible-playbook",
                "-i",
                "localhost,",
                "-c",
                "local",
                playbook.toString());
        assertThat(r.output()).as(r.output()).containsAnyOf("failed=0", "failed=1");
        return r.exitCode() == 0;
    }
}
