package eu.prositronic.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import eu.prositronic.TestSupport;
import eu.prositronic.core.emit.GpuGuard;
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
 * Fleet mode and single-release mode of the generated helmfile cannot make two Deployments for one GPU
 * ({@link GpuGuard}): rendered by the real Helm (helmfile's state file is a Go template with sprig functions, which Helm
 * renders the same way; helmfile itself is in none of the registries this project installs from), then the chart with
 * the layers the helmfile gives each release.
 */
@Tag("tool") // drives the real helm
class HelmfileGpuGuardTest {
    @TempDir
    Path out;

    /** The example plus a third RTX 3090 node that runs nothing: the one GPU a single release may take. */
    static String withFreeNode() {
        return TestSupport.read(TestSupport.exampleInventory())
                .replace(
                        "  - name: cpu-01\n",
                        "  - name: gpu-03\n    address: 192.168.1.23\n    ram: 64GiB\n    cpu: {cores: 16}\n"
                                + "    gpus: [{model: nvidia-rtx3090}]\n    gpuDriver: \"580.82.07\"\n\n"
                                + "  - name: cpu-01\n");
    }

    Path helmfileChart(GeneratedExample.Output example) throws Exception {
        Path chart = out.resolve("helmfile-as-chart");
        Files.createDirectories(chart.resolve("templates"));
        Files.writeString(chart.resolve("Chart.yaml"), "apiVersion: v2\nname: helmfile\nversion: 0.1.0\n");
        Files.copy(
                example.dir().resolve("helmfile.yaml.gotmpl"),
                chart.resolve("templates/helmfile.yaml"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return chart;
    }

    static DeploymentPlan chat(GeneratedExample.Output example) {
        return example.plan().deployments().stream()
                .filter(p -> p.name().equals("chat"))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void aSingleReleaseOfAGpuTheFleetUsesEverywhereIsRefused() throws Exception {
        GeneratedExample.Output example = GeneratedExample.writeTo(out.resolve("prositronic"));
        DeploymentPlan chat = chat(example);
        ExternalTool.Run single = ExternalTool.run(
                out,
                "helm",
                "template",
                "x",
                helmfileChart(example).toString(),
                "-f",
                example.dir().resolve(chat.valuesFile()).toString());
        assertThat(single.exitCode()).as(single.output()).isNotZero();
        assertThat(single.output())
                .contains("second Deployment for the same GPU")
                .contains("gpu-01: chat")
                .contains("NVIDIA-GeForce-RTX-3090")
                .contains("inventory.yaml");
        // the same values file without the guard would have been released (the branch renders up to the guard)
        ExternalTool.Run cpu = ExternalTool.run(
                out,
                "helm",
                "template",
                "x",
                helmfileChart(example).toString(),
                "-f",
                example.dir().resolve("values/qwen3-5-0-8b/q4_0/cpu.yaml").toString());
        assertThat(cpu.exitCode())
                .as("a CPU values file shares no GPU\n" + cpu.output())
                .isZero();
    }

    @Test
    void aSingleReleaseRunsOnlyOnAFreeGpuNodeAndTheFleetKeepsOffIt() throws Exception {
        GeneratedExample.Output example =
                GeneratedExample.writeTo(out.resolve("prositronic"), TestSupport.inventory(withFreeNode()));
        DeploymentPlan chat = chat(example);
        ExternalTool.Run state = ExternalTool.run(
                out,
                "helm",
                "template",
                "x",
                helmfileChart(example).toString(),
                "-f",
                example.dir().resolve(chat.valuesFile()).toString());
        assertThat(state.exitCode()).as(state.output()).isZero();
        JsonNode release = HelmChartTest.documents(state.output()).get(0).at("/releases/0");
        JsonNode layer = release.at("/values/1");
        assertThat(layer.at("/podLabels").path(GpuGuard.MODE_LABEL).asText()).isEqualTo(GpuGuard.SINGLE);

        // the chart with the helmfile's two layers, as helmfile installs the single release
        Path layers = out.resolve("single-layers.yaml");
        Files.writeString(layers, new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(layer));
        JsonNode single = deployment(example, "single", example.dir().resolve(chat.valuesFile()), layers);
        assertThat(terms(single))
                .as("pinned to the free node, the GPU product kept")
                .allSatisfy(t -> assertThat(t)
                        .contains("kubernetes.io/hostname In [gpu-03]")
                        .anyMatch(x -> x.startsWith("nvidia.com/gpu.product In")));
        assertThat(single.at("/spec/template/metadata/labels")
                        .path(GpuGuard.MODE_LABEL)
                        .asText())
                .isEqualTo(GpuGuard.SINGLE);
        assertThat(antiAffinity(single))
                .containsExactly("app.kubernetes.io/name In [llama-server] per kubernetes.io/hostname");

        // the fleet's release of the same GPU product keeps off single releases' pods
        JsonNode fleet = deployment(
                example,
                chat.name(),
                example.dir().resolve(chat.valuesFile()),
                example.dir().resolve(ValuesEmitter.releaseFile(chat)));
        assertThat(fleet.at("/spec/template/spec/nodeSelector")
                        .path("kubernetes.io/hostname")
                        .asText())
                .isEqualTo("gpu-01");
        assertThat(antiAffinity(fleet))
                .containsExactly(GpuGuard.MODE_LABEL + " In [single] per kubernetes.io/hostname");
        // and a single release's pod, which carries that label, is itself a llama-server pod the rule matches
        assertThat(single.at("/spec/template/metadata/labels")
                        .path("app.kubernetes.io/name")
                        .asText())
                .isEqualTo("llama-server");
    }

    JsonNode deployment(GeneratedExample.Output example, String release, Path... values) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                "helm",
                "template",
                release,
                example.dir().resolve("charts/llama-server").toString()));
        for (Path v : values) {
            command.add("-f");
            command.add(v.toString());
        }
        ExternalTool.Run r = ExternalTool.run(out, command.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.output()).isZero();
        List<JsonNode> docs = HelmChartTest.documents(r.output());
        assertThat(ManifestValidator.validate(docs, out)).isEmpty();
        return docs.stream()
                .filter(d -> d.path("kind").asText().equals("Deployment"))
                .findFirst()
                .orElseThrow();
    }

    static List<List<String>> terms(JsonNode deployment) {
        List<List<String>> terms = new ArrayList<>();
        deployment
                .at("/spec/template/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution"
                        + "/nodeSelectorTerms")
                .forEach(t -> {
                    List<String> xs = new ArrayList<>();
                    t.path("matchExpressions").forEach(x -> xs.add(expression(x)));
                    terms.add(xs);
                });
        assertThat(terms).isNotEmpty();
        return terms;
    }

    static List<String> antiAffinity(JsonNode deployment) {
        List<String> rules = new ArrayList<>();
        deployment
                .at("/spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution")
                .forEach(t -> t.at("/labelSelector/matchExpressions")
                        .forEach(x -> rules.add(
                                expression(x) + " per " + t.path("topologyKey").asText())));
        return rules;
    }

    static String expression(JsonNode x) {
        List<String> values = new ArrayList<>();
        x.path("values").forEach(v -> values.add(v.asText()));
        return x.path("key").asText() + " " + x.path("operator").asText() + " [" + String.join(", ", values) + "]";
    }
}
