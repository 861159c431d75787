package eu.prositronic.core.emit.report;

import static org.assertj.core.api.Assertions.assertThat;

import eu.prositronic.TestSupport;
import eu.prositronic.core.emit.EmitContext;
import eu.prositronic.core.emit.OutputTree;
import eu.prositronic.core.emit.ValuesEmitter;
import eu.prositronic.core.fit.Plan;
import eu.prositronic.core.fit.Planner;
import eu.prositronic.core.scale.FleetGenerator;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A fleet larger than one page of node cards: the index holds the first, further pages the rest, all linked. */
class FleetPagesTest {
    @Test
    void aLargeFleetsNodeCardsAreSpreadOverLinkedPagesAndEveryNodeHasOneCard() throws Exception {
        Plan plan = Planner.plan(TestSupport.inventory(FleetGenerator.inventory(12, 0)), TestSupport.catalog());
        EmitContext c = new EmitContext(plan, TestSupport.catalog(), Path.of("inventory.yaml"), "test");
        OutputTree out = new OutputTree();
        new ValuesEmitter().emit(c, out);
        new ReportEmitter(5, true).emit(c, out);

        String index = out.text("report/index.html");
        assertThat(out.text("report/nodes-2.html")).isNotNull();
        assertThat(out.text("report/nodes-3.html")).isNotNull();
        assertThat(out.contains("report/nodes-4.html")).isFalse();
        for (String page : new String[] {index, out.text("report/nodes-2.html"), out.text("report/nodes-3.html")}) {
            assertThat(page)
                    .contains("<a href=\"index.html\">nodes 1–5</a>")
                    .contains("<a href=\"nodes-2.html\">nodes 6–10</a>")
                    .contains("<a href=\"nodes-3.html\">nodes 11–12</a>");
        }
        assertThat(out.text("report/nodes-3.html")).contains("nodes 11–12 of 12");
        StringBuilder all = new StringBuilder(index);
        all.append(out.text("report/nodes-2.html")).append(out.text("report/nodes-3.html"));
        for (Plan.NodePlan n : plan.nodes()) {
            String card = "<section class=\"card\" id=\"node-" + n.name() + "\">";
            assertThat(all.indexOf(card)).as(n.name()).isNotNegative();
            assertThat(all.indexOf(card)).as(n.name() + " once").isEqualTo(all.lastIndexOf(card));
        }
        // every deployment is still in the index's table
        plan.deployments().forEach(d -> assertThat(index).contains("<td><a href=\"" + d.name() + ".html\">"));
    }

    @Test
    void aFleetOfOnePageHasNoPageLinks() throws Exception {
        Plan plan = Planner.plan(TestSupport.inventory(FleetGenerator.inventory(5, 0)), TestSupport.catalog());
        EmitContext c = new EmitContext(plan, TestSupport.catalog(), Path.of("inventory.yaml"), "test");
        OutputTree out = new OutputTree();
        new ValuesEmitter().emit(c, out);
        new ReportEmitter(5, true).emit(c, out);
        assertThat(out.text("report/index.html")).doesNotContain("class=\"pages\"");
        assertThat(out.paths()).noneMatch(p -> p.startsWith("report/nodes-"));
    }
}
