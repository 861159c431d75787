package eu.prositronic.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import eu.prositronic.TestSupport;
import eu.prositronic.core.catalog.Backend;
import eu.prositronic.core.catalog.Hardware;
import eu.prositronic.core.inventory.CacheType;
import eu.prositronic.core.inventory.ContainerRuntime;
import eu.prositronic.core.inventory.Deployment;
import eu.prositronic.core.inventory.FlashAttn;
import eu.prositronic.core.inventory.Inventory;
import eu.prositronic.core.problem.InvalidInputException;
import eu.prositronic.core.problem.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The facts that the Java code, the chart, the collection and the docs each spell: keys, defaults and enum spellings.
 * Every test reads both sides and fails on any drift, in either direction. Tool-free (fast tier).
 */
class ContractsTest {
    static final Path ROOT = TestSupport.repoRoot();
    static final ObjectMapper JSON = new ObjectMapper();

    /** Keys the schema may allow without a default in values.yaml: Helm passes {@code global} to every chart. */
    static final Set<String> SCHEMA_ONLY = Set.of("global");

    // ------------------------------------------------------------------ (a) values.yaml ⇔ values.schema.json

    @Test
    void everyValuesKeyIsASchemaPropertyAndEverySchemaPropertyHasADefault() throws IOException {
        Map<String, Object> values = yamlMap(read("charts/llama-server/values.yaml"));
        JsonNode schema = schema();
        List<String> drift = new ArrayList<>();
        compare("", values, schema, drift);
        assertThat(drift).as("values.yaml and values.schema.json disagree").isEmpty();
    }

    /**
     * Walks values.yaml and the schema together. A schema object with {@code properties} is a closed map: its keys and
     * the values' keys must be equal. A schema object without {@code properties} is free-form (resources,
     * nodeSelector, securityContext, …): the walk stops there.
     */
    static void compare(String path, Map<String, Object> values, JsonNode schema, List<String> drift) {
        JsonNode props = schema.get("properties");
        if (props == null) {
            return;
        }
        Set<String> schemaKeys = new TreeSet<>();
        props.fieldNames().forEachRemaining(schemaKeys::add);
        for (String key : values.keySet()) {
            if (!schemaKeys.contains(key)) {
                drift.add("values.yaml has `" + path + key + "`, the schema does not");
            }
        }
        for (String key : schemaKeys) {
            if (!values.containsKey(key) && !(path.isEmpty() && SCHEMA_ONLY.contains(key))) {
                drift.add("the schema has `" + path + key + "`, values.yaml does not");
            }
        }
        JsonNode required = schema.get("required");
        if (required != null) {
            for (JsonNode r : required) {
                if (!schemaKeys.contains(r.asText())) {
                    drift.add("the schema requires `" + path + r.asText() + "` but does not describe it");
                }
            }
        }
        for (Map.Entry<String, Object> e : values.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> m && props.has(e.getKey())) {
                compare(path + e.getKey() + ".", cast(m), props.get(e.getKey()), drift);
            }
        }
    }

    @Test
    void theWalkSeesARemovedKeyOnEitherSide() throws IOException {
        Map<String, Object> values = yamlMap(read("charts/llama-server/values.yaml"));
        cast(values.get("server")).remove("cacheRamMiB");
        List<String> drift = new ArrayList<>();
        compare("", values, schema(), drift);
        assertThat(drift).containsExactly("the schema has `server.cacheRamMiB`, values.yaml does not");

        values = yamlMap(read("charts/llama-server/values.yaml"));
        JsonNode schema = schema();
        ((com.fasterxml.jackson.databind.node.ObjectNode) schema.at("/properties/persistence/properties"))
                .remove("emptyDirSizeLimit");
        drift.clear();
        compare("", values, schema, drift);
        assertThat(drift).contains("values.yaml has `persistence.emptyDirSizeLimit`, the schema does not");
    }

    // ------------------------------------------------------------------ (b) enum spellings and defaults

    @Test
    void theSchemaEnumsAreTheJavaSpellings() throws IOException {
        JsonNode server = schema().at("/properties/server");
        assertThat(strings(server.at("/properties/flashAttn/enum"))).isEqualTo(FlashAttn.flags());
        assertThat(strings(server.at("/properties/cacheTypeK/enum"))).isEqualTo(CacheType.flags());
        assertThat(strings(server.at("/properties/cacheTypeV/enum"))).isEqualTo(CacheType.flags());

        // the rule "a quantized V cache needs flash attention" names the quantized types and the allowed modes
        JsonNode rule = ruleAbout(server, "quantized V cache");
        assertThat(strings(rule.at("/if/properties/cacheTypeV/enum")))
                .isEqualTo(Arrays.stream(CacheType.values())
                        .filter(CacheType::quantized)
                        .map(CacheType::flag)
                        .toList());
        assertThat(strings(rule.at("/then/properties/flashAttn/enum")))
                .isEqualTo(Arrays.stream(FlashAttn.values())
                        .filter(f -> f != FlashAttn.OFF)
                        .map(FlashAttn::flag)
                        .toList());

        assertThat(strings(schema().at("/properties/gpu/properties/vendor/enum")))
                .isEqualTo(Arrays.stream(Hardware.Vendor.values())
                        .filter(v -> v != Hardware.Vendor.CPU)
                        .map(v -> v.name().toLowerCase(Locale.ROOT))
                        .toList());
    }

    @Test
    void theJavaKeyListsAreTheEnumConstants() {
        assertThat(FlashAttn.flags())
                .isEqualTo(
                        Arrays.stream(FlashAttn.values()).map(FlashAttn::flag).toList());
        assertThat(CacheType.flags())
                .isEqualTo(
                        Arrays.stream(CacheType.values()).map(CacheType::flag).toList());
        assertThat(ContainerRuntime.keys())
                .isEqualTo(Arrays.stream(ContainerRuntime.values())
                        .map(ContainerRuntime::key)
                        .toList());
        assertThat(Backend.keys())
                .isEqualTo(Arrays.stream(Backend.values()).map(Backend::key).toList());
    }

    @Test
    void theBackendsAndRuntimesAreSpelledAlikeEverywhere() throws IOException {
        JsonNode plan = JSON.readTree(read("core/src/main/resources/prositronic/schema/plan.schema.json"));
        assertThat(strings(find(plan, "backend").get("enum"))).isEqualTo(Backend.keys());
        assertThat(strings(find(plan, "containerRuntime").get("enum"))).isEqualTo(ContainerRuntime.keys());
        assertThat(strings(find(plan, "cacheTypeK").get("enum"))).isEqualTo(CacheType.flags());
        assertThat(strings(find(plan, "cacheTypeV").get("enum"))).isEqualTo(CacheType.flags());
        assertThat(FlashAttn.flags())
                .containsAll(strings(find(plan, "flashAttn").get("enum")));

        Map<String, Object> images = yamlMap(read("catalog/src/main/resources/prositronic/catalog/images.yaml"));
        assertThat(List.copyOf(cast(images.get("backends")).keySet())).isEqualTo(Backend.keys());
        JsonNode imagesSchema =
                JSON.readTree(read("catalog/src/main/resources/prositronic/catalog/schema/images.schema.json"));
        assertThat(strings(imagesSchema.at("/properties/backends/required"))).isEqualTo(Backend.keys());

        Map<String, Object> llamaSpec = argumentSpec("llama_server");
        assertThat(list(at(llamaSpec, "llama_server_instances", "options", "backend", "choices")))
                .isEqualTo(Backend.keys());
        Map<String, Object> nvidiaSpec = argumentSpec("nvidia_container_toolkit");
        assertThat(list(at(nvidiaSpec, "nvidia_container_toolkit_runtime", "choices")))
                .as("the role configures every runtime the inventory accepts")
                .containsAll(ContainerRuntime.keys());

        Matcher m = Pattern.compile("prositronic_container_runtime in \\[([^]]*)]")
                .matcher(read("playbooks/playbooks/validate_inventory.yml"));
        assertThat(m.find()).as("validate_inventory checks the runtime").isTrue();
        assertThat(Arrays.stream(m.group(1).split(","))
                        .map(s -> s.trim().replace("'", ""))
                        .toList())
                .isEqualTo(ContainerRuntime.keys());
    }

    @Test
    void theChartDefaultsAreTheInventoryDefaults() throws Exception {
        Deployment d = minimalDeployment();
        Map<String, Object> server = cast(
                (Map<?, ?>) yamlMap(read("charts/llama-server/values.yaml")).get("server"));
        assertThat(server.get("port")).as("server.port").isEqualTo(d.port());
        assertThat(server.get("batchSize")).as("server.batchSize").isEqualTo(d.batchSize());
        assertThat(server.get("ubatchSize")).as("server.ubatchSize").isEqualTo(d.ubatchSize());
        assertThat(server.get("parallel")).as("server.parallel").isEqualTo(d.parallel());
        assertThat(server.get("cacheTypeK"))
                .as("server.cacheTypeK")
                .isEqualTo(d.cacheTypeK().flag());
        assertThat(server.get("cacheTypeV"))
                .as("server.cacheTypeV")
                .isEqualTo(d.cacheTypeV().flag());
        assertThat(server.get("metrics")).as("server.metrics").isEqualTo(d.metrics());
        Map<String, Object> service = cast(
                (Map<?, ?>) yamlMap(read("charts/llama-server/values.yaml")).get("service"));
        assertThat(service.get("port")).as("service.port").isEqualTo(d.port());
    }

    /** The loader's defaults, as a user sees them: a deployment that sets none of the optional keys. */
    static Deployment minimalDeployment() throws Exception {
        Inventory inv = TestSupport.inventory(String.join(
                "\n",
                "cluster: {name: homelab, namespace: llm}",
                "nodes:",
                "  - {name: cpu-01, address: 10.0.0.1, ram: 64GiB, cpu: {cores: 8}}",
                "deployments:",
                "  - {name: chat, model: qwen3-5-0-8b, quant: Q4_0, node: cpu-01}",
                ""));
        return inv.deployments().get(0);
    }

    // ------------------------------------------------------------------ (c) the docs list every key

    @Test
    void contractsSectionOneListsEveryValuesKey() throws IOException {
        String contracts = read("docs/contracts.md");
        int section = contracts.indexOf("\n## 1.");
        assertThat(section).as("docs/contracts.md has a section 1").isPositive();
        Map<String, Object> documented = yamlMap(firstYamlBlock(contracts.substring(section)));
        Map<String, Object> values = yamlMap(read("charts/llama-server/values.yaml"));
        JsonNode schema = schema();
        Set<String> inDocs = keyPaths("", documented, schema, new TreeSet<>());
        Set<String> inValues = keyPaths("", values, schema, new TreeSet<>());
        Set<String> missing = new TreeSet<>(inValues);
        missing.removeAll(inDocs);
        Set<String> stale = new TreeSet<>(inDocs);
        stale.removeAll(inValues);
        assertThat(missing)
                .as("keys of charts/llama-server/values.yaml missing from docs/contracts.md section 1")
                .isEmpty();
        assertThat(stale)
                .as("keys of docs/contracts.md section 1 that charts/llama-server/values.yaml does not have")
                .isEmpty();
    }

    /** Every key path down to the free-form maps of the schema. */
    static Set<String> keyPaths(String path, Map<String, Object> map, JsonNode schema, Set<String> into) {
        JsonNode props = schema == null ? null : schema.get("properties");
        for (Map.Entry<String, Object> e : map.entrySet()) {
            into.add(path + e.getKey());
            if (e.getValue() instanceof Map<?, ?> m
                    && props != null
                    && props.has(e.getKey())
                    && props.get(e.getKey()).has("properties")) {
                keyPaths(path + e.getKey() + ".", cast(m), props.get(e.getKey()), into);
            }
        }
        return into;
    }

    @Test
    void theReadmeInventoryReferenceListsEveryKeyTheLoaderAccepts() throws Exception {
        String block = readmeInventoryBlock();
        // every documented key is accepted: the block itself is a valid inventory
        TestSupport.inventory(block);
        // every accepted key is documented: an unknown key makes the loader list the keys it accepts at that level
        Map<String, Object> doc = yamlMap(block);
        Map<String, List<String>> levels = new LinkedHashMap<>();
        levels.put("", List.of());
        levels.put("cluster", List.of("cluster"));
        levels.put("nodes[0]", List.of("nodes", "0"));
        levels.put("nodes[0].cpu", List.of("nodes", "0", "cpu"));
        levels.put("nodes[0].gpus[0]", List.of("nodes", "0", "gpus", "0"));
        levels.put("deployments[0]", List.of("deployments", "0"));
        for (Map.Entry<String, List<String>> level : levels.entrySet()) {
            Map<String, Object> documentedLevel = cast(walk(doc, level.getValue()));
            assertThat(acceptedKeys(doc, level.getValue()))
                    .as("keys the loader accepts at `" + level.getKey() + "` vs README.md's inventory reference")
                    .isEqualTo(new TreeSet<>(documentedLevel.keySet()));
        }
    }

    @Test
    void theReadmeInventoryReferenceSpellsTheEnumsAsTheLoader() throws IOException {
        String block = readmeInventoryBlock();
        assertThat(commentChoices(block, "containerRuntime")).isEqualTo(ContainerRuntime.keys());
        assertThat(commentChoices(block, "cacheTypeK")).isEqualTo(CacheType.flags());
        assertThat(commentChoices(block, "flashAttn")).isEqualTo(FlashAttn.flags());
    }

    static final String PROBE = "zzzzzzzzzzzzzzzzzzzzzzzz";

    /** Adds an unknown key at the level and reads the loader's "valid values: …" for it. */
    static Set<String> acceptedKeys(Map<String, Object> doc, List<String> level) throws IOException {
        Map<String, Object> copy = yamlMap(new Yaml().dump(doc));
        cast(walk(copy, level)).put(PROBE, 1);
        try {
            TestSupport.inventory(new Yaml().dump(copy));
        } catch (InvalidInputException e) {
            for (Problem p : e.problems()) {
                if (p.message().contains(PROBE)) {
                    String fix = p.fix();
                    assertThat(fix).as("the loader lists the keys it accepts").startsWith("valid values: ");
                    return new TreeSet<>(Arrays.asList(
                            fix.substring("valid values: ".length()).split(", ")));
                }
            }
            fail("no problem about the unknown key at " + level + ": " + e.getMessage());
        } catch (Exception e) {
            fail("loading failed: " + e.getMessage());
        }
        fail("the loader accepted an unknown key at " + level);
        return Set.of();
    }

    static String readmeInventoryBlock() throws IOException {
        String readme = read("README.md");
        int at = readme.indexOf("## Input reference: `inventory.yaml`");
        assertThat(at).as("README.md has the inventory reference").isPositive();
        return firstYamlBlock(readme.substring(at));
    }

    static List<String> commentChoices(String block, String key) {
        Matcher m = Pattern.compile("(?m)^\\s*" + key + ":[^#\\n]*#\\s*([a-z0-9_]+(?:\\|[a-z0-9_]+)+)")
                .matcher(block);
        assertThat(m.find()).as("a comment listing the values of " + key).isTrue();
        return List.of(m.group(1).split("\\|"));
    }

    // ------------------------------------------------------------------ helpers

    static String read(String relative) throws IOException {
        return Files.readString(ROOT.resolve(relative));
    }

    static JsonNode schema() throws IOException {
        return JSON.readTree(read("charts/llama-server/values.schema.json"));
    }

    static String firstYamlBlock(String markdown) {
        Matcher m = Pattern.compile("(?s)```yaml\\n(.*?)\\n```").matcher(markdown);
        assertThat(m.find()).as("a ```yaml block").isTrue();
        return m.group(1);
    }

    static Map<String, Object> yamlMap(String yaml) {
        Object o = new Yaml().load(yaml);
        assertThat(o).isInstanceOf(Map.class);
        return cast(o);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> cast(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<String> list(Object o) {
        return (List<String>) o;
    }

    static Object walk(Object node, List<String> path) {
        Object cur = node;
        for (String step : path) {
            cur = cur instanceof List<?> l ? l.get(Integer.parseInt(step)) : ((Map<?, ?>) cur).get(step);
        }
        return cur;
    }

    static Map<String, Object> argumentSpec(String role) throws IOException {
        Map<String, Object> spec = yamlMap(read("playbooks/roles/" + role + "/meta/argument_specs.yml"));
        return cast(walk(spec, List.of("argument_specs", "main", "options")));
    }

    static Object at(Map<String, Object> map, String... path) {
        return walk(map, List.of(path));
    }

    static List<String> strings(JsonNode array) {
        assertThat(array.isArray()).as("an array: " + array).isTrue();
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** The first property of this name anywhere in a JSON Schema. */
    static JsonNode find(JsonNode node, String property) {
        if (node.isObject()) {
            JsonNode props = node.get("properties");
            if (props != null && props.has(property)) {
                return props.get(property);
            }
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                JsonNode found = find(it.next(), property);
                if (found != null) {
                    return found;
                }
            }
        } else if (node.isArray()) {
            for (JsonNode n : node) {
                JsonNode found = find(n, property);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    static JsonNode ruleAbout(JsonNode schema, String description) {
        for (JsonNode rule : schema.get("allOf")) {
            if (rule.path("description").asText().contains(description)) {
                return rule;
            }
        }
        fail("no allOf rule about " + description);
        return null;
    }
}
