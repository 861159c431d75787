package eu.prositronic.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import eu.prositronic.TestSupport;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rendered manifests checked three ways, each catching what the others let through:
 *
 * <ol>
 *   <li>{@link #openApi}: types, required fields, enums and formats from the Kubernetes OpenAPI schemas, as compiled into
 *       the npm package {@code kubernetes-models} (tools/k8s-validate): {@code memory: lots}, {@code containerPort:
 *       "abc"}, {@code imagePullPolicy: Sometimes};
 *   <li>{@link #unknownFields}: unknown and missing required fields, with client-java's generated models (which check
 *       no formats); custom resources by the fields the chart uses;
 *   <li>{@link #crossField}: what no schema can say: selectors that select the pod, mounts of declared volumes, probe
 *       and Service ports that the container names, requests not above limits.
 * </ol>
 */
public final class ManifestValidator {
    private static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));
    private static final ObjectMapper JSON = new ObjectMapper();

    private ManifestValidator() {}

    /** Every problem of the documents, each line naming the kind and name; empty when they are valid. */
    public static List<String> validate(List<JsonNode> docs, Path workDir) throws Exception {
        List<String> problems = new ArrayList<>(openApi(docs, workDir));
        for (JsonNode doc : docs) {
            problems.addAll(unknownFields(doc));
        }
        problems.addAll(crossField(docs));
        return problems;
    }

    // ---- 1. kubernetes-models ---------------------------------------------------------------------------------------

    /** Runs tools/k8s-validate/validate.mjs (node) over the documents. */
    public static List<String> openApi(List<JsonNode> docs, Path workDir) throws Exception {
        Path script = TestSupport.repoRoot().resolve("tools/k8s-validate/validate.mjs");
        if (!Files.isDirectory(TestSupport.repoRoot().resolve("tools/k8s-validate/node_modules/kubernetes-models"))) {
            throw new AssertionError("tools/k8s-validate has no node_modules: run scripts/install-test-tools.sh");
        }
        StringBuilder yaml = new StringBuilder();
        for (JsonNode d : docs) {
            yaml.append("---\n").append(YAML.writeValueAsString(d));
        }
        Path file = Files.createTempFile(workDir, "manifests", ".yaml");
        Files.writeString(file, yaml);
        ExternalTool.Run r = ExternalTool.run(workDir, "node", script.toString(), file.toString());
        List<String> problems = new ArrayList<>();
        for (String line : r.output().split("\n")) {
            if (!line.startsWith("{")) {
                continue;
            }
            JsonNode result = JSON.readTree(line);
            for (JsonNode e : result.path("errors")) {
                problems.add(
                        result.path("kind").asText() + " " + result.path("name").asText() + ": " + e.asText());
            }
        }
        if (r.exitCode() != 0 && problems.isEmpty()) {
            problems.add("validate.mjs failed: " + r.output());
        }
        return problems;
    }

    // ---- 2. client-java --------------------------------------------------------------------------------------------

    interface ThrowingValidator {
        void validate(JsonElement json) throws Exception;
    }

    private static final Map<String, ThrowingValidator> CLIENT_JAVA = Map.of(
            "Deployment", V1Deployment::validateJsonElement,
            "Service", V1Service::validateJsonElement,
            "PersistentVolumeClaim", V1PersistentVolumeClaim::validateJsonElement,
            "ServiceAccount", V1ServiceAccount::validateJsonElement,
            "Pod", V1Pod::validateJsonElement,
            "Secret", V1Secret::validateJsonElement,
            "NetworkPolicy", V1NetworkPolicy::validateJsonElement,
            "Ingress", V1Ingress::validateJsonElement,
            "PodDisruptionBudget", V1PodDisruptionBudget::validateJsonElement,
            "ConfigMap", io.kubernetes.client.openapi.models.V1ConfigMap::validateJsonElement);

    /** Unknown or missing required fields of one document. */
    public static List<String> unknownFields(JsonNode doc) throws Exception {
        String kind = doc.path("kind").asText();
        String where = kind + " " + doc.at("/metadata/name").asText();
        JsonElement json = JsonParser.parseString(JSON.writeValueAsString(doc));
        try {
            ThrowingValidator v = CLIENT_JAVA.get(kind);
            if (v != null) {
                v.validate(json);
            } else if (kind.equals("ServiceMonitor")) {
                return customResource(json, where, Set.of("selector", "endpoints", "namespaceSelector", "jobLabel"));
            } else if (kind.equals("PrometheusRule")) {
                return customResource(json, where, Set.of("groups"));
            } else if (kind.equals("HTTPRoute")) {
                return customResource(json, where, Set.of("parentRefs", "hostnames", "rules"));
            } else {
                return List.of(where + ": no validator for kind " + kind);
            }
        } catch (Exception e) {
            return List.of(where + ": " + e.getMessage());
        }
        return List.of();
    }

    /** A custom resource: metadata by the core type, the spec's top-level keys by the fields the chart writes. */
    private static List<String> customResource(JsonElement json, String where, Set<String> specKeys) throws Exception {
        var o = json.getAsJsonObject();
        V1ObjectMeta.validateJsonElement(o.get("metadata"));
        List<String> problems = new ArrayList<>();
        for (String key : o.getAsJsonObject("spec").keySet()) {
            if (!specKeys.contains(key)) {
                problems.add(where + ": unknown field spec." + key);
            }
        }
        if (o.getAsJsonObject("spec").has("selector")) {
            V1LabelSelector.validateJsonElement(o.getAsJsonObject("spec").get("selector"));
        }
        return problems;
    }

    // ---- 3. cross-field rules --------------------------------------------------------------------------------------

    /** The rules between fields and between objects. */
    public static List<String> crossField(List<JsonNode> docs) {
        List<String> problems = new ArrayList<>();
        List<JsonNode> podLabels = new ArrayList<>();
        List<JsonNode> services = new ArrayList<>();
        for (JsonNode d : docs) {
            String where =
                    d.path("kind").asText() + " " + d.at("/metadata/name").asText();
            switch (d.path("kind").asText()) {
                case "Deployment" -> {
                    JsonNode labels = d.at("/spec/template/metadata/labels");
                    podLabels.add(labels);
                    if (!selects(d.at("/spec/selector"), labels)) {
                        problems.add(where + ": spec.selector " + d.at("/spec/selector")
                                + " does not match the pod template's labels " + labels);
                    }
                    podSpec(where, d.at("/spec/template/spec"), problems);
                }
                case "Pod" -> podSpec(where, d.path("spec"), problems);
                case "Service" -> services.add(d);
                default -> {}
            }
        }
        for (JsonNode d : docs) {
            String where =
                    d.path("kind").asText() + " " + d.at("/metadata/name").asText();
            switch (d.path("kind").asText()) {
                case "Service" -> {
                    JsonNode selector = d.at("/spec/selector");
                    if (podLabels.stream().noneMatch(l -> matchLabels(selector, l))) {
                        problems.add(where + ": spec.selector " + selector + " selects no pod of the release");
                    }
                    for (JsonNode port : d.at("/spec/ports")) {
                        JsonNode target = port.path("targetPort");
                        if (target.isTextual() && !namedPorts(docs).contains(target.asText())) {
                            problems.add(where + ": targetPort " + target.asText() + " is no container port's name");
                        }
                    }
                }
                case "PodDisruptionBudget" -> {
                    if (podLabels.stream().noneMatch(l -> selects(d.at("/spec/selector"), l))) {
                        problems.add(where + ": spec.selector selects no pod of the release");
                    }
                }
                case "NetworkPolicy" -> {
                    if (podLabels.stream().noneMatch(l -> selects(d.at("/spec/podSelector"), l))) {
                        problems.add(where + ": spec.podSelector selects no pod of the release");
                    }
                }
                case "ServiceMonitor" -> {
                    if (services.stream().noneMatch(s -> selects(d.at("/spec/selector"), s.at("/metadata/labels")))) {
                        problems.add(where + ": spec.selector selects no Service of the release");
                    }
                    for (JsonNode e : d.at("/spec/endpoints")) {
                        boolean named = services.stream()
                                .anyMatch(s -> hasPortName(
                                        s.at("/spec/ports"), e.path("port").asText()));
                        if (!named) {
                            problems.add(where + ": endpoint port "
                                    + e.path("port").asText() + " is no Service port's name");
                        }
                    }
                }
                default -> {}
            }
        }
        return problems;
    }

    private static void podSpec(String where, JsonNode spec, List<String> problems) {
        Set<String> volumes = new HashSet<>();
        for (JsonNode v : spec.path("volumes")) {
            if (!volumes.add(v.path("name").asText())) {
                problems.add(where + ": volume " + v.path("name").asText() + " is declared twice");
            }
        }
        List<JsonNode> containers = new ArrayList<>();
        spec.path("initContainers").forEach(containers::add);
        spec.path("containers").forEach(containers::add);
        Set<String> names = new HashSet<>();
        for (JsonNode c : containers) {
            String cw = where + " container " + c.path("name").asText();
            if (!names.add(c.path("name").asText())) {
                problems.add(cw + ": the name is used twice");
            }
            for (JsonNode m : c.path("volumeMounts")) {
                if (!volumes.contains(m.path("name").asText())) {
                    problems.add(
                            cw + ": mounts volume " + m.path("name").asText() + ", which the pod does not declare");
                }
            }
            Set<String> ports = new HashSet<>();
            for (JsonNode p : c.path("ports")) {
                ports.add(p.path("name").asText());
            }
            for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
                JsonNode port = c.at("/" + probe + "/httpGet/port");
                if (port.isTextual() && !ports.contains(port.asText())) {
                    problems.add(
                            cw + ": " + probe + " uses port " + port.asText() + ", which the container does not name");
                }
            }
            JsonNode requests = c.at("/resources/requests");
            JsonNode limits = c.at("/resources/limits");
            for (Iterator<String> it = requests.fieldNames(); it.hasNext(); ) {
                String resource = it.next();
                if (!limits.has(resource)) {
                    continue;
                }
                BigDecimal request = quantity(requests.get(resource).asText());
                BigDecimal limit = quantity(limits.get(resource).asText());
                if (request != null && limit != null && request.compareTo(limit) > 0) {
                    problems.add(cw + ": requests." + resource + " "
                            + requests.get(resource).asText() + " is above limits." + resource + " "
                            + limits.get(resource).asText());
                }
            }
        }
    }

    private static Set<String> namedPorts(List<JsonNode> docs) {
        Set<String> names = new HashSet<>();
        for (JsonNode d : docs) {
            if (d.path("kind").asText().equals("Deployment")) {
                for (JsonNode c : d.at("/spec/template/spec/containers")) {
                    c.path("ports").forEach(p -> names.add(p.path("name").asText()));
                }
            }
        }
        return names;
    }

    private static boolean hasPortName(JsonNode ports, String name) {
        for (JsonNode p : ports) {
            if (p.path("name").asText().equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchLabels(JsonNode matchLabels, JsonNode labels) {
        if (!matchLabels.isObject() || matchLabels.isEmpty()) {
            return false;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = matchLabels.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!labels.path(e.getKey()).isTextual()
                    || !labels.path(e.getKey()).asText().equals(e.getValue().asText())) {
                return false;
            }
        }
        return true;
    }

    /** A LabelSelector (matchLabels and matchExpressions) against labels; an empty selector selects everything. */
    static boolean selects(JsonNode selector, JsonNode labels) {
        JsonNode ml = selector.path("matchLabels");
        if (ml.isObject() && !ml.isEmpty() && !matchLabels(ml, labels)) {
            return false;
        }
        for (JsonNode e : selector.path("matchExpressions")) {
            String key = e.path("key").asText();
            Set<String> values = new HashSet<>();
            e.path("values").forEach(v -> values.add(v.asText()));
            boolean has = labels.has(key);
            boolean ok =
                    switch (e.path("operator").asText()) {
                        case "In" -> has && values.contains(labels.get(key).asText());
                        case "NotIn" -> !has || !values.contains(labels.get(key).asText());
                        case "Exists" -> has;
                        case "DoesNotExist" -> !has;
                        default -> false;
                    };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static final Pattern QUANTITY =
            Pattern.compile("^([+-]?[0-9]*\\.?[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$");

    /** A Kubernetes quantity as a number ({@code 1Gi}, {@code 500m}, {@code 2}); null when it is none. */
    static BigDecimal quantity(String text) {
        Matcher m = QUANTITY.matcher(text);
        if (!m.matches()) {
            return null;
        }
        BigDecimal n = new BigDecimal(m.group(1));
        String suffix = m.group(2) == null ? "" : m.group(2);
        if (suffix.startsWith("e") || suffix.startsWith("E")) {
            return n.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1)));
        }
        return switch (suffix) {
            case "" -> n;
            case "m" -> n.scaleByPowerOfTen(-3);
            case "k" -> n.scaleByPowerOfTen(3);
            case "M" -> n.scaleByPowerOfTen(6);
            case "G" -> n.scaleByPowerOfTen(9);
            case "T" -> n.scaleByPowerOfTen(12);
            case "P" -> n.scaleByPowerOfTen(15);
            case "E" -> n.scaleByPowerOfTen(18);
            default -> n.multiply(BigDecimal.valueOf(2).pow(10 * ("KMGTPE".indexOf(suffix.charAt(0)) + 1)));
        };
    }

    /** A deep copy to mutate in a test. */
    public static ObjectNode copy(JsonNode doc) {
        return (ObjectNode) doc.deepCopy();
    }
}
