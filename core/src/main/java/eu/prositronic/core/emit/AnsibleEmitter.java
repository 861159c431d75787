package eu.prositronic.core.emit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import eu.prositronic.core.catalog.Backend;
import eu.prositronic.core.catalog.DriverVersion;
import eu.prositronic.core.catalog.Hardware;
import eu.prositronic.core.catalog.Images;
import eu.prositronic.core.catalog.ModelSpec;
import eu.prositronic.core.fit.DeploymentPlan;
import eu.prositronic.core.fit.Plan;
import eu.prositronic.core.inventory.Node;
import eu.prositronic.core.inventory.Serving;
import eu.prositronic.core.yaml.Serializers;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the plan's nodes and deployments and the images' driver floors; writes {@code ansible/inventory.yml} and
 * {@code ansible/host_vars/<node>.yml} (docs/contracts.md §2).
 */
public final class AnsibleEmitter implements Emitter {
    static final String GPU_GROUP = "prositronic_gpu_nodes";
    static final String NVIDIA_GROUP = "prositronic_nvidia_nodes";
    static final String CPU_GROUP = "prositronic_cpu_nodes";

    record InventoryFile(All all) {}

    record All(ClusterVars vars, Map<String, Group> children) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ClusterVars(
            String prositronicClusterName, String prositronicNamespace, String prositronicContainerRuntime) {}

    record Group(Map<String, Object> hosts) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Connection(String ansibleHost) {}

    /** One node's variables, read by the roles (their meta/argument_specs.yml). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record HostVars(
            String prositronicNodeName,
            long prositronicNodeRamBytes,
            int prositronicNodeCpuCores,
            String prositronicServing,
            List<Gpu> prositronicGpus,
            @JsonInclude(JsonInclude.Include.NON_NULL) String nvidiaContainerToolkitDriverMinVersion,
            @JsonInclude(JsonInclude.Include.NON_NULL) String llamaServerPublishAddress,
            List<Instance> llamaServerInstances) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Gpu(String model, String vendor, int count, String product, String computeCapability, long memoryBytes) {}

    /**
     * @param gpuNeedBytes what the plan says each of the node's GPUs holds once the model is loaded (plan.json
     *     {@code atLoadBytes}, in the plan's GPU order = the backend's device order); the unit's preflight refuses to
     *     start when nvidia-smi reports less free memory than this plus {@code gpuReserveBytes}
     * @param gpuReserveBytes the margin the fit kept free on every GPU (plan.json {@code memory.reserveBytes})
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    record Instance(
            String name,
            String image,
            String backend,
            Model model,
            Mmproj mmproj,
            Mmproj draft,
            int port,
            List<String> args,
            List<Long> gpuNeedBytes,
            long gpuReserveBytes) {}

    /**
     * The vision projector the role downloads beside the model and passes as {@code --mmproj} (absent without vision);
     * size and sha256 are checked where the catalog has them.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Mmproj(
            String huggingFaceRepo, String revision, String file, long sizeBytes, String sha256, boolean sizeExact) {
        static Mmproj of(DeploymentPlan p) {
            if (!p.deployment().vision().enabled()) {
                return null;
            }
            ModelSpec.QuantFile f =
                    p.model().capabilities().vision().orElseThrow().file();
            return new Mmproj(
                    f.repo(),
                    f.revision().orElse(""),
                    f.file(),
                    f.size().value(),
                    f.sha256().orElse(""),
                    f.verified());
        }

        /** The draft model's file (speculative decoding), in the same shape; absent without a draft. */
        static Mmproj draft(DeploymentPlan p) {
            return p.deployment()
                    .draft()
                    .map(d -> d.quant())
                    .map(f -> new Mmproj(
                            f.repo(),
                            f.revision().orElse(""),
                            f.file(),
                            f.size().value(),
                            f.sha256().orElse(""),
                            f.verified()))
                    .orElse(null);
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Model(
            String id,
            String huggingFaceRepo,
            String file,
            long sizeBytes,
            String sha256,
            String revision,
            List<Part> parts) {}

    /**
     * One file to download (a shard of a split GGUF, or the whole file), checked by size and sha256 when known. {@code
     * sizeExact}: the size is the catalog's exact one (a verified file); otherwise it is an estimate, used for the
     * free-disk check only and never asserted against the download (as the chart's init container does).
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Part(String path, long sizeBytes, String sha256, boolean sizeExact) {}

    @Override
    public String name() {
        return "ansible-inventory";
    }

    @Override
    public void emit(EmitContext c, OutputTree out) {
        Map<String, List<DeploymentPlan>> byNode = new LinkedHashMap<>();
        c.plan().nodes().forEach(n -> byNode.put(n.name(), new ArrayList<>()));
        c.plan().deployments().forEach(p -> byNode.get(p.node().name()).add(p));
        Map<String, Object> gpuHosts = new LinkedHashMap<>();
        Map<String, Object> nvidiaHosts = new LinkedHashMap<>();
        Map<String, Object> cpuHosts = new LinkedHashMap<>();
        List<Node> nodes = c.plan().nodes().stream().map(Plan.NodePlan::node).toList();
        for (Node n : nodes) {
            Connection host = new Connection(n.address());
            if (n.hasGpu()) {
                gpuHosts.put(n.name(), host);
                if (n.gpuVendor().orElseThrow() == Hardware.Vendor.NVIDIA) {
                    nvidiaHosts.put(n.name(), Map.of());
                }
            } else {
                cpuHosts.put(n.name(), host);
            }
        }
        // host vars serialized in parallel, added in the nodes' order
        Parallel.inOrder(
                nodes,
                BATCH,
                n -> Map.entry(
                        "ansible/host_vars/" + n.name() + ".yml",
                        "---\n" + Serializers.yaml(hostVars(n, byNode.get(n.name()), c.images()))),
                file -> out.put(file.getKey(), file.getValue()));
        Map<String, Group> children = new LinkedHashMap<>();
        children.put(GPU_GROUP, new Group(gpuHosts));
        children.put(NVIDIA_GROUP, new Group(nvidiaHosts));
        children.put(CPU_GROUP, new Group(cpuHosts));
        var cluster = c.plan().cluster();
        ClusterVars vars = new ClusterVars(
                cluster.name(), cluster.namespace(), cluster.containerRuntime().key());
        out.put("ansible/inventory.yml", "---\n" + Serializers.yaml(new InventoryFile(new All(vars, children))));
    }

    /** Nodes serialized per batch. */
    private static final int BATCH = 512;

    static HostVars hostVars(Node n, List<DeploymentPlan> here, Images images) {
        List<Gpu> gpus = new ArrayList<>();
        for (Node.GpuGroup g : n.gpus()) {
            Hardware h = g.hardware();
            gpus.add(new Gpu(
                    h.id(),
                    h.vendor().name().toLowerCase(Locale.ROOT),
                    g.count(),
                    h.productLabel().orElse(""),
                    h.computeCapability().orElse(""),
                    h.memory().value()));
        }
        String floor = null;
        if (n.gpuVendor().filter(v -> v == Hardware.Vendor.NVIDIA).isPresent()) {
            // the strictest driver floor among the images this node runs; a node without deployments yet gets the
            // CUDA 12 image's, the lowest any NVIDIA node can run (catalog images.yaml, the one home of floors)
            floor = here.stream()
                    .map(p -> images.minDriver(p.backend()))
                    .flatMap(Optional::stream)
                    .max(Comparator.naturalOrder())
                    .or(() -> images.minDriver(Backend.CUDA12))
                    .map(DriverVersion::toString)
                    .orElse(null);
        }
        // a node that helmfile serves gets no systemd instances: the llama_server role then removes any it left
        // behind, so no deployment ever runs twice
        boolean systemd = n.serving() == Serving.SYSTEMD;
        List<Instance> instances = new ArrayList<>();
        for (DeploymentPlan p : systemd ? here : List.<DeploymentPlan>of()) {
            var q = p.quant();
            instances.add(new Instance(
                    p.name(),
                    p.image().reference(),
                    p.backend().key(),
                    new Model(
                            p.model().id(),
                            q.repo(),
                            q.file(),
                            q.size().value(),
                            q.sha256().orElse(""),
                            q.revision().orElse(""),
                            q.parts().stream()
                                    .map(s -> new Part(
                                            s.path(),
                                            s.size().value(),
                                            s.sha256().orElse(""),
                                            q.verified()))
                                    .toList()),
                    Mmproj.of(p),
                    Mmproj.draft(p),
                    p.deployment().port(),
                    ServerArgs.of(p),
                    p.memory().gpuNeedAtLoadBytes(),
                    p.memory().gpuReserveIfAny()));
        }
        // systemd instances listen on the node's own address, not on every interface (the role's default is the
        // loopback address; docker --publish needs an IP address, so a host name leaves it to the operator)
        String publish = systemd && isIpAddress(n.address()) ? n.address() : null;
        return new HostVars(
                n.name(), n.ram().value(), n.cpuCores(), n.serving().key(), gpus, floor, publish, instances);
    }

    static boolean isIpAddress(String address) {
        return address.matches("[0-9.]+") || address.contains(":");
    }
}
