package eu.prositronic.core.emit.report;

import static org.assertj.core.api.Assertions.assertThat;

import eu.prositronic.TestSupport;
import eu.prositronic.core.emit.EmitContext;
import eu.prositronic.core.emit.OutputTree;
import eu.prositronic.core.emit.PlanJson;
import eu.prositronic.core.emit.ValuesEmitter;
import eu.prositronic.core.fit.DeploymentPlan;
import eu.prositronic.core.fit.Plan;
import eu.prositronic.core.fit.Planner;
import eu.prositronic.core.fit.Solver;
import eu.prositronic.core.inventory.InventoryLoader;
import eu.prositronic.core.scale.FleetGenerator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Deployments alike but for their names share one rendering: the report is the same bytes with it and without it, it
 * is used where deployments are alike, and a page that uses a name otherwise than printing it is rendered on its own.
 */
class AlikePagesTest {
    @Test
    void aLargeFleetsReportIsTheSameBytesWithAndWithoutSharedRenderings() throws Exception {
        // more deployments than Neighbours.ON_NODE_LIMIT: the variants come from the catalog pages
        Plan plan = Planner.plan(TestSupport.inventory(FleetGenerator.inventory(300, 0)), TestSupport.catalog());
        assertThat(plan.deployments()).hasSizeGreaterThan(Neighbours.ON_NODE_LIMIT);
        long reused = AlikePages.REUSED.sum();
        OutputTree shared = report(plan, true);
        assertThat(AlikePages.REUSED.sum() - reused)
                .as("pages served from a rendering of alike deployments")
                .isGreaterThan(plan.deployments().size() / 2);
        assertSameFiles(shared, report(plan, false));
    }

    @Test
    void aLargeSolvedFleetIsTheSameBytesBothWays() throws Exception {
        // the solver's choices and alternatives on every page
        var asked = InventoryLoader.read(
                Path.of("inventory.yaml"), FleetGenerator.inventory(260, 0, true), TestSupport.catalog());
        Plan solved = Solver.plan(asked, TestSupport.catalog());
        assertThat(solved.deployments()).hasSizeGreaterThan(Neighbours.ON_NODE_LIMIT);
        assertSameFiles(report(solved, true), report(solved, false));
    }

    @Test
    void aSmallFleetsPagesAreEachRenderedOnce() throws Exception {
        // variants fitted on each node: every page names its node, so none is alike another and none is rendered twice
        Plan small = Planner.plan(TestSupport.inventory(FleetGenerator.inventory(40, 0)), TestSupport.catalog());
        long rendered = AlikePages.RENDERED.sum();
        long reused = AlikePages.REUSED.sum();
        long compiled = Templates.COMPILED_PAGES.sum() + Templates.JINJAVA_PAGES.sum();
        report(small, true);
        assertThat(AlikePages.RENDERED.sum() - rendered + AlikePages.REUSED.sum() - reused)
                .isZero();
        assertThat(Templates.COMPILED_PAGES.sum() + Templates.JINJAVA_PAGES.sum() - compiled)
                .isEqualTo(2L * small.deployments().size() + 2);
    }

    @Test
    void aPageThatUsesANameOtherwiseThanPrintingItIsRenderedForEachDeployment() throws Exception {
        Plan plan = Planner.plan(TestSupport.inventory(FleetGenerator.inventory(300, 0)), TestSupport.catalog());
        // two deployments alike but for their names (and their names' lengths)
        Map<Object, DeploymentPlan> seen = new java.util.HashMap<>();
        DeploymentPlan[] pair = null;
        for (DeploymentPlan d : plan.deployments()) {
            Object key = List.of(
                    AlikePages.Names.of(d).mark(d),
                    d.name().length(),
                    d.node().name().length());
            DeploymentPlan before = seen.putIfAbsent(key, d);
            if (before != null) {
                pair = new DeploymentPlan[] {before, d};
                break;
            }
        }
        assertThat(pair).isNotNull();
        DeploymentPlan a = pair[0];
        DeploymentPlan b = pair[1];
        HtmlPage.Variants none = new HtmlPage.Variants(List.of(), "");
        List<String> rendered = new ArrayList<>();
        // prints the name in capitals: the stand-in has no capitals, so the shared rendering would print it wrongly
        AlikePages.Rendering capitals = (d, release) -> {
            rendered.add(d.name());
            byte[] page =
                    ("<h1>" + d.name().toUpperCase(java.util.Locale.ROOT) + "</h1>").getBytes(StandardCharsets.UTF_8);
            return new AlikePages.Pages(d, PlanJson.of(d).memory(), page, page, page, List.of());
        };
        AlikePages alike = new AlikePages();
        assertThat(new String(
                        alike.pages(a, Optional.empty(), none, "", capitals).html(), StandardCharsets.UTF_8))
                .isEqualTo("<h1>" + a.name().toUpperCase(java.util.Locale.ROOT) + "</h1>");
        assertThat(new String(
                        alike.pages(b, Optional.empty(), none, "", capitals).html(), StandardCharsets.UTF_8))
                .isEqualTo("<h1>" + b.name().toUpperCase(java.util.Locale.ROOT) + "</h1>");
        // a: for real and with the stand-ins (refused), b: for real
        assertThat(rendered).containsExactly(a.name(), AlikePages.DEPLOYMENT, b.name());

        // printed as it is, b's page comes from a's rendering
        rendered.clear();
        AlikePages.Rendering plain = (d, release) -> {
            rendered.add(d.name());
            byte[] page =
                    ("<h1>" + d.name() + " on " + d.node().name() + "</h1>" + release).getBytes(StandardCharsets.UTF_8);
            return new AlikePages.Pages(d, PlanJson.of(d).memory(), page, page, page, List.of(d.name()));
        };
        AlikePages shared = new AlikePages();
        String releaseA = "fullnameOverride: " + a.name() + "\n";
        String releaseB = "fullnameOverride: " + b.name() + "\n";
        shared.pages(a, Optional.empty(), none, releaseA, plain);
        AlikePages.Pages pb = shared.pages(b, Optional.empty(), none, releaseB, plain);
        assertThat(new String(pb.html(), StandardCharsets.UTF_8))
                .isEqualTo("<h1>" + b.name() + " on " + b.node().name() + "</h1>" + releaseB);
        assertThat(pb.warnings()).containsExactly(b.name());
        assertThat(rendered).containsExactly(a.name(), AlikePages.DEPLOYMENT);
    }

    @Test
    void namesTakenOutOfATextComeBackWhateverItHeld() {
        // a node named as a part of the deployment's name, an address holding the node's name
        AlikePages.Names names = new AlikePages.Names("gpu-1-chat", "gpu-1", "gpu-1.lan");
        for (String text : List.of(
                "",
                "gpu-1-chat on gpu-1 (gpu-1.lan)",
                "gpu-1gpu-1-chatgpu-1.lan gpu-10 xgpu-1-chat-2",
                "no names here: gpu-, -chat, 1.lan")) {
            String marked = names.mark(text);
            assertThat(names.restore(marked)).isEqualTo(text);
            byte[] utf8 = marked.getBytes(StandardCharsets.UTF_8);
            assertThat(new String(names.restore(AlikePages.Marked.of(utf8)), StandardCharsets.UTF_8))
                    .isEqualTo(text);
        }
        assertThat(names.mark("gpu-1-chat on gpu-1")).doesNotContain("gpu-1");
        // a private-use character that starts no stand-in stays as it is
        String other = "\uE000\uE103 \uE000 é";
        assertThat(names.restore(AlikePages.Marked.of(other.getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(other.getBytes(StandardCharsets.UTF_8));
    }

    private static OutputTree report(Plan plan, boolean alike) throws Exception {
        EmitContext c = new EmitContext(plan, TestSupport.catalog(), Path.of("inventory.yaml"), "test");
        OutputTree out = new OutputTree();
        new ValuesEmitter().emit(c, out);
        new ReportEmitter(ReportEmitter.NODES_PER_PAGE, alike).emit(c, out);
        return out;
    }

    private static void assertSameFiles(OutputTree a, OutputTree b) {
        Map<String, byte[]> fa = a.files();
        Map<String, byte[]> fb = b.files();
        assertThat(fa.keySet()).isEqualTo(fb.keySet());
        for (String path : fa.keySet()) {
            assertThat(new String(fa.get(path), StandardCharsets.UTF_8))
                    .as(path)
                    .isEqualTo(new String(fb.get(path), StandardCharsets.UTF_8));
        }
    }
}
