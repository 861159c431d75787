package eu.prositronic.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import eu.prositronic.TestSupport;
import eu.prositronic.core.emit.ValuesEmitter;
import eu.prositronic.core.fit.DeploymentPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two deployments on one RTX 3090 node with {@code gpuSharing: {replicas: 2}}, rendered by the real Helm: the helmfile
 * (as a chart, like {@link HelmfileGpuGuardTest}) gives the NVIDIA device plugin the time-slicing configuration, and
 * each release's chart renders a Deployment that asks for one {@code nvidia.com/gpu} (one replica of the node's one
 * GPU), requires the product label in both its plain and its {@code -SHARED} form, and passes the manifest validator.
 * The device plugin's own chart is not rendered here: it is fetched from NVIDIA's chart repository at apply time, which
 * this build cannot reach.
 */
@Tag("tool") // drives the real helm
class HelmfileGpuSharingTest {
    @TempDir
    Path out;

    static final String INVENTORY = """
            cluster: {name: lab, namespace: llm}
            nodes:
              - name: gpu-01
                address: 10.0.0.1
                ram: 64GiB
                cpu: {cores: 16}
                gpus: [{model: nvidia-rtx3090}]
                gpuDriver: "580.82.07"
                gpuSharing: {strategy: timeSlicing, replicas: 2}
            deployments:
              - {name: chat, model: qwen3-5-4b, quant: Q4_K_M, node: gpu-01, context: 32768}
              - {name: small, model: qwen3-5-0-8b, quant: Q4_0, node: gpu-01, context: 8192, port: 8081}
            """;

    @Test
    void bothReleasesOfASharedNodeAskForOneReplicaEachAndTheDevicePluginTimeSlicesTheGpu() throws Exception {
        GeneratedExample.Output example =
                GeneratedExample.writeTo(out.resolve("prositronic"), TestSupport.inventory(INVENTORY));
        example.plan().deployments().forEach(d -> assertThat(d.notes())
                .as(d.name() + ": no shared-GPU warning with gpuSharing")
                .noneMatch(n -> n.startsWith(eu.prositronic.core.fit.Planner.SHARED_GPU_NOTE)));

        // the helmfile's fleet branch, rendered by Helm's template engine
        Path chart = out.resolve("helmfile-as-chart");
        Files.createDirectories(chart.resolve("templates"));
        Files.writeString(chart.resolve("Chart.yaml"), "apiVersion: v2\nname: helmfile\nversion: 0.1.0\n");
        Files.copy(example.dir().resolve("helmfile.yaml.gotmpl"), chart.resolve("templates/helmfile.yaml"));
        ExternalTool.Run state = ExternalTool.run(out, "helm", "template", "x", chart.toString());
        assertThat(state.exitCode()).as(state.output()).isZero();
        JsonNode fleet = HelmChartTest.documents(state.output()).get(0);
        JsonNode plugin = fleet.at("/releases/0");
        assertThat(plugin.path("name").asText()).isEqualTo("nvidia-device-plugin");
        assertThat(plugin.path("version").asText()).isEqualTo("0.19.2");
        JsonNode config = plugin.at("/values/0/config");
        assertThat(config.path("default").asText()).isEqualTo("time-slicing-2");
        JsonNode file = new ObjectMapper(new YAMLFactory())
                .readTree(config.at("/map/time-slicing-2").asText());
        assertThat(file.at("/sharing/timeSlicing/resources/0/name").asText()).isEqualTo("nvidia.com/gpu");
        assertThat(file.at("/sharing/timeSlicing/resources/0/replicas").asInt()).isEqualTo(2);
        assertThat(plugin.has("hooks"))
                .as("one configuration for all: no node label")
                .isFalse();

        for (DeploymentPlan p : example.plan().deployments()) {
            JsonNode deployment = deployment(example, p);
            JsonNode container = deployment.at("/spec/template/spec/containers/0");
            assertThat(container.at("/resources/limits").path("nvidia.com/gpu").asInt())
                    .as(p.name() + " asks for one replica of the one GPU")
                    .isEqualTo(1);
            assertThat(HelmfileGpuGuardTest.terms(deployment))
                    .as(p.name() + ": still scheduled once GPU feature discovery renames the product")
                    .allSatisfy(t -> assertThat(t)
                            .anyMatch(x -> x.equals("nvidia.com/gpu.product In [NVIDIA-GeForce-RTX-3090,"
                                    + " NVIDIA-GeForce-RTX-3090-SHARED]")));
        }
    }

    JsonNode deployment(GeneratedExample.Output example, DeploymentPlan p) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                "helm",
                "template",
                p.name(),
                example.dir().resolve("charts/llama-server").toString(),
                "-f",
                example.dir().resolve(p.valuesFile()).toString(),
                "-f",
                example.dir().resolve(ValuesEmitter.releaseFile(p)).toString()));
        ExternalTool.Run r = ExternalTool.run(out, command.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.output()).isZero();
        List<JsonNode> docs = HelmChartTest.documents(r.output());
        assertThat(ManifestValidator.validate(docs, out)).isEmpty();
        return docs.stream()
                .filter(d -> d.path("kind").asText().equals("Deployment"))
                .findFirst()
                .orElseThrow();
    }
}
