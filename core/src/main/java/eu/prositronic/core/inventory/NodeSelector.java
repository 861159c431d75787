package eu.prositronic.core.inventory;

import eu.prositronic.core.catalog.Hardware;
import eu.prositronic.core.units.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which nodes a deployment with {@code node: auto} or {@code node: {labels: …, gpu: …, minVram: …}} may run on: every
 * label must be on the node with that value, every GPU of the node must be the catalog GPU {@code gpu} ({@code cpu}:
 * a node without GPUs), and its GPUs together must have at least {@code minVram}. {@link #ANY} is {@code node: auto}.
 */
public record NodeSelector(Map<String, String> labels, Optional<String> gpu, Optional<Bytes> minVram) {
    public static final NodeSelector ANY = new NodeSelector(Map.of(), Optional.empty(), Optional.empty());

    public NodeSelector {
        labels = new TreeMap<>(labels);
    }

    public boolean matches(Node n) {
        for (Map.Entry<String, String> l : labels.entrySet()) {
            if (!l.getValue().equals(n.labels().get(l.getKey()))) {
                return false;
            }
        }
        if (gpu.isPresent()) {
            boolean cpu = gpu.get().equals(Node.CPU_HARDWARE);
            if (cpu
                    ? n.hasGpu()
                    : !n.hasGpu()
                            || n.gpus().stream()
                                    .anyMatch(g -> !g.hardware().id().equals(gpu.get()))) {
                return false;
            }
        }
        return minVram.isEmpty() || vram(n).compareTo(minVram.get()) >= 0;
    }

    /** All of a node's GPU memory. */
    public static Bytes vram(Node n) {
        Bytes sum = Bytes.ZERO;
        for (Hardware h : n.devices()) {
            sum = sum.plus(h.memory());
        }
        return sum;
    }

    /** {@code labels {zone: a}, gpu nvidia-rtx3090, minVram 24 GiB}, or {@code any node}. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        if (!labels.isEmpty()) {
            parts.add("labels " + labels.toString().replace('=', ':'));
        }
        gpu.ifPresent(g -> parts.add("gpu " + g));
        minVram.ifPresent(v -> parts.add("minVram " + v.human()));
        return parts.isEmpty() ? "any node" : String.join(", ", parts);
    }
}
