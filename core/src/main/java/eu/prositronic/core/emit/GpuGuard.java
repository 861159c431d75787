package eu.prositronic.core.emit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import eu.prositronic.core.catalog.Hardware;
import eu.prositronic.core.fit.DeploymentPlan;
import eu.prositronic.core.fit.Plan;
import eu.prositronic.core.inventory.Node;
import eu.prositronic.core.inventory.Serving;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Fleet mode and single-release mode never make two Deployments for one GPU. The fleet's releases are pinned to their
 * nodes; a single release ({@code helmfile --state-values-file values/…yaml}) is not, and would land on any node whose
 * GPU carries its product label, a fleet node included (with time-slicing both pods then share the GPU and each
 * plans all of its memory). So the helmfile knows, per GPU product label, which Kubernetes nodes of the inventory the
 * fleet uses and which are free:
 * <ul>
 * <li>a single release of a product whose every node runs a fleet release is refused when the helmfile is rendered,
 *     with the nodes and releases in the message;</li>
 * <li>otherwise it is pinned to the free nodes (node affinity on {@code kubernetes.io/hostname}), labelled
 *     {@code prositronic.eu/release-mode: single}, and never scheduled beside another llama-server pod;</li>
 * <li>each fleet GPU release refuses to be scheduled beside a single release's pod (pod anti-affinity), which covers a
 *     single release installed from an older helmfile on a node the fleet later takes.</li>
 * </ul>
 */
public final class GpuGuard {
    private GpuGuard() {}

    /** The pod label of a single release, which the fleet's GPU pods keep away from. */
    public static final String MODE_LABEL = "prositronic.eu/release-mode";

    public static final String SINGLE = "single";

    static final String HOSTNAME = "kubernetes.io/hostname";

    private static final ObjectMapper JSON =
            new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    public record Expression(String key, String operator, List<String> values) {}

    public record LabelSelector(List<Expression> matchExpressions) {}

    public record PodAffinityTerm(LabelSelector labelSelector, String topologyKey) {}

    public record PodAntiAffinity(
            @JsonProperty("requiredDuringSchedulingIgnoredDuringExecution")
            List<PodAffinityTerm> required) {}

    public record NodeSelectorTerm(List<Expression> matchExpressions) {}

    public record NodeSelector(List<NodeSelectorTerm> nodeSelectorTerms) {}

    public record NodeAffinity(
            @JsonProperty("requiredDuringSchedulingIgnoredDuringExecution")
            NodeSelector required) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Affinity(NodeAffinity nodeAffinity, PodAntiAffinity podAntiAffinity) {}

    /** The values layer helmfile adds over a single release's values file. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SingleLayer(Map<String, String> podLabels, Affinity affinity) {}

    /** One GPU product of the inventory's Kubernetes nodes: the fleet's releases per node, the nodes left free. */
    public record Product(SortedMap<String, List<String>> fleet, List<String> free, SingleLayer layer) {}

    /** A fleet GPU pod keeps off a node where a single release's pod runs. */
    public static Affinity fleetAffinity(DeploymentPlan p) {
        if (!p.node().hasGpu()) {
            return null;
        }
        return new Affinity(null, avoid(new Expression(MODE_LABEL, "In", List.of(SINGLE))));
    }

    /** A single release keeps off every node where a llama-server pod of this chart runs. */
    static PodAntiAffinity avoidLlamaServers() {
        return avoid(new Expression("app.kubernetes.io/name", "In", List.of("llama-server")));
    }

    private static PodAntiAffinity avoid(Expression e) {
        return new PodAntiAffinity(List.of(new PodAffinityTerm(new LabelSelector(List.of(e)), HOSTNAME)));
    }

    /** The layer of a GPU values file whose product no node of the inventory has: only the pod rules. */
    static SingleLayer gpuDefaultLayer() {
        return new SingleLayer(Map.of(MODE_LABEL, SINGLE), new Affinity(null, avoidLlamaServers()));
    }

    /** The layer of a CPU values file: the label only (no GPU to share). */
    static SingleLayer cpuLayer() {
        return new SingleLayer(Map.of(MODE_LABEL, SINGLE), null);
    }

    /** Every GPU product label of the inventory's Kubernetes nodes, with the fleet's use of its nodes. */
    public static SortedMap<String, Product> products(Plan plan) {
        SortedMap<String, SortedMap<String, List<String>>> fleet = new TreeMap<>();
        SortedMap<String, List<String>> free = new TreeMap<>();
        Map<String, List<String>> releasesByNode = new HashMap<>();
        for (DeploymentPlan d : plan.deployments()) {
            releasesByNode
                    .computeIfAbsent(d.node().name(), k -> new ArrayList<>())
                    .add(d.name());
        }
        for (Plan.NodePlan np : plan.nodes()) {
            Node n = np.node();
            if (n.serving() != Serving.KUBERNETES || !n.hasGpu()) {
                continue;
            }
            String product = n.primaryGpu().flatMap(Hardware::productLabel).orElse("");
            if (product.isEmpty()) {
                continue;
            }
            List<String> releases = List.copyOf(releasesByNode.getOrDefault(n.name(), List.of()));
            fleet.computeIfAbsent(product, k -> new TreeMap<>());
            free.computeIfAbsent(product, k -> new ArrayList<>());
            if (releases.isEmpty()) {
                free.get(product).add(n.name());
            } else {
                fleet.get(product).put(n.name(), releases);
            }
        }
        SortedMap<String, Product> products = new TreeMap<>();
        for (String product : fleet.keySet()) {
            List<String> nodes = List.copyOf(free.get(product));
            SingleLayer layer = nodes.isEmpty()
                    ? null
                    : new SingleLayer(
                            Map.of(MODE_LABEL, SINGLE),
                            new Affinity(
                                    new NodeAffinity(new NodeSelector(List.of(
                                            new NodeSelectorTerm(List.of(new Expression(HOSTNAME, "In", nodes)))))),
                                    avoidLlamaServers()));
            products.put(product, new Product(fleet.get(product), nodes, layer));
        }
        return products;
    }

    /**
     * The template text of the single-release branch that picks the layer (or refuses), for {@code
     * helmfile.yaml.gotmpl}: the data is JSON in a raw string, read with {@code fromYaml} (Helm and helmfile both have
     * it).
     */
    static String singleReleaseGuard(Plan plan, String inventoryFile) {
        StringBuilder sb = new StringBuilder();
        sb.append("{{- /* Never two Deployments for one GPU: per GPU product label, the Kubernetes nodes the fleet's\n")
                .append(
                        "     releases use and those left free. A single release runs only on a free node, never beside\n")
                .append("     another llama-server pod; with no free node it is refused. */}}\n");
        sb.append("{{- $gpus := fromYaml `").append(json(products(plan))).append("` }}\n");
        sb.append("{{- $layer := fromYaml `").append(json(cpuLayer())).append("` }}\n");
        sb.append("{{- if .Values.gpu.enabled }}\n");
        sb.append("{{- $layer = fromYaml `").append(json(gpuDefaultLayer())).append("` }}\n");
        sb.append("{{- with get $gpus (.Values.gpu.product | default \"\") }}\n");
        sb.append("{{- if not .free }}\n");
        sb.append(
                "{{- $fleet := list }}{{ range $node, $releases := .fleet }}{{ $fleet = append $fleet (printf \"%s: %s\""
                        + " $node (join \", \" $releases)) }}{{ end }}\n");
        sb.append("{{- required (printf \"%s runs on %s GPUs, and every %s node of ")
                .append(inventoryFile)
                .append(" already serves a fleet release (%s): a single release there would be a second Deployment for"
                        + " the same GPU. Deploy it through ")
                .append(inventoryFile)
                .append(
                        " instead (a deployment on one of those nodes, then regenerate), or add a node with a free GPU.\""
                                + " $.Values.fullnameOverride $.Values.gpu.product $.Values.gpu.product (join \"; \" $fleet)) \"\" }}\n");
        sb.append("{{- end }}\n");
        sb.append("{{- $layer = .layer }}\n");
        sb.append("{{- end }}\n");
        sb.append("{{- end }}\n");
        return sb.toString();
    }

    static String json(Object value) {
        try {
            String s = JSON.writeValueAsString(value);
            if (s.contains("`")) {
                throw new IllegalStateException("a backquote in the helmfile's data: " + s);
            }
            return s;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
