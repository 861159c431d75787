package eu.prositronic.core.inventory;

import eu.prositronic.core.catalog.Catalog;
import eu.prositronic.core.catalog.DriverVersion;
import eu.prositronic.core.catalog.Hardware;
import eu.prositronic.core.catalog.Images;
import eu.prositronic.core.inventory.Node.GpuGroup;
import eu.prositronic.core.problem.Suggestions;
import eu.prositronic.core.units.Bytes;
import eu.prositronic.core.units.BytesPerSecond;
import eu.prositronic.core.yaml.YamlMap;
import eu.prositronic.core.yaml.YamlNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads one entry of {@code nodes:}: its RAM, CPU and GPUs, each GPU resolved to its catalog entry. */
final class NodeReader {
    private NodeReader() {}

    /** The keys a node may have (README's input reference). */
    /** A host name (RFC 1123 labels), an IPv4 address, or an IPv6 address: what Ansible may connect to. */
    private static final Pattern HOST_NAME = Pattern.compile(
            "^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?$");

    private static final Pattern IPV4 =
            Pattern.compile("^((25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1?\\d?\\d)$");

    private static final Pattern IPV6 = Pattern.compile("^[0-9A-Fa-f:.]{2,45}$");

    /**
     * The node's address becomes {@code ansible_host}: anything but a host name or an IP address (a leading '-', a
     * space, a line break, shell characters) is refused, so that it cannot become an option or a command.
     */
    static Optional<String> address(YamlNode node) {
        Optional<String> a = node.string();
        if (a.isEmpty()) {
            return a;
        }
        String v = a.get();
        boolean ok = HOST_NAME.matcher(v).matches()
                || IPV4.matcher(v).matches()
                || (v.contains(":") && IPV6.matcher(v).matches());
        if (!ok) {
            node.problems().at(node, "not a host name or an IP address", "write e.g. 192.168.1.21 or gpu-01.lan");
            return Optional.empty();
        }
        return a;
    }

    static final List<String> KEYS =
            List.of("name", "address", "ram", "cpu", "gpus", "gpuDriver", "serving", "power", "labels", "gpuSharing");

    /** A label key or value: what Kubernetes accepts as a label value (and a key without prefix). */
    private static final Pattern LABEL = Pattern.compile("^[A-Za-z0-9]([A-Za-z0-9._/-]{0,61}[A-Za-z0-9])?$");

    static Optional<Node> read(YamlNode item, Catalog catalog, ContainerRuntime runtime) {
        return item.map(KEYS).map(n -> {
            // An invalid name is already a problem: keep it as written (so that deployments naming it do not add an
            // "unknown node"), and a missing one gets a placeholder no real name can equal (no invented duplicates).
            String name = Labels.required(n, "name", "gpu-01")
                    .or(() -> n.node().peekText("name"))
                    .orElse("<unnamed node at line " + n.node().line() + ">");
            String address = n.require("address", "192.168.1.21")
                    .flatMap(a -> address(a))
                    .orElse("");
            Bytes ram = n.require("ram", "64GiB").flatMap(YamlNode::bytes).orElse(Bytes.ZERO);
            if (!ram.isZero() && ram.value() < Bytes.GIB) {
                n.node().problems().at(n.get("ram").get(), "less than 1 GiB of RAM", "write the unit, e.g. 64GiB");
            }
            int cores = 0;
            Optional<BytesPerSecond> bandwidth = Optional.empty();
            Optional<YamlMap> cpu =
                    n.require("cpu", "{cores: 16}").flatMap(c -> c.map(List.of("cores", "memoryBandwidthGBps", "isa")));
            if (cpu.isPresent()) {
                cores = (int) cpu.get()
                        .require("cores", "16")
                        .flatMap(c -> c.integer(1, 4096))
                        .orElse(1L)
                        .longValue();
                bandwidth = cpu.get()
                        .get("memoryBandwidthGBps")
                        .flatMap(b -> b.decimal(1))
                        .map(BytesPerSecond::ofGBps);
            }
            CpuIsa isa = cpu.flatMap(c -> c.get("isa"))
                    .flatMap(i -> i.oneOf(CpuIsa.keys()))
                    .map(CpuIsa::fromKey)
                    .orElse(CpuIsa.AVX2);
            List<GpuGroup> gpus = new ArrayList<>();
            for (YamlNode g : n.list("gpus")) {
                g.map(List.of("model", "count")).ifPresent(gm -> {
                    Optional<YamlNode> modelNode = gm.require("model", "nvidia-rtx3090");
                    Optional<String> model = modelNode.flatMap(YamlNode::string);
                    int count = (int) gm.integer("count", 1, 1, 64);
                    if (model.isPresent()) {
                        Optional<Hardware> hw =
                                catalog.hardware(model.get()).filter(h -> h.kind() == Hardware.Kind.GPU);
                        if (hw.isEmpty()) {
                            gm.node()
                                    .problems()
                                    .at(
                                            modelNode.get(),
                                            "unknown GPU `" + model.get() + "`",
                                            Suggestions.fix(model.get(), catalog.gpuIds())
                                                    + " (or add hardware/" + model.get()
                                                    + ".yaml to your catalog folder)");
                        } else {
                            gpus.add(new GpuGroup(hw.get(), count));
                        }
                    }
                });
            }
            Set<Hardware.Vendor> vendors = new HashSet<>();
            gpus.forEach(g -> vendors.add(g.hardware().vendor()));
            if (vendors.size() > 1) {
                n.node().problems().at(n.node(), "GPUs of two vendors on one node", "run one vendor's GPUs per node");
            }
            Optional<DriverVersion> driver = Optional.empty();
            Optional<String> driverText = n.get("gpuDriver").flatMap(YamlNode::string);
            if (driverText.isPresent()) {
                try {
                    driver = Optional.of(DriverVersion.parse(driverText.get()));
                } catch (IllegalArgumentException e) {
                    n.node()
                            .problems()
                            .at(
                                    n.get("gpuDriver").get(),
                                    "not a driver version",
                                    "write it as nvidia-smi prints it, e.g. \"580.82.07\"");
                }
            }
            // every NVIDIA GPU of the node must start one CUDA image with this driver (catalog images.yaml floors)
            Set<String> checked = new HashSet<>();
            for (GpuGroup g : gpus) {
                Hardware hw = g.hardware();
                if (hw.vendor() != Hardware.Vendor.NVIDIA || !checked.add(hw.id())) {
                    continue;
                }
                Optional<Images.NoCudaImage> none =
                        catalog.images().noCudaImage(hw.id(), hw.parsedComputeCapability(), driver);
                if (none.isPresent()) {
                    n.node()
                            .problems()
                            .at(
                                    n.get("gpuDriver").orElse(n.node()),
                                    none.get().problem(),
                                    none.get().fix());
                    break;
                }
            }
            Serving serving = n.get("serving")
                    .flatMap(s -> s.oneOf(Serving.keys()))
                    .map(s -> Serving.valueOf(s.toUpperCase(Locale.ROOT)))
                    .orElse(Serving.defaultFor(runtime));
            Optional<NodePower> power = n.get("power")
                    .flatMap(p -> p.map(List.of("loadWatts", "idleWatts")))
                    .flatMap(NodeReader::power);
            Optional<GpuSharing> sharing = n.get("gpuSharing")
                    .flatMap(s -> gpuSharing(
                            s, gpus, vendors, serving, n.get("serving").isPresent()));
            return new Node(
                    name,
                    address,
                    ram,
                    cores,
                    bandwidth,
                    List.copyOf(gpus),
                    driver,
                    isa,
                    serving,
                    power,
                    labels(n),
                    sharing);
        });
    }

    /**
     * {@code gpuSharing: {strategy: timeSlicing, replicas: N}}: the NVIDIA device plugin's time-slicing, for a node that
     * Kubernetes serves and whose GPUs are NVIDIA's (the device plugin Prositronic installs is NVIDIA's).
     */
    static Optional<GpuSharing> gpuSharing(
            YamlNode s, List<GpuGroup> gpus, Set<Hardware.Vendor> vendors, Serving serving, boolean servingWritten) {
        Optional<YamlMap> m = s.map(List.of("strategy", "replicas"));
        if (m.isEmpty()) {
            return Optional.empty();
        }
        Optional<YamlNode> strategyNode = m.get().get("strategy");
        if (strategyNode.isPresent()
                && strategyNode
                        .get()
                        .peekScalar()
                        .filter("mps"::equalsIgnoreCase)
                        .isPresent()) {
            s.problems()
                    .at(
                            strategyNode.get(),
                            "MPS is not supported: it caps each pod's GPU memory at an equal split, which the plan's"
                                    + " memory shares do not follow",
                            "write `strategy: timeSlicing`");
            return Optional.empty();
        }
        GpuSharing.Strategy strategy = strategyNode
                .flatMap(x -> x.oneOf(GpuSharing.Strategy.keys()))
                .map(x -> GpuSharing.Strategy.TIME_SLICING)
                .orElse(GpuSharing.Strategy.TIME_SLICING);
        Optional<YamlNode> replicasNode = m.get().require("replicas", "2");
        Optional<Long> replicas = replicasNode.flatMap(r -> r.integer(0, Long.MAX_VALUE));
        if (replicas.isEmpty()) {
            return Optional.empty();
        }
        if (replicas.get() < GpuSharing.MIN_REPLICAS || replicas.get() > GpuSharing.MAX_REPLICAS) {
            s.problems()
                    .at(
                            replicasNode.get(),
                            "replicas must be " + GpuSharing.MIN_REPLICAS + " to " + GpuSharing.MAX_REPLICAS
                                    + ": the number of pods that share each GPU",
                            "write the number of deployments this node runs, e.g. `replicas: 2`");
            return Optional.empty();
        }
        if (gpus.isEmpty()) {
            s.problems().at(s, "gpuSharing on a node without GPUs", "remove `gpuSharing:` (there is no GPU to share)");
            return Optional.empty();
        }
        if (!vendors.contains(Hardware.Vendor.NVIDIA) || vendors.size() > 1) {
            s.problems()
                    .at(
                            s,
                            "gpuSharing configures NVIDIA's device plugin (time-slicing); this node's GPUs are not"
                                    + " NVIDIA's",
                            "remove `gpuSharing:`, or serve the node with `serving: systemd` (its deployments then"
                                    + " share the GPUs without a device plugin)");
            return Optional.empty();
        }
        if (serving != Serving.KUBERNETES) {
            s.problems()
                    .at(
                            s,
                            "gpuSharing configures Kubernetes' device plugin, but this node is served by systemd"
                                    + (servingWritten ? "" : " (the default for the Docker runtime)"),
                            "remove `gpuSharing:` (systemd units share the GPUs without it), or write"
                                    + " `serving: kubernetes`");
            return Optional.empty();
        }
        return Optional.of(new GpuSharing(strategy, (int) (long) replicas.get()));
    }

    /** {@code power: {loadWatts, idleWatts}}: both, positive, idle at most load. */
    private static Optional<NodePower> power(YamlMap p) {
        Optional<Double> load = p.require("loadWatts", "450").flatMap(w -> w.decimal(1));
        Optional<Double> idle = p.require("idleWatts", "60").flatMap(w -> w.decimal(0));
        if (load.isEmpty() || idle.isEmpty()) {
            return Optional.empty();
        }
        if (idle.get() > load.get()) {
            p.node()
                    .problems()
                    .at(
                            p.get("idleWatts").get(),
                            "idle draw " + idle.get() + " W is above the load draw " + load.get() + " W",
                            "measure both at the wall for the whole node; idle is with the models loaded and no request");
            return Optional.empty();
        }
        if (load.get() > MAX_NODE_WATTS) {
            p.node()
                    .problems()
                    .at(
                            p.get("loadWatts").get(),
                            "more than " + (long) MAX_NODE_WATTS + " W for one node",
                            "write the node's draw in watts, e.g. `loadWatts: 450`");
            return Optional.empty();
        }
        return Optional.of(new NodePower(load.get(), idle.get()));
    }

    /** A sanity bound for one machine's draw: a full 8-GPU B200 system is about 14 kW. */
    static final double MAX_NODE_WATTS = 100_000;

    /** {@code labels: {zone: a, tier: fast}}: what node selectors match; keys and values as Kubernetes label values. */
    static java.util.Map<String, String> labels(YamlMap n) {
        java.util.Map<String, String> labels = new java.util.TreeMap<>();
        n.get("labels").flatMap(YamlNode::freeMap).ifPresent(m -> m.entries().forEach((k, v) -> {
            Optional<String> value = v.string();
            if (!LABEL.matcher(k).matches()) {
                n.node()
                        .problems()
                        .at(
                                v,
                                "not a label key: `" + k + "`",
                                "use letters, digits, '.', '_', '-' or '/', e.g. `zone`");
            } else if (value.isPresent() && !LABEL.matcher(value.get()).matches()) {
                n.node().problems().at(v, "not a label value", "use letters, digits, '.', '_' or '-', e.g. `a`");
            } else {
                value.ifPresent(x -> labels.put(k, x));
            }
        }));
        return labels;
    }
}
