package eu.prositronic.core.fit;

import eu.prositronic.core.catalog.Catalog;
import eu.prositronic.core.catalog.Hardware;
import eu.prositronic.core.inventory.DeploymentRequest;
import eu.prositronic.core.inventory.InventoryRequest;
import eu.prositronic.core.inventory.Node;
import eu.prositronic.core.inventory.NodeChoice;
import eu.prositronic.core.problem.ProsiException;
import eu.prositronic.core.problem.Setting;
import eu.prositronic.core.problem.Suggestions;
import eu.prositronic.core.units.Bytes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What-if: the inventory with hardware added or changed, planned again, and the difference to the plan as it is. The
 * scenario never changes what the build writes; it is only compared. Edits, separated by {@code ;}:
 * <ul>
 *   <li>{@code gpu-02+nvidia-rtx3090}, {@code gpu-02+2x-nvidia-rtx3090}: GPUs more on a node;
 *   <li>{@code gpu-02.ram=128GiB}: a node's RAM;
 *   <li>{@code gpu-03=gpu-02}: a new node like an existing one (its deployments stay where they are; deployments the
 *       planner places itself may use it).
 * </ul>
 */
public final class WhatIf {
    private WhatIf() {}

    /** One change to the inventory's hardware. */
    public sealed interface Edit {
        /** The edit in words, for the printed difference. */
        String describe();
    }

    public record AddGpus(String node, Hardware gpu, int count) implements Edit {
        @Override
        public String describe() {
            return (count == 1 ? "an " + gpu.name() + " more" : count + " × " + gpu.name() + " more") + " on " + node;
        }
    }

    public record SetRam(String node, Bytes ram) implements Edit {
        @Override
        public String describe() {
            return node + " with " + ram.human() + " of RAM";
        }
    }

    public record CloneNode(String name, String like) implements Edit {
        @Override
        public String describe() {
            return "a node " + name + " like " + like;
        }
    }

    /**
     * A scenario's plan, or why it has none: deployments that do not fit where they must run ({@link NoFitException})
     * or that the solver cannot place together ({@link UnsolvableException}).
     */
    public record Outcome(Optional<Plan> plan, Optional<ProsiException> failure) {
        public static Outcome of(Plan plan) {
            return new Outcome(Optional.of(plan), Optional.empty());
        }

        public static Outcome failed(ProsiException e) {
            return new Outcome(Optional.empty(), Optional.of(e));
        }

        List<NoFit> noFits() {
            return failure.filter(NoFitException.class::isInstance)
                    .map(e -> ((NoFitException) e).noFits())
                    .orElse(List.of());
        }

        List<String> unplaced() {
            return failure.filter(UnsolvableException.class::isInstance)
                    .map(e -> ((UnsolvableException) e)
                            .conflict().members().stream()
                                    .map(Conflict.Member::name)
                                    .toList())
                    .orElse(List.of());
        }
    }

    /** How a front end plans an inventory (the compile goal's own planning, so a scenario is planned alike). */
    @FunctionalInterface
    public interface Planning {
        Plan plan(InventoryRequest inventory) throws ProsiException;
    }

    /** Reads {@code spec} against the inventory and catalog; a bad edit names itself, what is known and a fix. */
    public static List<Edit> parse(String spec, List<Node> inventoryNodes, Catalog catalog) throws ProsiException {
        Map<String, Node> nodes = new LinkedHashMap<>();
        inventoryNodes.forEach(n -> nodes.put(n.name(), n));
        List<Edit> edits = new ArrayList<>();
        for (String raw : spec.split(";")) {
            String e = raw.strip();
            if (e.isEmpty()) {
                continue;
            }
            int plus = e.indexOf('+');
            int ram = e.indexOf(".ram=");
            int eq = e.indexOf('=');
            if (plus > 0) {
                String node = known(e.substring(0, plus), nodes, e);
                String gpu = e.substring(plus + 1);
                int count = 1;
                java.util.regex.Matcher m =
                        java.util.regex.Pattern.compile("(\\d+)x-?(.+)").matcher(gpu);
                if (m.matches()) {
                    count = Integer.parseInt(m.group(1).length() > 3 ? "0" : m.group(1));
                    gpu = m.group(2);
                }
                if (count < 1 || count > 64) {
                    throw bad(e, "a count of GPUs from 1 to 64", "write e.g. `" + node + "+2x-" + gpu + "`");
                }
                String id = gpu;
                Hardware hw = catalog.hardware(gpu)
                        .filter(h -> h.kind() == Hardware.Kind.GPU)
                        .orElseThrow(() -> bad(e, "unknown GPU `" + id + "`", Suggestions.fix(id, catalog.gpuIds())));
                Optional<Hardware.Vendor> vendor = nodes.get(node).gpuVendor();
                if (vendor.isPresent() && vendor.get() != hw.vendor()) {
                    throw bad(
                            e,
                            node + " runs " + vendor.get().name().toLowerCase(Locale.ROOT) + " GPUs",
                            "add a GPU of the same vendor (one vendor's GPUs per node)");
                }
                edits.add(new AddGpus(node, hw, count));
            } else if (ram > 0) {
                String node = known(e.substring(0, ram), nodes, e);
                String size = e.substring(ram + ".ram=".length());
                Bytes bytes;
                try {
                    bytes = Bytes.parse(size);
                } catch (IllegalArgumentException x) {
                    throw bad(e, "not a size: `" + size + "`", "write e.g. `" + node + ".ram=128GiB`");
                }
                if (bytes.value() < Bytes.GIB) {
                    throw bad(e, "less than 1 GiB of RAM", "write the unit, e.g. `" + node + ".ram=128GiB`");
                }
                edits.add(new SetRam(node, bytes));
            } else if (eq > 0) {
                String name = e.substring(0, eq);
                String like = known(e.substring(eq + 1), nodes, e);
                if (nodes.containsKey(name)
                        || edits.stream()
                                .anyMatch(x ->
                                        x instanceof CloneNode c && c.name().equals(name))) {
                    throw bad(e, "there is a node `" + name + "` already", "give the new node a name of its own");
                }
                if (!name.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
                    throw bad(
                            e,
                            "`" + name + "` is not a node name (a DNS-1123 label)",
                            "use lower-case letters, digits and -");
                }
                edits.add(new CloneNode(name, like));
            } else {
                throw bad(
                        e,
                        "not an edit",
                        "write `<node>+<gpu>`, `<node>.ram=<size>` or `<new node>=<node>`,"
                                + " several separated by `;`");
            }
        }
        if (edits.isEmpty()) {
            throw bad(spec, "no edit", "write e.g. `gpu-02+nvidia-rtx3090`");
        }
        return List.copyOf(edits);
    }

    private static String known(String node, Map<String, Node> nodes, String edit) throws ProsiException {
        if (!nodes.containsKey(node)) {
            throw bad(edit, "unknown node `" + node + "`", Suggestions.fix(node, List.copyOf(nodes.keySet())));
        }
        return node;
    }

    private static ProsiException bad(String edit, String what, String fix) {
        return new ProsiException(s -> s.of(Setting.WHAT_IF) + ": `" + eu.prositronic.core.problem.Problem.escape(edit)
                + "`: " + what + "; " + fix);
    }

    /**
     * The inventory with the edits made: nodes changed or added; a deployment that names a changed node names its new
     * version (without layout pins made for the old GPUs); selectors choose among the new nodes.
     */
    public static InventoryRequest apply(InventoryRequest inventory, List<Edit> edits) {
        Map<String, Node> nodes = new LinkedHashMap<>();
        inventory.nodes().forEach(n -> nodes.put(n.name(), n));
        for (Edit e : edits) {
            if (e instanceof AddGpus a) {
                Node n = nodes.get(a.node());
                List<Node.GpuGroup> gpus = new ArrayList<>(n.gpus());
                int same = -1;
                for (int i = 0; i < gpus.size(); i++) {
                    if (gpus.get(i).hardware().id().equals(a.gpu().id())) {
                        same = i;
                    }
                }
                if (same >= 0) {
                    gpus.set(same, new Node.GpuGroup(a.gpu(), gpus.get(same).count() + a.count()));
                } else {
                    gpus.add(new Node.GpuGroup(a.gpu(), a.count()));
                }
                nodes.put(n.name(), n.withHardware(gpus, n.ram()));
            } else if (e instanceof SetRam r) {
                Node n = nodes.get(r.node());
                nodes.put(n.name(), n.withHardware(n.gpus(), r.ram()));
            } else if (e instanceof CloneNode c) {
                Node like = nodes.get(c.like());
                nodes.put(
                        c.name(),
                        new Node(
                                c.name(),
                                "",
                                like.ram(),
                                like.cpuCores(),
                                like.memoryBandwidth(),
                                like.gpus(),
                                like.driverVersion(),
                                like.cpuIsa(),
                                like.serving(),
                                like.power(),
                                like.labels(),
                                like.gpuSharing()));
            }
        }
        List<DeploymentRequest> requests = inventory.requests().stream()
                .map(r -> r.node() instanceof NodeChoice.Fixed f
                                && !nodes.get(f.node().name()).equals(f.node())
                        ? r.onChanged(nodes.get(f.node().name()))
                        : r)
                .toList();
        return inventory.with(List.copyOf(nodes.values()), requests);
    }

    /** Plans the scenario with the same planning as the build. */
    public static Outcome outcome(InventoryRequest inventory, Planning planning) throws ProsiException {
        try {
            return Outcome.of(planning.plan(inventory));
        } catch (NoFitException | UnsolvableException e) {
            return Outcome.failed(e);
        }
    }

    /** The difference, in lines for the console: a headline, then one line per deployment that changed. */
    public static List<String> difference(List<Edit> edits, Outcome before, Outcome after) {
        List<String> out = new ArrayList<>();
        out.add("What if "
                + String.join(" and ", edits.stream().map(Edit::describe).toList()) + ":");
        Map<String, DeploymentPlan> was = byName(before);
        Map<String, DeploymentPlan> now = byName(after);
        Map<String, NoFit> wasNot = noFits(before);
        Map<String, NoFit> nowNot = noFits(after);
        List<String> names = new ArrayList<>(was.keySet());
        wasNot.keySet().stream().filter(n -> !names.contains(n)).forEach(names::add);
        before.unplaced().stream().filter(n -> !names.contains(n)).forEach(names::add);
        int unchanged = 0;
        for (String name : names) {
            DeploymentPlan a = was.get(name);
            DeploymentPlan b = now.get(name);
            if (a != null && b != null) {
                List<String> changes = changes(a, b);
                if (changes.isEmpty()) {
                    unchanged++;
                } else {
                    out.add("  " + name + ": " + String.join("; ", changes));
                }
            } else if (a == null && b != null) {
                out.add("  " + name + ": now fits: " + summary(b));
            } else if (a != null) {
                out.add("  " + name + ": no longer fits (" + need(nowNot.get(name), after) + ")");
            } else {
                out.add("  " + name + ": still does not fit (" + need(nowNot.get(name), after) + ")");
            }
        }
        if (unchanged > 0) {
            out.add("  " + unchanged + " deployment" + (unchanged == 1 ? "" : "s") + " unchanged");
        }
        if (before.plan().isPresent() && after.plan().isPresent()) {
            double w0 = before.plan().get().power().fleet().loadWatts();
            double w1 = after.plan().get().power().fleet().loadWatts();
            if (Math.round(w0) != Math.round(w1)) {
                out.add(String.format(
                        Locale.ROOT,
                        "  fleet draw under load: %,d W → %,d W (estimate)",
                        Math.round(w0),
                        Math.round(w1)));
            }
        }
        return out;
    }

    private static Map<String, DeploymentPlan> byName(Outcome o) {
        Map<String, DeploymentPlan> m = new LinkedHashMap<>();
        o.plan().ifPresent(p -> p.deployments().forEach(d -> m.put(d.name(), d)));
        return m;
    }

    private static Map<String, NoFit> noFits(Outcome o) {
        Map<String, NoFit> m = new LinkedHashMap<>();
        o.noFits().forEach(n -> m.put(n.deployment().name(), n));
        return m;
    }

    /** What changed between two plans of one deployment, each as "before → after". */
    static List<String> changes(DeploymentPlan a, DeploymentPlan b) {
        List<String> c = new ArrayList<>();
        change(c, "node", a.node().name(), b.node().name());
        change(c, "quant", a.quant().quant(), b.quant().quant());
        change(
                c,
                "context",
                String.format(Locale.ROOT, "%,d", a.ctxSize()),
                String.format(Locale.ROOT, "%,d", b.ctxSize()));
        change(c, "layout", layout(a), layout(b));
        change(c, "VRAM", a.memory().vramUsed().human(), b.memory().vramUsed().human());
        change(c, "RAM", a.memory().ramUsed().human(), b.memory().ramUsed().human());
        change(c, "tok/s (estimate)", speed(a), speed(b));
        return c;
    }

    private static void change(List<String> c, String what, String a, String b) {
        if (!a.equals(b)) {
            c.add(what + " " + a + " → " + b);
        }
    }

    private static String layout(DeploymentPlan d) {
        return d.layoutKind().key() + " (" + d.gpuLayers() + "/" + d.layers() + " layers"
                + (d.nCpuMoe() > 0 ? ", " + d.nCpuMoe() + " blocks' experts on the CPU" : "") + ")";
    }

    private static String speed(DeploymentPlan d) {
        return String.format(Locale.ROOT, "%.0f", d.speed().generationTokensPerSecond());
    }

    private static String summary(DeploymentPlan d) {
        return d.model().id() + " " + d.quant().quant() + " on " + d.node().name() + " with "
                + String.format(Locale.ROOT, "%,d", d.ctxSize()) + " tokens, " + layout(d) + ", " + speed(d)
                + " tok/s (estimate)";
    }

    private static String need(NoFit n, Outcome o) {
        if (n == null) {
            return o.unplaced().isEmpty()
                    ? "not placed"
                    : "cannot be placed together with " + String.join(", ", o.unplaced());
        }
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < n.needed().size(); i++) {
            parts.add(n.needed().get(i).id() + " needs "
                    + n.needed().get(i).used().human() + " of "
                    + n.budgets().get(i).human());
        }
        return String.join(", ", parts);
    }
}
