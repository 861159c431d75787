package eu.prositronic.core.emit.report;

import eu.prositronic.TestSupport;
import eu.prositronic.core.emit.EmitContext;
import eu.prositronic.core.emit.OutputTree;
import eu.prositronic.core.emit.ValuesEmitter;
import eu.prositronic.core.fit.DeploymentPlan;
import eu.prositronic.core.fit.Plan;
import eu.prositronic.core.fit.Planner;
import eu.prositronic.core.scale.FleetGenerator;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Single-thread timing of the two deployment templates over prepared page models (thread CPU time): NODES ROUNDS. */
public final class RenderExperiment {
    public static void main(String[] args) throws Exception {
        int nodes = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        Plan plan = Planner.plan(TestSupport.inventory(FleetGenerator.inventory(nodes, 0)), TestSupport.catalog());
        EmitContext c = new EmitContext(plan, TestSupport.catalog(), Path.of("inventory.yaml"), "bench");
        OutputTree out = new OutputTree();
        new ValuesEmitter().emit(c, out);
        Neighbours n = new Neighbours(plan, c.catalog());
        List<HtmlPage> html = new ArrayList<>();
        List<DeploymentPage> md = new ArrayList<>();
        var threads = ManagementFactory.getThreadMXBean();
        long m0 = threads.getCurrentThreadCpuTime();
        for (DeploymentPlan d : plan.deployments()) {
            DeploymentPage page = DeploymentPage.of(d);
            MemoryBars bars = MemoryBars.of("Memory of " + d.name(), page.d().memory(), true);
            md.add(page);
            html.add(HtmlPage.fleet(
                    d,
                    page,
                    bars.svg(true),
                    bars,
                    out.text(d.valuesFile()),
                    ValuesEmitter.releaseFile(d),
                    out.text(ValuesEmitter.releaseFile(d)),
                    n));
        }
        System.out.printf(
                Locale.ROOT,
                "models: %.0f us/deployment%n",
                (threads.getCurrentThreadCpuTime() - m0) / 1e3 / html.size());
        Templates t = new Templates(Optional.empty());
        double minHtml = Double.MAX_VALUE;
        double minMd = Double.MAX_VALUE;
        for (int r = 0; r < rounds; r++) {
            long a = threads.getCurrentThreadCpuTime();
            long bytes = 0;
            for (HtmlPage h : html) {
                bytes += t.render("deployment.html.jinja", h).length();
            }
            long b = threads.getCurrentThreadCpuTime();
            for (DeploymentPage p : md) {
                bytes += t.render("deployment.md.jinja", p).length();
            }
            long e = threads.getCurrentThreadCpuTime();
            minHtml = Math.min(minHtml, (b - a) / 1e3 / html.size());
            minMd = Math.min(minMd, (e - b) / 1e3 / md.size());
            System.out.printf(
                    Locale.ROOT,
                    "round %d: html %.0f us/page, md %.0f us/page (%d chars)%n",
                    r,
                    (b - a) / 1e3 / html.size(),
                    (e - b) / 1e3 / md.size(),
                    bytes);
        }
        System.out.printf(Locale.ROOT, "min: html %.0f us/page, md %.0f us/page%n", minHtml, minMd);
    }
}
