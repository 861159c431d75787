package eu.prositronic.core.emit.report;

import eu.prositronic.core.emit.EmitContext;
import eu.prositronic.core.emit.Emitter;
import eu.prositronic.core.emit.OutputTree;
import eu.prositronic.core.fit.DeploymentPlan;
import eu.prositronic.core.problem.ProsiException;

/**
 * Reads the plan; writes {@code report/}: a page per deployment in the shape of the public catalog pages (overview,
 * hardware requirements, deploy commands, FAQ) with an SVG of its memory, and a fleet summary. Each page is a typed
 * page model ({@link DeploymentPage}, {@link MemoryPicture}, {@link FleetPage}) rendered by a Jinjava template.
 */
public final class ReportEmitter implements Emitter {
    @Override
    public String name() {
        return "report";
    }

    @Override
    public void emit(EmitContext c, OutputTree out) throws ProsiException {
        Templates templates = new Templates();
        for (DeploymentPlan d : c.plan().deployments()) {
            out.put("report/" + d.name() + ".md", templates.render("deployment.md.jinja", DeploymentPage.of(d)));
            out.put("report/" + d.name() + "-memory.svg", templates.render("memory.svg.jinja", MemoryPicture.of(d)));
        }
        out.put("report/index.md", templates.render("index.md.jinja", FleetPage.of(c.plan())));
    }
}
