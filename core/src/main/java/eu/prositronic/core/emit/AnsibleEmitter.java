package eu.prositronic.core.emit;

import static eu.prositronic.core.emit.Serializers.ordered;

import eu.prositronic.core.catalog.Backend;
import eu.prositronic.core.catalog.Hardware;
import eu.prositronic.core.catalog.Images;
import eu.prositronic.core.fit.Plan.DeploymentPlan;
import eu.prositronic.core.inventory.Inventory;
import eu.prositronic.core.inventory.Inventory.Node;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code ansible/inventory.yml} and {@code ansible/host_vars/<node>.yml} (docs/contracts.md §2). */
public final class AnsibleEmitter implements Emitter {
    @Override
    public String name() {
        return "ansible-inventory";
    }

    @Override
    public void emit(EmitContext c, OutputTree out) {
        Inventory inv = c.inventory();
        Map<String, Object> gpuHosts = new LinkedHashMap<>();
        Map<String, Object> nvidiaHosts = new LinkedHashMap<>();
        Map<String, Object> cpuHosts = new LinkedHashMap<>();
        for (Node n : inv.nodes()) {
            Map<String, Object> host = ordered("ansible_host", n.address());
            if (n.hasGpu()) {
                gpuHosts.put(n.name(), host);
                if (vendor(n, c) == Hardware.Vendor.NVIDIA) {
                    nvidiaHosts.put(n.name(), Map.of());
                }
            } else {
                cpuHosts.put(n.name(), host);
            }
            out.put("ansible/host_vars/" + n.name() + ".yml", "---\n" + Serializers.yaml(hostVars(n, c)));
        }
        Map<String, Object> children = new LinkedHashMap<>();
        children.put("prositronic_gpu_nodes", ordered("hosts", gpuHosts));
        children.put("prositronic_nvidia_nodes", ordered("hosts", nvidiaHosts));
        children.put("prositronic_cpu_nodes", ordered("hosts", cpuHosts));
        Map<String, Object> all = ordered(
                "vars",
                ordered(
                        "prositronic_cluster_name", c.plan().cluster(),
                        "prositronic_namespace", c.plan().namespace(),
                        "prositronic_container_runtime", c.plan().containerRuntime()),
                "children",
                children);
        out.put("ansible/inventory.yml", "---\n" + Serializers.yaml(ordered("all", all)));
    }

    private static Hardware.Vendor vendor(Node n, EmitContext c) {
        return c.catalog().hardware(n.gpus().get(0).model()).orElseThrow().vendor();
    }

    static Map<String, Object> hostVars(Node n, EmitContext c) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("prositronic_node_name", n.name());
        v.put("prositronic_node_ram_bytes", n.ram().value());
        v.put("prositronic_node_cpu_cores", n.cpuCores());
        List<Object> gpus = new ArrayList<>();
        for (var g : n.gpus()) {
            Hardware h = c.catalog().hardware(g.model()).orElseThrow();
            gpus.add(ordered(
                    "model", h.id(),
                    "vendor", h.vendor().name().toLowerCase(java.util.Locale.ROOT),
                    "count", g.count(),
                    "product", h.productLabel().orElse(""),
                    "compute_capability", h.computeCapability().orElse(""),
                    "memory_bytes", h.memory().value()));
        }
        v.put("prositronic_gpus", gpus);
        List<DeploymentPlan> here = c.plan().deployments().stream()
                .filter(p -> p.node().equals(n.name()))
                .toList();
        if (n.hasGpu() && vendor(n, c) == Hardware.Vendor.NVIDIA) {
            // the strictest driver floor among the images this node runs (catalog images.yaml)
            Images images = c.catalog().images();
            String floor = here.stream()
                    .map(p -> Backend.valueOf(p.backend().toUpperCase(java.util.Locale.ROOT)))
                    .map(b -> images.byBackend().get(b).minDriver().orElse(""))
                    .filter(s -> !s.isEmpty())
                    .max(AnsibleEmitter::compareVersions)
                    .orElse(images.byBackend().get(Backend.CUDA12).minDriver().orElse("525.60.13"));
            v.put("nvidia_container_toolkit_driver_min_version", floor);
        }
        List<Object> instances = new ArrayList<>();
        for (DeploymentPlan p : here) {
            instances.add(ordered(
                    "name", p.name(),
                    "image", p.image(),
                    "backend", p.backend(),
                    "model",
                            ordered(
                                    "id", p.model(),
                                    "hugging_face_repo", p.modelFile().repo(),
                                    "file", p.modelFile().file(),
                                    "size_bytes", p.modelFile().sizeBytes(),
                                    "sha256", p.modelFile().sha256()),
                    "port", p.port(),
                    "args", p.args()));
        }
        v.put("llama_server_instances", instances);
        return v;
    }

    static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int xi = i < x.length ? Integer.parseInt(x[i]) : 0;
            int yi = i < y.length ? Integer.parseInt(y[i]) : 0;
            if (xi != yi) {
                return Integer.compare(xi, yi);
            }
        }
        return 0;
    }
}
