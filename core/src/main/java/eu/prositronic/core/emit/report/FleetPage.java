package eu.prositronic.core.emit.report;

import eu.prositronic.core.fit.DeploymentPlan;
import eu.prositronic.core.fit.Plan;
import eu.prositronic.core.fit.PowerModel;
import eu.prositronic.core.fit.PowerPlan;
import eu.prositronic.core.inventory.Energy;
import java.util.List;

/** The page model of {@code report/index.md}: one row per deployment, and how each node is shared. */
record FleetPage(Cluster plan, List<Row> rows, List<NodeRow> nodes, Power power, String solver, List<Choice> choices) {

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

    /**
     * Power and cost, every figure an estimate: how they were computed, a row per deployment and the fleet's total.
     * {@code priced} is false without an {@code energy.pricePerKWh}: the cost columns are then left out.
     */
    record Power(String assumptions, boolean priced, List<PowerRow> rows, PowerRow fleet) {}

    record PowerRow(
            String name, String basis, String load, String idle, String kWh, String perMonth, String perMillion) {}

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
                new Cluster(c.name(), c.namespace(), c.containerRuntime().key()),
                rows,
                nodes,
                power(plan),
                solver,
                choices);
    }

    static Power power(Plan plan) {
        PowerPlan power = plan.power();
        Energy e = power.energy();
        String currency = e.currency().isEmpty() ? "" : " " + e.currency();
        String assumptions = "GPUs at their catalog board power while generating and "
                + Math.round(PowerModel.IDLE_SHARE * 100) + " % of it idle, a node's measured `power:` where given;"
                + " host CPUs are not counted without it. Busy " + Math.round(e.dutyCycle() * 100) + " % of the time"
                + ", PUE " + e.pue() + ", " + Math.round(PowerModel.HOURS_PER_MONTH) + " hours a month"
                + (e.priced()
                        ? ", " + money(e.pricePerKWh().getAsDouble()) + currency + " per kWh."
                        : "; no price" + " (give `energy: {pricePerKWh: …}` in the inventory for the cost).")
                + " Cost per million tokens: one busy stream at its estimated speed.";
        List<PowerRow> rows = plan.deployments().stream()
                .map(d -> powerRow(d.name(), power.deployments().get(d.name()), currency))
                .toList();
        long unknown = power.nodes().stream()
                .filter(n -> n.draw().basis() == PowerPlan.Basis.UNKNOWN)
                .count();
        PowerRow fleet = powerRow(
                "fleet"
                        + (unknown > 0
                                ? " (without " + unknown + " CPU-only node" + (unknown == 1 ? "" : "s")
                                        + " that give no `power:`)"
                                : ""),
                power.fleet(),
                currency);
        return new Power(assumptions, e.priced(), rows, fleet);
    }

    private static PowerRow powerRow(String name, PowerPlan.Draw d, String currency) {
        boolean known = d.basis() != PowerPlan.Basis.UNKNOWN && d.basis() != PowerPlan.Basis.NONE;
        String none = "unknown";
        return new PowerRow(
                name,
                d.basis().key(),
                known ? Math.round(d.loadWatts()) + " W" : none,
                known ? Math.round(d.idleWatts()) + " W" : none,
                known ? String.format(java.util.Locale.ROOT, "%.1f kWh", d.kWhPerMonth()) : none,
                known && d.costPerMonth().isPresent() ? money(d.costPerMonth().getAsDouble()) + currency : "",
                known && d.costPerMillionTokens().isPresent()
                        ? money(d.costPerMillionTokens().getAsDouble()) + currency
                        : "");
    }

    /** Two decimals, or three significant digits below 0.10 (a million tokens can cost a cent). */
    static String money(double v) {
        return v >= 0.1 || v == 0
                ? String.format(java.util.Locale.ROOT, "%.2f", v)
                : new java.math.BigDecimal(v)
                        .round(new java.math.MathContext(3))
                        .toPlainString();
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
