package eu.prositronic.core.emit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import eu.prositronic.TestSupport;
import eu.prositronic.core.Compiler;
import eu.prositronic.core.fit.Planner;
import eu.prositronic.core.inventory.Inventory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code gpuSharing:} reaches the NVIDIA device plugin's release: its chart's {@code config.map} holds the time-slicing
 * configuration, the default when every NVIDIA node shares alike, else selected per node by the label
 * {@code nvidia.com/device-plugin.config} that a presync hook sets; without the key the release is as before.
 */
class HelmfileGpuSharingTest {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static String inventory(String g1, String g2) {
        return """
                cluster: {name: lab, namespace: llm}
                nodes:
                  - {name: g1, address: 10.0.0.1, ram: 64GiB, cpu: {cores: 16}, gpus: [{model: nvidia-rtx3090}]%s}
                  - {name: g2, address: 10.0.0.2, ram: 64GiB, cpu: {cores: 16}, gpus: [{model: nvidia-rtx3090, count: 2}], gpuDriver: "580.82.07"%s}
                deployments:
                  - {name: a, model: qwen3-5-0-8b, quant: Q4_0, node: g1, context: 4096}
                  - {name: b, model: qwen3-5-0-8b, quant: Q4_0, node: g1, context: 4096, port: 8081}
                  - {name: c, model: qwen3-5-0-8b, quant: Q4_0, node: g2, context: 4096}
                """.formatted(g1, g2);
    }

    /** The fleet branch of helmfile.yaml.gotmpl (plain YAML between the template's switch lines). */
    static JsonNode fleet(String yaml) throws Exception {
        Inventory inv = TestSupport.inventory(yaml);
        var plan = Planner.plan(inv, TestSupport.catalog());
        String helmfile = Compiler.emit(new EmitContext(plan, TestSupport.catalog(), inv.file(), "test"), s -> {})
                .text("helmfile.yaml.gotmpl");
        String body = helmfile.substring(
                helmfile.indexOf("{{- else }}\n") + "{{- else }}\n".length(), helmfile.lastIndexOf("{{- end }}"));
        return YAML.readTree(body);
    }

    static JsonNode devicePlugin(JsonNode fleet) {
        for (JsonNode r : fleet.path("releases")) {
            if (r.path("name").asText().equals(HelmfileEmitter.DEVICE_PLUGIN)) {
                return r;
            }
        }
        throw new AssertionError("no device plugin release in " + fleet);
    }

    @Test
    void withoutTheKeyTheDevicePluginHasNoConfigurationAndNoHook() throws Exception {
        JsonNode dp = devicePlugin(fleet(inventory("", "")));
        assertThat(dp.at("/values/0").has("config")).isFalse();
        assertThat(dp.has("hooks")).isFalse();
    }

    @Test
    void whenEveryNvidiaNodeSharesAlikeTheTimeSlicingConfigurationIsTheDefaultAndNoNodeIsLabelled() throws Exception {
        String sharing = ", gpuSharing: {strategy: timeSlicing, replicas: 2}";
        JsonNode dp = devicePlugin(fleet(inventory(sharing, sharing)));
        JsonNode config = dp.at("/values/0/config");
        assertThat(config.path("default").asText()).isEqualTo("time-slicing-2");
        assertThat(fieldNames(config.path("map"))).containsExactly("exclusive", "time-slicing-2");
        JsonNode file = YAML.readTree(config.at("/map/time-slicing-2").asText());
        assertThat(file.path("version").asText()).isEqualTo("v1");
        JsonNode ts = file.at("/sharing/timeSlicing");
        assertThat(ts.path("renameByDefault").asBoolean(true))
                .as("the resource stays nvidia.com/gpu, and GFD labels the product -SHARED")
                .isFalse();
        assertThat(ts.path("failRequestsGreaterThanOne").asBoolean(true))
                .as("a pod of the 2-GPU node asks for two replicas")
                .isFalse();
        assertThat(ts.at("/resources/0/name").asText()).isEqualTo("nvidia.com/gpu");
        assertThat(ts.at("/resources/0/replicas").asInt()).isEqualTo(2);
        assertThat(YAML.readTree(config.at("/map/exclusive").asText()).has("sharing"))
                .isFalse();
        assertThat(dp.has("hooks")).isFalse();
        assertThat(dp.at("/values/0").has("podAnnotations")).isFalse();
        assertThat(dp.at("/values/0/gfd/enabled").asBoolean())
                .as("GPU feature discovery reads the same configuration")
                .isTrue();
    }

    @Test
    void whenNodesDifferEachNvidiaNodeIsLabelledWithItsConfigurationBeforeTheSync() throws Exception {
        JsonNode dp = devicePlugin(fleet(inventory(", gpuSharing: {replicas: 3}", "")));
        JsonNode config = dp.at("/values/0/config");
        assertThat(config.path("default").asText()).isEqualTo("exclusive");
        assertThat(fieldNames(config.path("map"))).containsExactly("exclusive", "time-slicing-3");
        List<String> hooks = new ArrayList<>();
        dp.path("hooks").forEach(h -> {
            assertThat(h.path("events").toString()).isEqualTo("[\"presync\"]");
            assertThat(h.path("command").asText()).isEqualTo("kubectl");
            List<String> args = new ArrayList<>();
            h.path("args").forEach(a -> args.add(a.asText()));
            hooks.add(String.join(" ", args));
        });
        assertThat(hooks)
                .containsExactly(
                        "label node g1 --overwrite nvidia.com/device-plugin.config=time-slicing-3",
                        "label node g2 --overwrite nvidia.com/device-plugin.config=exclusive");
        assertThat(dp.at("/values/0/podAnnotations")
                        .path(HelmfileEmitter.CONFIGS_ANNOTATION)
                        .asText())
                .as("a new assignment changes the release, so that helmfile apply syncs it and runs the hooks")
                .isEqualTo("g1=time-slicing-3,g2=exclusive");
    }

    static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
