package eu.prositronic.core.emit.report;

import eu.prositronic.core.catalog.Catalog;
import eu.prositronic.core.catalog.Hardware;
import eu.prositronic.core.catalog.ModelSpec;
import eu.prositronic.core.catalog.ModelSpec.QuantFile;
import eu.prositronic.core.emit.BundleEmitter;
import eu.prositronic.core.emit.ChartValues;
import eu.prositronic.core.emit.EmitContext;
import eu.prositronic.core.emit.HelmfileEmitter;
import eu.prositronic.core.emit.OutputTree;
import eu.prositronic.core.emit.Parallel;
import eu.prositronic.core.emit.PlanJson;
import eu.prositronic.core.fit.DeploymentPlan;
import eu.prositronic.core.fit.LayoutKind;
import eu.prositronic.core.fit.Plan;
import eu.prositronic.core.fit.Planner;
import eu.prositronic.core.inventory.ContainerRuntime;
import eu.prositronic.core.inventory.Deployment;
import eu.prositronic.core.inventory.Inventory;
import eu.prositronic.core.inventory.Node;
import eu.prositronic.core.problem.ProsiException;
import eu.prositronic.core.units.Bytes;
import eu.prositronic.core.yaml.Serializers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The public catalog site: for every model × quantization × hardware of a catalog (each GPU alone, and CPU only), the
 * page and {@code values/<model>/<quant>/<hardware>.yaml} exactly as the compile goal computes that values path
 * ({@link Planner#catalogPage}: alone on that hardware, context {@code max}, every setting at its default), an index
 * per model and per GPU, a "what fits my hardware" table, and a search page with a static JSON index. Pure: the same
 * catalog gives the same bytes.
 */
public final class CatalogSite {
    /** The site's namespace for its one-release helmfile. */
    static final String NAMESPACE = "llm";

    private final Catalog catalog;
    private final String baseUrl;
    private final Templates templates;
    /** Pages are rendered in parallel; a {@link Templates} is not shared between threads. */
    private final Templates.Pool workers;

    /**
     * @param baseUrl where the site will be served ({@code https://models.example.org}), for the {@code curl} commands
     * @param templateOverrides a folder whose files replace the jar's templates of the same name
     */
    public CatalogSite(Catalog catalog, String baseUrl, Optional<Path> templateOverrides) {
        this.catalog = catalog;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.templates = new Templates(templateOverrides);
        this.workers = new Templates.Pool(templateOverrides);
    }

    /** One model × quantization × hardware: its values path and its fit, when it fits that hardware at all. */
    public record Entry(ModelSpec model, QuantFile quant, Hardware hardware, Optional<DeploymentPlan> plan) {
        public String valuesFile() {
            return "values/" + model.id() + "/" + quant.slug() + "/" + hardware.id() + ".yaml";
        }

        public String pageFile() {
            return "models/" + model.id() + "/" + quant.slug() + "/" + hardware.id() + ".html";
        }

        /** Every layer where it should be: on the GPU, or on the CPU for CPU only. */
        boolean entirely() {
            return plan.isPresent()
                    && (plan.get().layoutKind() == LayoutKind.FULL || plan.get().layoutKind() == LayoutKind.CPU);
        }
    }

    /** The hardware of the site: every GPU of the catalog alone, then CPU only. */
    List<Hardware> hardware() {
        List<Hardware> all = new ArrayList<>(catalog.hardware().values().stream()
                .filter(h -> h.kind() == Hardware.Kind.GPU)
                .toList());
        all.add(catalog.cpu());
        return all;
    }

    /**
     * Fits every model × quantization × hardware (the compile goal's single-hardware path), in path order. The fits are
     * independent and pure, so they run in parallel; the list is in the same order whatever the threads.
     */
    public List<Entry> entries() {
        List<Entry> combinations = new ArrayList<>();
        for (ModelSpec model : catalog.models().values()) {
            for (QuantFile quant : model.quantizations()) {
                for (Hardware h : hardware()) {
                    combinations.add(new Entry(model, quant, h, Optional.empty()));
                }
            }
        }
        return Parallel.map(combinations, this::fit);
    }

    private Entry fit(Entry e) {
        Hardware h = e.hardware();
        Node node = new Node(
                h.id(),
                "",
                Bytes.ZERO,
                1,
                Optional.empty(),
                h.kind() == Hardware.Kind.GPU ? List.of(new Node.GpuGroup(h, 1)) : List.of(),
                Optional.empty(),
                eu.prositronic.core.inventory.CpuIsa.AVX2,
                eu.prositronic.core.inventory.Serving.KUBERNETES);
        Deployment d = Deployment.catalogDefault(e.model(), e.quant(), node);
        return new Entry(e.model(), e.quant(), h, Planner.catalogPage(d, catalog));
    }

    /** The whole site, in memory. */
    public OutputTree generate() throws ProsiException {
        return generate(entries());
    }

    /** A template's failure inside the parallel render, unwrapped by {@link #generate(List)}. */
    private static final class Failed extends RuntimeException {
        Failed(ProsiException cause) {
            super(cause);
        }
    }

    OutputTree generate(List<Entry> entries) throws ProsiException {
        try {
            return render(entries);
        } catch (Failed f) {
            throw (ProsiException) f.getCause();
        }
    }

    /** An entry's values file and page, rendered by a worker. */
    private record Rendered(Entry entry, String values, byte[] html) {}

    private OutputTree render(List<Entry> entries) throws ProsiException {
        OutputTree out = new OutputTree();
        Map<String, List<Entry>> byModel = new TreeMap<>();
        Map<String, List<Entry>> byHardware = new LinkedHashMap<>();
        hardware().forEach(h -> byHardware.put(h.id(), new ArrayList<>()));
        for (Entry e : entries) {
            byModel.computeIfAbsent(e.model().id(), k -> new ArrayList<>()).add(e);
            byHardware.get(e.hardware().id()).add(e);
        }
        List<Rendered> pages =
                Parallel.map(entries.stream().filter(e -> e.plan().isPresent()).toList(), e -> {
                    String values = Serializers.yaml(ChartValues.of(e.plan().get(), catalog.images()));
                    try {
                        return new Rendered(
                                e,
                                values,
                                workers.with(t -> t.render("deployment.html.jinja", page(e, values, byModel))));
                    } catch (ProsiException x) {
                        throw new Failed(x);
                    }
                });
        for (Rendered p : pages) {
            out.put(p.entry().valuesFile(), p.values());
            out.put(p.entry().pageFile(), p.html());
        }
        for (Map.Entry<String, List<Entry>> m : byModel.entrySet()) {
            out.put(
                    "models/" + m.getKey() + "/index.html",
                    templates.render("site-model.html.jinja", SitePages.model(m.getValue(), hardware())));
        }
        for (Hardware h : hardware()) {
            out.put(
                    "gpus/" + h.id() + ".html",
                    templates.render("site-gpu.html.jinja", SitePages.gpu(h, byHardware.get(h.id()))));
        }
        SitePages.Index index = SitePages.index(catalog, hardware(), byModel, byHardware, entries, baseUrl);
        out.put("index.html", templates.render("site-index.html.jinja", index));
        out.put("search.html", templates.render("site-search.html.jinja", SitePages.search(entries)));
        out.put("search.json", Serializers.json(SitePages.searchIndex(entries)) + "\n");
        // what the curl command needs beside the values file: the one-release helmfile and the chart
        EmitContext bare = new EmitContext(
                new Plan(
                        new Inventory.Cluster("catalog", NAMESPACE, ContainerRuntime.CONTAINERD),
                        List.of(),
                        List.of(),
                        new TreeMap<>(),
                        eu.prositronic.core.fit.PowerPlan.NONE),
                catalog,
                Path.of("catalog"),
                "site");
        new HelmfileEmitter().emit(bare, out);
        BundleEmitter.chart().emit(bare, out);
        return out;
    }

    private HtmlPage page(Entry e, String values, Map<String, List<Entry>> byModel) throws ProsiException {
        DeploymentPlan p = e.plan().orElseThrow();
        DeploymentPage page = DeploymentPage.of(p);
        MemoryBars bars = MemoryBars.of(
                "Memory of " + HtmlPage.title(page) + " per device (fit engine prediction)",
                page.d().memory(),
                false);
        String svg = bars.svg(true);
        String root = "../../../";
        List<HtmlPage.Step> steps = new ArrayList<>();
        boolean gpu = e.hardware().kind() == Hardware.Kind.GPU;
        if (gpu && e.hardware().vendor() == Hardware.Vendor.NVIDIA) {
            steps.add(new HtmlPage.Step(
                    "Ensure your GPU nodes are prepared with the NVIDIA container toolkit:",
                    "ansible-playbook prositronic.infra.nvidia_container_toolkit"));
        }
        steps.add(new HtmlPage.Step(
                "Then, in a folder with this site's helmfile.yaml.gotmpl and charts/llama-server (or any Prositronic"
                        + " output folder):",
                "helmfile --state-values-file <(curl -s " + baseUrl + "/" + e.valuesFile() + ") apply"));
        steps.add(new HtmlPage.Step("Bare metal (no Kubernetes), the same flags:", HtmlPage.serverCommand(page)));
        return new HtmlPage(
                page,
                root,
                "catalog",
                HtmlPage.title(page),
                svg,
                bars.bars(),
                "not a limit on this page (it needs " + page.ramUsed() + ")",
                page.ramUsed(),
                gpu
                        ? page.hardwareParagraph()
                        : "CPU only: no acceleration; speed is bound by the RAM's bandwidth and the size by the system"
                                + " RAM, of which this needs " + page.ramUsed() + ".",
                steps,
                "/" + e.valuesFile(),
                values,
                "",
                "",
                Facts.whyLayers(p),
                HtmlPage.variants(
                        Neighbours.fitted(
                                "current",
                                "this page: " + e.quant().quant() + ", " + Neighbours.tokens(p.ctxSize()),
                                p,
                                Neighbours.alone(p, false)),
                        neighbours(e, byModel.get(e.model().id())),
                        Neighbours.pageContexts(p, catalog)),
                "alone on " + page.hardwareTitle() + " with every setting at its default (the other quantizations at"
                        + " context max), the host's RAM not a limit",
                Facts.warnings(p, page.d().modelFile().verified()),
                HtmlPage.ollama(page, e.model().id() + "-" + e.quant().slug().replace('_', '-')),
                List.of(
                        new HtmlPage.Link("index.html", "Catalog"),
                        new HtmlPage.Link(
                                "models/" + e.model().id() + "/index.html",
                                e.model().name()),
                        new HtmlPage.Link(
                                "gpus/" + e.hardware().id() + ".html",
                                e.hardware().name()),
                        new HtmlPage.Link("search.html", "Search")));
    }

    /**
     * The next smaller and larger file of the model on the same hardware, from the site's own fits (one that does not
     * fit the hardware at all is fitted again for its no-fit's figures).
     */
    private List<Neighbours.Option> neighbours(Entry e, List<Entry> ofModel) {
        List<Entry> here = ofModel.stream()
                .filter(x -> x.hardware().id().equals(e.hardware().id()))
                .sorted(Comparator.comparingLong((Entry x) -> x.quant().size().value())
                        .thenComparing(x -> x.quant().quant()))
                .toList();
        int at = here.indexOf(e);
        List<Neighbours.Option> options = new ArrayList<>();
        for (int i : new int[] {at - 1, at + 1}) {
            if (i >= 0 && i < here.size()) {
                Entry n = here.get(i);
                String q = n.quant().quant();
                if (n.plan().isPresent()) {
                    options.add(Neighbours.fitted(
                            "quant",
                            q,
                            n.plan().get(),
                            Neighbours.alone(n.plan().get(), false)));
                } else {
                    Deployment d = e.plan().orElseThrow().deployment().withQuant(n.quant());
                    options.add(Neighbours.noFit(
                            "quant",
                            q,
                            Planner.catalogPage(d, catalog, OptionalLong.empty())
                                    .noFit()
                                    .orElseThrow()));
                }
            }
        }
        return options;
    }

    /** plan.json's mapping of a fit, for the search index. */
    static PlanJson.Deployment json(DeploymentPlan p) {
        return PlanJson.of(p);
    }
}
