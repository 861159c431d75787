package eu.prositronic.core.emit.report;

import eu.prositronic.core.emit.ChartValues;
import eu.prositronic.core.emit.EmitContext;
import eu.prositronic.core.emit.Emitter;
import eu.prositronic.core.emit.OutputTree;
import eu.prositronic.core.emit.Parallel;
import eu.prositronic.core.emit.PlanJson;
import eu.prositronic.core.emit.ValuesEmitter;
import eu.prositronic.core.emit.report.AlikePages.Pages;
import eu.prositronic.core.fit.DeploymentPlan;
import eu.prositronic.core.fit.Plan;
import eu.prositronic.core.fit.SolverReport;
import eu.prositronic.core.problem.ProsiException;
import eu.prositronic.core.yaml.Serializers;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the plan; writes {@code report/}: a page per deployment in the shape of the public catalog pages (overview,
 * hardware requirements, memory picture, deploy commands, the values file, a FAQ computed for this fit), as HTML
 * ({@code <deployment>.html}, self-contained) and Markdown ({@code <deployment>.md} with {@code -memory.svg}), and the
 * fleet at a glance ({@code index.html}, {@code index.md}). Each page is a typed page model rendered by a Jinjava
 * template; an infra repo overrides a template by a file of the same name in {@code templates/report/} beside its
 * inventory.
 */
public final class ReportEmitter implements Emitter {
    private final int nodesPerPage;
    private final boolean alikePages;

    public ReportEmitter() {
        this(NODES_PER_PAGE, true);
    }

    /**
     * @param nodesPerPage node cards on the index, and on each further page
     * @param alikePages whether deployments alike but for their names share one rendering ({@link AlikePages}); tests
     *     compare both ways
     */
    ReportEmitter(int nodesPerPage, boolean alikePages) {
        this.nodesPerPage = nodesPerPage;
        this.alikePages = alikePages;
    }

    @Override
    public String name() {
        return "report";
    }

    @Override
    public void emit(EmitContext c, OutputTree out) throws ProsiException {
        java.util.Optional<java.nio.file.Path> overrides = Templates.overridesBeside(c.inventoryFile());
        Templates templates = new Templates(overrides);
        Templates.Pool workers = new Templates.Pool(overrides);
        Neighbours neighbours = new Neighbours(c.plan(), c.catalog());
        // with variants fitted on each node, every page names its node in their scope: none is alike another; an
        // override may print a name otherwise than as it is (the jar's templates are checked on each key's first page)
        AlikePages alike = alikePages
                        && !neighbours.onNodes()
                        && overrides.filter(java.nio.file.Files::isDirectory).isEmpty()
                ? new AlikePages()
                : null;
        // a values file is shared by the deployments of one model x quant x hardware: read back once, and the pages
        // print the same string (which the compiled templates then encode once)
        java.util.Map<String, String> valuesTexts = new java.util.concurrent.ConcurrentHashMap<>();
        // the pages are independent: rendered in parallel, a batch at a time (a large fleet's pages are not held in
        // memory all at once), added in the plan's order (the same bytes either way)
        List<DeploymentPlan> all = c.plan().deployments();
        List<FleetHtml.Warning> warnings = new ArrayList<>();
        List<Placed> placed = new ArrayList<>(all.size());
        try {
            Parallel.inOrder(
                    all,
                    BATCH,
                    d -> {
                        try {
                            return workers.with(t -> pages(c, out, d, t, neighbours, valuesTexts, alike));
                        } catch (ProsiException e) {
                            throw new Failed(e);
                        }
                    },
                    p -> {
                        String name = p.d().name();
                        out.put("report/" + name + ".md", p.markdown());
                        out.put("report/" + name + "-memory.svg", p.svg());
                        out.put("report/" + name + ".html", p.html());
                        p.warnings().forEach(w -> warnings.add(new FleetHtml.Warning(name, w)));
                        placed.add(new Placed(p.d(), p.memory()));
                    });
        } catch (Failed f) {
            throw (ProsiException) f.getCause();
        }
        FleetPage fleet = FleetPage.of(c.plan());
        out.put("report/index.md", templates.render("index.md.jinja", fleet));
        out.put(
                "report/index.html",
                templates.render(
                        "index.html.jinja",
                        fleetHtml(c.plan(), fleet, warnings, placed, templates, workers, out, nodesPerPage)));
    }

    /** Deployments rendered per batch. */
    private static final int BATCH = 512;

    /** What the fleet page needs of a deployment once its pages are written: where it runs and its memory. */
    private record Placed(DeploymentPlan d, PlanJson.Memory memory) {}

    /** A template's failure inside the parallel render, unwrapped by {@link #emit}. */
    private static final class Failed extends RuntimeException {
        Failed(ProsiException cause) {
            super(cause);
        }
    }

    /**
     * One deployment's pages, rendered and encoded (UTF-8, by the worker: the writer's thread only writes); through
     * {@code alike} where it is not null.
     */
    private static Pages pages(
            EmitContext c,
            OutputTree out,
            DeploymentPlan d,
            Templates templates,
            Neighbours n,
            java.util.Map<String, String> valuesTexts,
            AlikePages alike)
            throws ProsiException {
        java.util.Optional<SolverReport.Choice> choice = c.plan().choice(d.name());
        // fitted where the deployment runs, beside the deployments of its node: under the real names
        HtmlPage.Variants variants = HtmlPage.Variants.of(d, n);
        String releaseYaml =
                text(out, ValuesEmitter.releaseFile(d), () -> Serializers.yaml(ChartValues.Release.of(d, c.images())));
        AlikePages.Rendering rendering =
                (plan, release) -> render(c, out, plan, choice, variants, release, templates, valuesTexts);
        return alike == null
                ? rendering.pages(d, releaseYaml)
                : alike.pages(d, choice, variants, releaseYaml, rendering);
    }

    private static Pages render(
            EmitContext c,
            OutputTree out,
            DeploymentPlan d,
            java.util.Optional<SolverReport.Choice> choice,
            HtmlPage.Variants variants,
            String releaseYaml,
            Templates templates,
            java.util.Map<String, String> valuesTexts)
            throws ProsiException {
        DeploymentPage page = DeploymentPage.of(d, choice);
        MemoryBars bars = MemoryBars.of(
                "Memory of " + d.name() + " per device (fit engine prediction)",
                page.d().memory(),
                true);
        MemoryBars.Pictures pictures = bars.pictures();
        HtmlPage html = HtmlPage.fleet(
                d,
                page,
                pictures.inline(),
                bars,
                valuesTexts.computeIfAbsent(
                        d.valuesFile(),
                        path -> text(
                                out,
                                path,
                                () -> Serializers.yaml(
                                        ChartValues.of(c.plan().catalogPages().getOrDefault(path, d), c.images())))),
                ValuesEmitter.releaseFile(d),
                releaseYaml,
                variants);
        return new Pages(
                d,
                page.d().memory(),
                templates.render(
                        "deployment.md.jinja",
                        page,
                        java.util.Map.of("variants", html.variants(), "neighbourScope", html.neighbourScope())),
                utf8(pictures.file()),
                templates.render("deployment.html.jinja", html),
                html.warnings());
    }

    /** Node cards on one page of the fleet report; more nodes go to further pages. */
    static final int NODES_PER_PAGE = 1000;

    /**
     * The fleet page, and a large fleet's further pages of node cards (rendered and added here, one at a time: their
     * pictures are not held all at once).
     */
    private static FleetHtml fleetHtml(
            Plan plan,
            FleetPage fleet,
            List<FleetHtml.Warning> warnings,
            List<Placed> pages,
            Templates templates,
            Templates.Pool workers,
            OutputTree out,
            int perPage)
            throws ProsiException {
        java.util.Map<String, List<Placed>> byNode = new java.util.HashMap<>();
        for (Placed p : pages) {
            byNode.computeIfAbsent(p.d().node().name(), k -> new ArrayList<>()).add(p);
        }
        List<Plan.NodePlan> nodes = plan.nodes();
        List<FleetHtml.PageLink> nodePages = new ArrayList<>();
        if (nodes.size() > perPage) {
            for (int from = 0; from < nodes.size(); from += perPage) {
                int page = from / perPage + 1;
                nodePages.add(new FleetHtml.PageLink(
                        page == 1 ? "index.html" : "nodes-" + page + ".html",
                        "nodes " + (from + 1) + "–" + Math.min(nodes.size(), from + perPage)));
            }
            // the further pages are independent: rendered in parallel, two at a time (each is megabytes), in order
            List<Integer> starts = new ArrayList<>();
            for (int from = perPage; from < nodes.size(); from += perPage) {
                starts.add(from);
            }
            try {
                Parallel.inOrder(
                        starts,
                        2,
                        from -> {
                            try {
                                return workers.with(t -> nodesPage(plan, nodePages, from, perPage, byNode, t));
                            } catch (ProsiException e) {
                                throw new Failed(e);
                            }
                        },
                        page -> out.put(page.getKey(), page.getValue()));
            } catch (Failed f) {
                throw (ProsiException) f.getCause();
            }
        }
        int gpus = nodes.stream().mapToInt(n -> n.gpus().size()).sum();
        return new FleetHtml(
                fleet,
                nodes.size(),
                gpus,
                plan.deployments().size(),
                cards(nodes.subList(0, Math.min(nodes.size(), perPage)), byNode),
                warnings,
                nodePages);
    }

    /** The further page of node cards that starts at node {@code from}: its path and bytes. */
    private static java.util.Map.Entry<String, byte[]> nodesPage(
            Plan plan,
            List<FleetHtml.PageLink> nodePages,
            int from,
            int perPage,
            java.util.Map<String, List<Placed>> byNode,
            Templates templates)
            throws ProsiException {
        List<Plan.NodePlan> nodes = plan.nodes();
        FleetHtml.PageLink link = nodePages.get(from / perPage);
        FleetHtml.NodesPage page = new FleetHtml.NodesPage(
                plan.cluster().name(),
                link.label(),
                nodes.size(),
                cards(nodes.subList(from, Math.min(nodes.size(), from + perPage)), byNode),
                nodePages);
        return java.util.Map.entry("report/" + link.href(), templates.render("nodes.html.jinja", page));
    }

    /** The nodes' cards, each with its picture: independent, drawn in parallel, in the plan's order. */
    private static List<FleetHtml.NodeCard> cards(
            List<Plan.NodePlan> nodes, java.util.Map<String, List<Placed>> byNode) {
        return Parallel.map(nodes, n -> {
            List<Placed> here = byNode.getOrDefault(n.name(), List.of());
            String svg = "";
            if (!here.isEmpty()) {
                MemoryBars bars = MemoryBars.of(
                        "Memory of node " + n.name() + " per device",
                        here.stream()
                                .map(p -> new MemoryBars.Tenant(p.d().name(), p.memory()))
                                .toList(),
                        true);
                svg = bars.svg(true);
            }
            return FleetHtml.card(n, here.stream().map(Placed::d).toList(), svg);
        });
    }

    private static byte[] utf8(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String text(OutputTree out, String path, java.util.function.Supplier<String> otherwise) {
        String t = out.text(path);
        return t != null ? t : otherwise.get();
    }
}
