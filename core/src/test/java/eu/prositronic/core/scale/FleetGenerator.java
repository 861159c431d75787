package eu.prositronic.core.scale;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Deterministic large inventories for the scale benchmark: {@code nodes} nodes, four in five with GPUs from the
 * catalog (one or two of them), one in five CPU-only; one to three small Qwen3.5 deployments per node that fit there.
 * {@code noFit} deployments (on nodes that already run others) are too large for their node, for the failure path.
 * The GPU nodes share their GPUs among up to four pods ({@code gpuSharing}), so that Kubernetes schedules them all.
 */
public final class FleetGenerator {
    private FleetGenerator() {}

    private static final List<String> GPUS = List.of(
            "nvidia-rtx3090", "nvidia-rtx4090", "nvidia-l4", "nvidia-a10", "nvidia-rtx4060ti-16gb", "nvidia-l40s");
    private static final List<String[]> MODELS = List.of(
            new String[] {"qwen3-5-0-8b", "Q4_0"},
            new String[] {"qwen3-5-2b", "Q4_K_M"},
            new String[] {"qwen3-5-4b", "Q4_K_M"},
            new String[] {"qwen3-5-0-8b", "Q8_0"},
            new String[] {"qwen3-5-2b", "Q5_K_M"});

    public static String inventory(int nodes, int noFit) {
        return inventory(nodes, noFit, false);
    }

    /**
     * With {@code auto}, the same fleet for the solver: every node gets a zone label, and the deployments leave their
     * choices open: two in three {@code node: auto}, the rest a zone or GPU selector; {@code quant: auto} or an ordered
     * list; {@code context: max} or a range; a few with objective {@code context} or {@code speed}.
     */
    public static String inventory(int nodes, int noFit, boolean auto) {
        StringBuilder sb = new StringBuilder(nodes * 400);
        sb.append("cluster:\n  name: fleet\n  namespace: llm\n  containerRuntime: containerd\n\nnodes:\n");
        for (int i = 0; i < nodes; i++) {
            sb.append("  - name: ").append(node(i)).append('\n');
            sb.append("    address: 10.")
                    .append((i >> 16) & 255)
                    .append('.')
                    .append((i >> 8) & 255)
                    .append('.')
                    .append(i & 255)
                    .append('\n');
            boolean cpu = i % 5 == 4;
            if (auto) {
                sb.append("    labels: {zone: z").append(i % 4).append("}\n");
            }
            sb.append("    ram: ").append(cpu ? 32 : 64).append("GiB\n");
            sb.append("    cpu: {cores: ").append(cpu ? 8 : 16).append("}\n");
            if (!cpu) {
                sb.append("    gpus: [{model: ")
                        .append(GPUS.get(i % GPUS.size()))
                        .append(", count: ")
                        .append(1 + (i / 7) % 2)
                        .append("}]\n");
                sb.append("    gpuDriver: \"580.82.07\"\n");
                sb.append("    gpuSharing: {strategy: timeSlicing, replicas: 4}\n");
            }
        }
        sb.append("\ndeployments:\n");
        int failing = 0;
        for (int i = 0; i < nodes; i++) {
            int count = 1 + i % 3;
            for (int k = 0; k < count; k++) {
                String[] m = MODELS.get((i + k) % MODELS.size());
                boolean tooBig = k == count - 1 && count > 1 && failing < noFit && i % 5 == 4;
                sb.append("  - name: d").append(i).append('-').append(k).append('\n');
                if (auto) {
                    autoDeployment(sb, m, i, k);
                    continue;
                }
                if (tooBig) {
                    // a 27B at Q8_0 with 128k tokens does not fit a 32 GiB CPU node beside the others
                    sb.append("    model: qwen3-5-27b\n    quant: Q8_0\n    context: 131072\n");
                    failing++;
                } else {
                    sb.append("    model: ")
                            .append(m[0])
                            .append("\n    quant: ")
                            .append(m[1])
                            .append('\n');
                    sb.append("    context: ").append(k == 0 ? "max" : "16384").append('\n');
                }
                sb.append("    node: ").append(node(i)).append('\n');
                if (k > 0) {
                    sb.append("    port: ").append(8080 + k).append('\n');
                }
            }
        }
        if (failing < noFit) {
            throw new IllegalArgumentException("only " + failing + " no-fit deployments fit in " + nodes + " nodes");
        }
        return sb.toString();
    }

    private static void autoDeployment(StringBuilder sb, String[] m, int i, int k) {
        sb.append("    model: ").append(m[0]).append('\n');
        sb.append(
                (i + k) % 2 == 0
                        ? "    quant: auto\n"
                        : "    quant: [" + (m[1].equals("Q8_0") ? "Q6_K" : "Q8_0") + ", " + m[1]
                                + (m[1].equals("Q4_0") ? "" : ", Q4_0") + "]\n");
        switch ((i + k) % 6) {
            case 0, 1, 2, 3 -> sb.append("    node: auto\n");
            case 4 -> sb.append("    node: {labels: {zone: z").append(k % 4).append("}}\n");
            default ->
                sb.append("    node: {gpu: ").append(GPUS.get(i % GPUS.size())).append("}\n");
        }
        sb.append(k == 0 ? "    context: max\n" : "    context: {min: 8192, max: 32768}\n");
        if (i % 7 == 3) {
            sb.append("    objective: ")
                    .append(k % 2 == 0 ? "context" : "speed")
                    .append('\n');
        }
    }

    static String node(int i) {
        return String.format("node-%05d", i);
    }

    /** {@code FleetGenerator NODES NOFIT FILE [auto]}: writes the inventory. */
    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[2]);
        Files.createDirectories(file.toAbsolutePath().getParent());
        boolean auto = args.length > 3 && args[3].equals("auto");
        Files.writeString(
                file,
                inventory(Integer.parseInt(args[0]), auto ? 0 : Integer.parseInt(args[1]), auto),
                StandardCharsets.UTF_8);
    }
}
