package eu.prositronic.core.emit.report;

import eu.prositronic.core.fit.DeploymentPlan;
import eu.prositronic.core.fit.Plan;
import java.util.List;

/** The page model of {@code report/index.md}: one row per deployment, and how each node is shared. */
record FleetPage(Cluster plan, List<Row> rows, List<NodeRow> nodes, String solver, List<Choice> choices) {

    /** One solver choice, for the fleet's "Chosen by the solver" table. */
    record Choice(String deployment, String choice, String value, String reason) {}

    record Cluster(String cluster, String namespace, String containerRuntime) {}

    record Row(
            String name,
            String node,
            String model,
            String quant,
            String hardware,
            String backend,
            String context,
            String layers,
            String vram,
            String ram,
            String speed) {}

    record NodeRow(String name, String summary, List<ShareRow> shares) {}

    record ShareRow(String deployment, String device, String capacity, String used) {}

    static FleetPage of(Plan plan) {
        var c = plan.cluster();
        List<Row> rows = plan.deployments().stream().map(FleetPage::row).toList();
        List<NodeRow> nodes = plan.nodes().stream()
                .map(n -> new NodeRow(
                        n.name(),
                        (n.gpus().isEmpty() ? "no GPU" : String.join(", ", n.gpus())) + "; "
                                + n.ram().human()
                                + " RAM. Each deployment's share is what it may use of a device after the reserve.",
                        n.shares().stream()
                                .map(s -> new ShareRow(
                                        s.deployment(),
                                        s.device(),
                                        s.capacity().human(),
                                        s.used().human()))
                                .toList()))
                .toList();
        List<Choice> choices = new java.util.ArrayList<>();
        plan.solver().ifPresent(s -> s.choices().forEach((name, ch) -> ch.chosenBy()
                .forEach(b -> choices.add(new Choice(name, b.choice(), b.value(), b.reason())))));
        String solver = plan.solver()
                .map(s -> "The solver chose what the inventory left open ("
                        + s.method().key() + ", fleet objective `"
                        + s.objective().key() + "`; " + s.evaluations() + " node placements fitted, "
                        + s.cacheHits() + " from the cache):")
                .orElse("");
        return new FleetPage(
                new Cluster(c.name(), c.namespace(), c.containerRuntime().key()), rows, nodes, solver, choices);
    }

    private static Row row(DeploymentPlan d) {
        return new Row(
                d.name(),
                d.node().name(),
                d.model().id(),
                d.quant().quant(),
                d.hardware(),
                d.backend().key(),
                DeploymentPage.thousands(d.ctxSize()),
                d.gpuLayers() + " / " + d.layers(),
                d.memory().vramUsed().human(),
                d.memory().ramUsed().human(),
                DeploymentPage.range(d.speed().generationRange()));
    }
}
