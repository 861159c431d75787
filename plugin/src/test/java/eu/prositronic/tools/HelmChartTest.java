package eu.prositronic.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import eu.prositronic.TestSupport;
import eu.prositronic.core.emit.GpuGuard;
import eu.prositronic.core.emit.ValuesEmitter;
import eu.prositronic.core.fit.DeploymentPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Helm lints and renders the chart with every generated values file and every CI values file; each rendered
 * manifest is checked by {@link ManifestValidator}: the Kubernetes OpenAPI types, enums and formats, unknown fields, and
 * the rules between fields.
 */
@Tag("tool") // drives the real helm: run by scripts/test, not by a plain mvn test
class HelmChartTest {
    @TempDir
    static Path out;

    static GeneratedExample.Output example;

    @BeforeAll
    static void generate() throws Exception {
        example = GeneratedExample.writeTo(out.resolve("prositronic"));
    }

    static List<Path> valuesFiles() throws Exception {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(example.dir().resolve("values"))) {
            s.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(files::add);
        }
        try (Stream<Path> s = Files.list(TestSupport.repoRoot().resolve("charts/llama-server/ci"))) {
            s.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(files::add);
        }
        return files;
    }

    /** Helm 4 ({@code helm}) and Helm 3 ({@code helm3}): the chart supports both majors. */
    static final List<String> HELMS = List.of("helm", "helm3");

    @Test
    void lintsStrictlyWithEveryValuesFileUnderHelm4AndHelm3() throws Exception {
        Path chart = example.dir().resolve("charts/llama-server");
        for (String helm : HELMS) {
            ExternalTool.Run bare = ExternalTool.run(out, helm, "lint", "--strict", chart.toString());
            assertThat(bare.exitCode()).as(helm + "\n" + bare.output()).isZero();
            for (Path values : valuesFiles()) {
                ExternalTool.Run r =
                        ExternalTool.run(out, helm, "lint", "--strict", chart.toString(), "-f", values.toString());
                assertThat(r.exitCode())
                        .as(helm + " " + values + "\n" + r.output())
                        .isZero();
            }
        }
    }

    /** Optional objects switched on, so that every template is rendered and validated at least once. */
    static final List<String> EVERY_OPTION = List.of(
            "--set",
            "ingress.enabled=true,httpRoute.enabled=true,podDisruptionBudget.enabled=true,networkPolicy.enabled=true",
            "--set",
            "server.metrics=true,metrics.serviceMonitor.enabled=true,metrics.prometheusRule.enabled=true",
            "--set",
            "metrics.grafanaDashboard.enabled=true");

    @Test
    void rendersManifestsThatAreValidKubernetesObjectsUnderHelm4AndHelm3() throws Exception {
        Path chart = example.dir().resolve("charts/llama-server");
        int validated = 0;
        for (String helm : HELMS) {
            for (Path values : valuesFiles()) {
                for (List<String> extra : List.of(List.<String>of(), EVERY_OPTION)) {
                    List<String> command =
                            new ArrayList<>(List.of(helm, "template", "r", chart.toString(), "-f", values.toString()));
                    command.addAll(extra);
                    ExternalTool.Run r = ExternalTool.run(out, command.toArray(String[]::new));
                    assertThat(r.exitCode())
                            .as(helm + " " + values + "\n" + r.output())
                            .isZero();
                    List<JsonNode> docs = documents(r.output());
                    assertThat(ManifestValidator.validate(docs, out))
                            .as(helm + " " + values + " " + extra)
                            .isEmpty();
                    validated += docs.size();
                }
            }
        }
        assertThat(validated).isGreaterThan(HELMS.size() * valuesFiles().size() * 2 * 5);
    }

    @Test
    void theContainerRunsExactlyThePlannedFlags() throws Exception {
        Path chart = example.dir().resolve("charts/llama-server");
        // each deployment: its values file with its release layer, as the fleet helmfile installs it
        for (DeploymentPlan p : example.plan().deployments()) {
            assertThat(containerArgs(chart, p.name(), p.valuesFile(), ValuesEmitter.releaseFile(p)))
                    .as(p.name())
                    .isEqualTo(chartCommandLine(p));
        }
        // each values file alone, as `helmfile --state-values-file` installs it: its catalog page's flags
        for (var page : example.plan().catalogPages().entrySet()) {
            assertThat(containerArgs(chart, "page", page.getKey()))
                    .as(page.getKey())
                    .isEqualTo(chartCommandLine(page.getValue()));
        }
    }

    /** The chart's command line: the planned flags, then the API key file of the Secret every release has. */
    static List<String> chartCommandLine(DeploymentPlan p) {
        List<String> expected = new ArrayList<>(GeneratedExample.chartCommandLine(p));
        expected.addAll(List.of("--api-key-file", "/etc/llama-server/api-key/api-key"));
        return expected;
    }

    private List<String> containerArgs(Path chart, String release, String... valuesFiles) throws Exception {
        List<String> command = new ArrayList<>(List.of("helm", "template", release, chart.toString()));
        for (String v : valuesFiles) {
            command.add("-f");
            command.add(example.dir().resolve(v).toString());
        }
        ExternalTool.Run r = ExternalTool.run(out, command.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.output()).isZero();
        JsonNode deployment = documents(r.output()).stream()
                .filter(d -> d.path("kind").asText().equals("Deployment"))
                .findFirst()
                .orElseThrow();
        List<String> args = new ArrayList<>();
        deployment.at("/spec/template/spec/containers/0/args").forEach(a -> args.add(a.asText()));
        return args;
    }

    @Test
    void theSchemaRejectsATypoAWrongTypeAndABadEnum() throws Exception {
        Path chart = example.dir().resolve("charts/llama-server");
        Path values = valuesFiles().get(0);
        for (String bad : List.of("server.ctxsize=1", "server.flashAttn=maybe", "image.tag=latest")) {
            ExternalTool.Run r = ExternalTool.run(
                    out, "helm", "template", "r", chart.toString(), "-f", values.toString(), "--set", bad);
            assertThat(r.exitCode())
                    .as("--set " + bad + " must be rejected\n" + r.output())
                    .isNotZero();
        }
        ExternalTool.Run type = ExternalTool.run(
                out,
                "helm",
                "template",
                "r",
                chart.toString(),
                "-f",
                values.toString(),
                "--set-string",
                "server.parallel=four");
        assertThat(type.exitCode()).isNotZero();
    }

    /**
     * helmfile is in none of the registries this project installs from, but its state file is a Go template with
     * sprig functions and {@code .Values}, which Helm renders the same way: both modes are rendered and checked.
     */
    @Test
    void theHelmfileRendersTheFleetAndEverySingleRelease() throws Exception {
        Path chart = out.resolve("helmfile-as-chart");
        Files.createDirectories(chart.resolve("templates"));
        Files.writeString(chart.resolve("Chart.yaml"), "apiVersion: v2\nname: helmfile\nversion: 0.1.0\n");
        Files.copy(example.dir().resolve("helmfile.yaml.gotmpl"), chart.resolve("templates/helmfile.yaml"));

        ExternalTool.Run fleet = ExternalTool.run(out, "helm", "template", "x", chart.toString());
        assertThat(fleet.exitCode()).as(fleet.output()).isZero();
        JsonNode state = documents(fleet.output()).get(0);
        List<String> names = new ArrayList<>();
        state.path("releases")
                .forEach(r -> names.add(
                        r.path("namespace").asText() + "/" + r.path("name").asText()));
        assertThat(names).doesNotHaveDuplicates().contains("nvidia-device-plugin/nvidia-device-plugin");
        for (DeploymentPlan p : example.plan().deployments()) {
            if (p.node().serving() == eu.prositronic.core.inventory.Serving.SYSTEMD) {
                continue; // Ansible's llama_server runs it (HelmfileServingTest)
            }
            JsonNode release = null;
            for (JsonNode r : state.path("releases")) {
                if (r.path("name").asText().equals(p.name())) {
                    release = r;
                }
            }
            assertThat(release).as("a release for " + p.name()).isNotNull();
            assertThat(Files.isRegularFile(
                            example.dir().resolve(release.at("/values/0").asText())))
                    .isTrue();
            assertThat(release.at("/values/1").asText()).isEqualTo(ValuesEmitter.releaseFile(p));
            assertThat(Files.readString(example.dir().resolve(ValuesEmitter.releaseFile(p))))
                    .contains("kubernetes.io/hostname: " + p.node().name());
            release.path("needs").forEach(n -> assertThat(names).contains(n.asText()));
        }

        try (Stream<Path> s = Files.walk(example.dir().resolve("values"))) {
            for (Path values : s.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                ExternalTool.Run one =
                        ExternalTool.run(out, "helm", "template", "x", chart.toString(), "-f", values.toString());
                JsonNode expected = new ObjectMapper(new YAMLFactory()).readTree(values.toFile());
                var product = GpuGuard.products(example.plan())
                        .get(expected.at("/gpu/product").asText());
                if (expected.at("/gpu/enabled").asBoolean()
                        && product != null
                        && product.free().isEmpty()) {
                    // the example's fleet uses every GPU it has: a single release would share one
                    // (HelmfileGpuGuardTest)
                    assertThat(one.exitCode()).as(values + "\n" + one.output()).isNotZero();
                    assertThat(one.output()).contains("second Deployment for the same GPU");
                    continue;
                }
                assertThat(one.exitCode()).as(values + "\n" + one.output()).isZero();
                JsonNode single = documents(one.output()).get(0);
                assertThat(single.path("releases")).hasSize(1);
                assertThat(single.at("/releases/0/name").asText())
                        .isEqualTo(expected.path("fullnameOverride").asText());
                assertThat(single.at("/releases/0/values/0"))
                        .as("the state values reach the release")
                        .isEqualTo(expected);
            }
        }
    }

    static List<JsonNode> documents(String yaml) throws Exception {
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
        List<JsonNode> docs = new ArrayList<>();
        try (YAMLParser parser = new YAMLFactory().createParser(yaml)) {
            var it = mapper.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode n = it.next();
                if (n != null && !n.isNull() && !n.isEmpty()) {
                    docs.add(n);
                }
            }
        }
        return docs;
    }
}
