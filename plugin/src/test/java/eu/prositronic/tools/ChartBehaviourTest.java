package eu.prositronic.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import eu.prositronic.TestSupport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the chart renders for the production concerns of a real cluster, one concern per test, with the real Helm. */
@Tag("tool") // drives the real helm
class ChartBehaviourTest {
    @TempDir
    static Path out;

    static final Path CHART = TestSupport.repoRoot().resolve("charts/llama-server");

    static ExternalTool.Run helm(String command, String values, String... sets) {
        List<String> c = new ArrayList<>(List.of("helm", command));
        if (command.equals("install")) {
            c.addAll(List.of("--dry-run", "r"));
        } else {
            c.add("r");
        }
        c.addAll(List.of(CHART.toString(), "-f", CHART.resolve("ci/" + values).toString()));
        for (String s : sets) {
            c.add("--set");
            c.add(s);
        }
        return ExternalTool.run(out, c.toArray(String[]::new));
    }

    static JsonNode deployment(String values, String... sets) throws Exception {
        ExternalTool.Run r = helm("template", values, sets);
        assertThat(r.exitCode()).as(r.output()).isZero();
        return HelmChartTest.documents(r.output()).stream()
                .filter(d -> d.path("kind").asText().equals("Deployment"))
                .findFirst()
                .orElseThrow();
    }

    static List<String> texts(JsonNode array) {
        List<String> t = new ArrayList<>();
        array.forEach(v -> t.add(v.asText()));
        return t;
    }

    @Test
    void theGpuProductStillMatchesUnderTimeSlicingAndMig() throws Exception {
        JsonNode d = deployment("nvidia.yaml", "gpu.migProfiles={1g.10gb,3g.40gb}");
        JsonNode e = d.at("/spec/template/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution"
                + "/nodeSelectorTerms/0/matchExpressions/0");
        assertThat(e.path("key").asText()).isEqualTo("nvidia.com/gpu.product");
        assertThat(e.path("operator").asText()).isEqualTo("In");
        assertThat(texts(e.path("values")))
                .containsExactly(
                        "NVIDIA-GeForce-RTX-3090",
                        "NVIDIA-GeForce-RTX-3090-SHARED",
                        "NVIDIA-GeForce-RTX-3090-MIG-1g.10gb",
                        "NVIDIA-GeForce-RTX-3090-MIG-3g.40gb");
        assertThat(d.at("/spec/template/spec/nodeSelector/nvidia.com~1gpu.product")
                        .isMissingNode())
                .as("no exact nodeSelector on the product, which -SHARED would defeat")
                .isTrue();
    }

    @Test
    void aCudaImageRequiresANodeDriverOfItsFloorAndKeepsTheOperatorsAffinity() throws Exception {
        JsonNode d = deployment(
                "nvidia.yaml",
                "gpu.minDriver=580.65.06",
                "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]"
                        + ".matchExpressions[0].key=zone",
                "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]"
                        + ".matchExpressions[0].operator=Exists");
        JsonNode terms = d.at("/spec/template/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution"
                + "/nodeSelectorTerms");
        List<List<String>> rendered = new ArrayList<>();
        terms.forEach(t -> {
            List<String> keys = new ArrayList<>();
            t.path("matchExpressions")
                    .forEach(x -> keys.add(x.path("key").asText() + " "
                            + x.path("operator").asText() + " " + texts(x.path("values"))));
            rendered.add(keys);
        });
        String product = "nvidia.com/gpu.product In [NVIDIA-GeForce-RTX-3090, NVIDIA-GeForce-RTX-3090-SHARED]";
        // driver >= 580.65.06 as ORed terms on GPU feature discovery's numeric labels (DriverFloorTest evaluates them)
        assertThat(rendered)
                .containsExactly(
                        List.of("zone Exists []", product, "nvidia.com/cuda.driver-version.major Gt [580]"),
                        List.of(
                                "zone Exists []",
                                product,
                                "nvidia.com/cuda.driver-version.major In [580]",
                                "nvidia.com/cuda.driver-version.minor Gt [65]"),
                        List.of(
                                "zone Exists []",
                                product,
                                "nvidia.com/cuda.driver-version.major In [580]",
                                "nvidia.com/cuda.driver-version.minor In [65]",
                                "nvidia.com/cuda.driver-version.revision Gt [5]"));
    }

    @Test
    void aCpuPodHasNoGpuAffinity() throws Exception {
        JsonNode d = deployment("cpu.yaml");
        assertThat(d.at("/spec/template/spec/affinity").isMissingNode()).isTrue();
    }

    @Test
    void aLongFirstDownloadGetsADeadlineFromItsSizeAndTheNotesWaitAsLong() throws Exception {
        // 16 GB at 10 MB/s: 1,600 s of download, 160 s of load at 100 MB/s, 600 s for the rest
        String[] sets = {"model.sizeBytes=16000000000", "model.source.bandwidthMBps=10", "model.source.loadMBps=100"};
        JsonNode d = deployment("nvidia.yaml", sets);
        assertThat(d.at("/spec/progressDeadlineSeconds").asLong()).isEqualTo(2360);
        JsonNode startup = d.at("/spec/template/spec/containers/0/startupProbe");
        assertThat(startup.path("failureThreshold").asLong()
                        * startup.path("periodSeconds").asLong())
                .as("the startup probe waits for the load (160 s) plus 5 minutes, not for the download")
                .isBetween(460L, 480L);
        ExternalTool.Run notes = helm("install", "nvidia.yaml", sets);
        assertThat(notes.exitCode()).as(notes.output()).isZero();
        assertThat(notes.output()).contains("rollout status deploy/qwen3-5-4b-q5-k-m --timeout=2360s");
    }

    @Test
    void inHfModeTheStartupProbeWaitsForLlamaServersOwnDownload() throws Exception {
        JsonNode d = deployment(
                "nvidia.yaml", "model.source.mode=hf", "model.sizeBytes=16000000000", "model.source.bandwidthMBps=10");
        JsonNode startup = d.at("/spec/template/spec/containers/0/startupProbe");
        assertThat(startup.path("failureThreshold").asLong()
                        * startup.path("periodSeconds").asLong())
                .isGreaterThan(1600 + 160);
        assertThat(d.at("/spec/template/spec/initContainers").isMissingNode()).isTrue();
        assertThat(texts(d.at("/spec/template/spec/containers/0/args"))).contains("--hf-repo", "--hf-file");
    }

    @Test
    void everyReleaseHasAnApiKeyFromASecretThatNoFileHolds() throws Exception {
        ExternalTool.Run r = helm("template", "nvidia.yaml");
        assertThat(r.exitCode()).as(r.output()).isZero();
        List<JsonNode> docs = HelmChartTest.documents(r.output());
        JsonNode secret = docs.stream()
                .filter(d -> d.path("kind").asText().equals("Secret"))
                .findFirst()
                .orElseThrow();
        assertThat(secret.at("/metadata/name").asText()).isEqualTo("qwen3-5-4b-q5-k-m-api-key");
        assertThat(secret.at("/metadata/annotations/helm.sh~1resource-policy").asText())
                .isEqualTo("keep");
        String key = secret.at("/data/api-key").asText();
        assertThat(java.util.Base64.getDecoder().decode(key)).hasSize(48);
        ExternalTool.Run again = helm("template", "nvidia.yaml");
        assertThat(again.output())
                .as("the key is random, made at install, never a value")
                .doesNotContain(key);
        JsonNode d = docs.stream()
                .filter(x -> x.path("kind").asText().equals("Deployment"))
                .findFirst()
                .orElseThrow();
        assertThat(texts(d.at("/spec/template/spec/containers/0/args")))
                .containsSequence("--api-key-file", "/etc/llama-server/api-key/api-key");
        assertThat(d.at("/spec/template/spec/volumes").toString()).contains("qwen3-5-4b-q5-k-m-api-key");
    }

    @Test
    void noApiKeyOnlyWhenTheOperatorSaysSo() throws Exception {
        JsonNode d = deployment("nvidia.yaml", "server.apiKey.generate=false");
        assertThat(texts(d.at("/spec/template/spec/containers/0/args"))).doesNotContain("--api-key-file");
    }

    @Test
    void enableThinkingInTheTemplateKwargsIsRefusedWithTheFlagThatReplacesIt() {
        ExternalTool.Run r = helm("template", "nvidia.yaml", "server.chatTemplateKwargs.enable_thinking=false");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.output()).contains("remove it and set server.reasoning to \"off\"");
    }

    @Test
    void theRemovedNoMmapCannotBeAskedFor() {
        ExternalTool.Run old = helm("template", "nvidia.yaml", "server.mmap=false");
        assertThat(old.exitCode())
                .as("server.mmap is gone from the strict schema")
                .isNotZero();
        ExternalTool.Run bad = helm("template", "nvidia.yaml", "server.loadMode=nommap");
        assertThat(bad.exitCode()).isNotZero();
    }

    @Test
    void anAmdGpuWithoutTheDeviceGroupsIsAClearError() throws Exception {
        Path none = out.resolve("no-groups.yaml");
        java.nio.file.Files.writeString(none, "gpu:\n  supplementalGroups: []\n");
        ExternalTool.Run r = ExternalTool.run(
                out,
                "helm",
                "template",
                "r",
                CHART.toString(),
                "-f",
                CHART.resolve("ci/amd.yaml").toString(),
                "-f",
                none.toString());
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.output())
                .contains("needs the node's video and render groups to open /dev/kfd and /dev/dri")
                .contains("getent group video render");
    }

    @Test
    void anAmdGpuGetsItsDeviceGroups() throws Exception {
        JsonNode d = deployment("amd.yaml");
        assertThat(texts(d.at("/spec/template/spec/securityContext/supplementalGroups")))
                .containsExactly("44", "992");
        assertThat(d.at("/spec/template/spec/containers/0/resources/limits/amd.com~1gpu")
                        .asInt())
                .isEqualTo(1);
    }

    @Test
    void airGappedModeAllowsNoEgressButDns() throws Exception {
        ExternalTool.Run r = helm("template", "airgapped.yaml");
        assertThat(r.exitCode()).as(r.output()).isZero();
        JsonNode policy = HelmChartTest.documents(r.output()).stream()
                .filter(d -> d.path("kind").asText().equals("NetworkPolicy"))
                .findFirst()
                .orElseThrow();
        assertThat(policy.at("/spec/egress")).hasSize(1);
        assertThat(policy.at("/spec/egress/0/ports").toString()).contains("53").doesNotContain("443");
    }

    @Test
    void aPinnedModelRestartsThePodWhenItsRevisionChanges() throws Exception {
        JsonNode a = deployment("full.yaml");
        JsonNode b = deployment("full.yaml", "model.revision=" + "f".repeat(40));
        assertThat(a.at("/spec/template/metadata/annotations/prositronic.eu~1model"))
                .isNotEqualTo(b.at("/spec/template/metadata/annotations/prositronic.eu~1model"));
        assertThat(texts(b.at("/spec/template/spec/containers/0/args")))
                .contains(
                        "/models/gguf/models--unsloth--Qwen3.5-4B-GGUF--" + "f".repeat(40) + "/Qwen3.5-4B-Q5_K_M.gguf");
    }

    @Test
    void aRegistryMirrorAndADigestReachEveryImageOfTheRelease() throws Exception {
        String digest = "sha256:" + "a".repeat(64);
        ExternalTool.Run r =
                helm("template", "nvidia.yaml", "imageRegistry=registry.internal:5000", "image.digest=" + digest);
        assertThat(r.exitCode()).as(r.output()).isZero();
        List<String> images = new ArrayList<>();
        for (JsonNode d : HelmChartTest.documents(r.output())) {
            d.findValues("image").forEach(i -> {
                if (i.isTextual()) {
                    images.add(i.asText());
                }
            });
        }
        assertThat(images)
                .containsExactlyInAnyOrder(
                        "registry.internal:5000/curlimages/curl:8.11.1",
                        "registry.internal:5000/ggml-org/llama.cpp:server-cuda13-b7000@" + digest,
                        "registry.internal:5000/library/busybox:1.37.0");
    }

    @Test
    void theGrafanaDashboardIsJsonOfTheReleasesSeries() throws Exception {
        ExternalTool.Run r = helm("template", "full.yaml");
        assertThat(r.exitCode()).as(r.output()).isZero();
        JsonNode cm = HelmChartTest.documents(r.output()).stream()
                .filter(d -> d.at("/metadata/name").asText().endsWith("-dashboard"))
                .findFirst()
                .orElseThrow();
        assertThat(cm.at("/metadata/labels/grafana_dashboard").asText()).isEqualTo("1");
        JsonNode dashboard = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(cm.at("/data/llama-server.json").asText());
        List<String> exprs = dashboard.findValuesAsText("expr");
        assertThat(exprs)
                .isNotEmpty()
                .allMatch(e -> e.contains("llamacpp:") && e.contains("service=\"qwen3-5-4b-q5-k-m-full\""));
        ExternalTool.Run off = helm("template", "cpu.yaml", "metrics.grafanaDashboard.enabled=true");
        assertThat(off.output()).contains("set server.metrics to true");
    }
}
