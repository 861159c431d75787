package eu.prositronic.core.emit.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import eu.prositronic.TestSupport;
import eu.prositronic.core.Compiler;
import eu.prositronic.core.catalog.Catalog;
import eu.prositronic.core.catalog.Hardware;
import eu.prositronic.core.catalog.ModelSpec;
import eu.prositronic.core.emit.EmitContext;
import eu.prositronic.core.emit.OutputTree;
import eu.prositronic.core.fit.Planner;
import eu.prositronic.core.inventory.Inventory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The catalog site of the example's three models (every quantization on every hardware of the embedded catalog; the
 * full catalog is the benchmark's, {@link CatalogSiteBenchmark}): every page, values files equal to the compile goal's,
 * the same bytes twice.
 */
class CatalogSiteTest {
    static List<CatalogSite.Entry> entries;
    static OutputTree site;
    static Catalog catalog;

    /** The embedded catalog with only the example's models (and every GPU). */
    static Catalog examplesModels() {
        Catalog all = TestSupport.catalog();
        Map<String, ModelSpec> models = new java.util.TreeMap<>();
        for (String id : List.of("qwen3-5-4b", "qwen3-5-0-8b", "qwen3-5-27b")) {
            models.put(id, all.model(id).orElseThrow());
        }
        return new Catalog(models, all.hardware(), all.images());
    }

    @BeforeAll
    static void generate() throws Exception {
        catalog = examplesModels();
        CatalogSite generator = new CatalogSite(catalog, "https://models.example.org", Optional.empty());
        entries = generator.entries();
        site = generator.generate(entries);
        // kept as test output for a look (and for the browser test)
        Path out = TestSupport.repoRoot().resolve("core/target/example-site");
        for (Map.Entry<String, byte[]> f : site.files().entrySet()) {
            Path p = out.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.write(p, f.getValue());
        }
    }

    @Test
    void everyModelQuantizationAndHardwareHasAPageAndAValuesFile() {
        int quants = catalog.models().values().stream()
                .mapToInt(m -> m.quantizations().size())
                .sum();
        int hardware = TestSupport.catalog().gpuIds().size() + 1;
        assertThat(entries).hasSize(quants * hardware);
        for (CatalogSite.Entry e : entries) {
            if (e.plan().isPresent()) {
                assertThat(site.text(e.pageFile()))
                        .as(e.pageFile())
                        .contains("<h1>" + e.model().name() + " (" + e.quant().quant() + ") on ");
                assertThat(site.text(e.valuesFile())).as(e.valuesFile()).isNotNull();
            }
        }
        assertThat(entries.stream().filter(e -> e.plan().isPresent()).count())
                .isGreaterThan(quants * hardware * 9L / 10);
        for (String p : List.of(
                "index.html",
                "search.html",
                "search.json",
                "helmfile.yaml.gotmpl",
                "charts/llama-server/Chart.yaml",
                "gpus/nvidia-rtx3090.html",
                "gpus/cpu.html",
                "models/qwen3-5-4b/index.html")) {
            assertThat(site.text(p)).as(p).isNotNull();
        }
    }

    /** The example's values files, as the compile goal writes them, are the site's files of the same paths. */
    @Test
    void theExamplesValuesFilesAreTheSitesOwn() throws Exception {
        Inventory inv = TestSupport.exampleInventoryLoaded();
        OutputTree compiled = Compiler.emit(
                new EmitContext(Planner.plan(inv, TestSupport.catalog()), TestSupport.catalog(), inv.file(), "test"),
                s -> {});
        int compared = 0;
        for (String path : compiled.files().keySet()) {
            if (path.startsWith("values/")) {
                assertThat(site.text(path)).as(path).isEqualTo(compiled.text(path));
                compared++;
            }
        }
        assertThat(compared).isEqualTo(4);
    }

    /** One model × quant × hardware alone in an inventory of its own, on a spread of the catalog. */
    @Test
    void aDeploymentAloneOnItsHardwareCompilesToTheSitesValuesFile() throws Exception {
        List<String[]> cases = new ArrayList<>();
        int i = 0;
        for (ModelSpec m : catalog.models().values()) {
            List<Hardware> hw = new ArrayList<>(catalog.hardware().values());
            for (int k = 0; k < 5; k++) {
                ModelSpec.QuantFile q =
                        m.quantizations().get(i % m.quantizations().size());
                Hardware h = hw.get((i * 7) % hw.size());
                cases.add(new String[] {m.id(), q.quant(), h.id()});
                i++;
            }
        }
        for (String[] c : cases) {
            String gpus = c[2].equals("cpu") ? "" : "\n    gpus: [{model: " + c[2] + "}]";
            String yaml = "cluster: {name: t, namespace: llm}\nnodes:\n  - name: n1\n    address: 10.0.0.1\n"
                    + "    ram: 64GiB\n    cpu: {cores: 8}" + gpus + "\ndeployments:\n  - name: d\n    model: " + c[0]
                    + "\n    quant: " + c[1] + "\n    node: n1\n    context: 4096\n";
            Inventory inv = TestSupport.inventory(yaml);
            OutputTree compiled;
            try {
                compiled = Compiler.emit(
                        new EmitContext(
                                Planner.plan(inv, TestSupport.catalog()), TestSupport.catalog(), inv.file(), "test"),
                        s -> {});
            } catch (eu.prositronic.core.fit.NoFitException e) {
                continue; // too large for 64 GiB beside the GPU: no compile output to compare
            }
            String path = "values/" + c[0] + "/" + c[1].toLowerCase(java.util.Locale.ROOT) + "/" + c[2] + ".yaml";
            assertThat(compiled.text(path)).as(path).isNotNull();
            assertThat(site.text(path)).as(path).isEqualTo(compiled.text(path));
        }
    }

    @Test
    void theSameCatalogGivesTheSameBytes() throws Exception {
        OutputTree again = new CatalogSite(catalog, "https://models.example.org", Optional.empty()).generate();
        assertThat(again.files().keySet()).isEqualTo(site.files().keySet());
        site.files().forEach((p, b) -> assertThat(again.files().get(p)).as(p).isEqualTo(b));
    }

    @Test
    void theSearchIndexListsEveryPageWithItsPlanFigures() throws Exception {
        JsonNode index = new ObjectMapper().readTree(site.text("search.json"));
        long pages = entries.stream().filter(e -> e.plan().isPresent()).count();
        assertThat(index.size()).isEqualTo((int) pages);
        for (JsonNode e : index) {
            assertThat(site.text(e.get("url").asText()))
                    .as(e.get("url").asText())
                    .isNotNull();
        }
        CatalogSite.Entry chat = entries.stream()
                .filter(e -> e.pageFile().equals("models/qwen3-5-4b/q5_k_m/nvidia-rtx3090.html"))
                .findFirst()
                .orElseThrow();
        JsonNode row = null;
        for (JsonNode e : index) {
            if (e.get("url").asText().equals(chat.pageFile())) {
                row = e;
            }
        }
        assertThat(row.get("ctxSize").asLong()).isEqualTo(chat.plan().get().ctxSize());
        assertThat(row.get("vramUsedBytes").asLong())
                .isEqualTo(chat.plan().get().memory().vramUsed().value());
        String page = site.text(chat.pageFile());
        assertThat(page)
                .contains("curl -s https://models.example.org/values/qwen3-5-4b/q5_k_m/nvidia-rtx3090.yaml")
                .contains("ansible-playbook prositronic.infra.nvidia_container_toolkit");
        assertThat(site.text("index.html")).contains("What fits my hardware").contains("NVIDIA GeForce RTX 3090");
    }

    /** The page's per-part figures are plan.json's for the same fit, for every page. */
    @Test
    void everyPagesMemoryFiguresArePlanJsons() {
        for (CatalogSite.Entry e : entries) {
            if (e.plan().isEmpty()) {
                continue;
            }
            String html = site.text(e.pageFile());
            for (var dev : eu.prositronic.core.emit.PlanJson.of(e.plan().get())
                    .memory()
                    .devices()) {
                MemoryBars.figures(dev).forEach((part, bytes) -> assertThat(html)
                        .as(e.pageFile() + " " + dev.id() + " " + part)
                        .contains("data-part=\"" + dev.id() + "/" + part + "\">" + bytes + "<"));
            }
            assertThat(html)
                    .contains(String.format(
                            java.util.Locale.ROOT, "%,d", e.plan().get().ctxSize()));
        }
    }

    /**
     * Every page's FAQ variants are the fit engine's: the neighbouring quantizations are the site's own pages of the
     * same hardware (their context, VRAM and RAM), and each context variant (half, double, the trained maximum) is
     * the model × quant planned in an inventory of its own, alone on that hardware with RAM to spare and that context:
     * what the page says fits, or fits with offload, is planned so with the page's figures.
     */
    @Test
    void everyPagesVariantsAreTheEnginesFitsOfThatChange() throws Exception {
        int contexts = 0;
        java.util.Set<String> verdicts = new java.util.TreeSet<>();
        java.util.Set<String> kinds = new java.util.TreeSet<>();
        for (CatalogSite.Entry e : entries) {
            if (e.plan().isEmpty()) {
                continue;
            }
            HtmlReportTest.assertSeedShape(site.text(e.pageFile()), e.pageFile());
            List<HtmlReportTest.Row> rows = HtmlReportTest.rows(site.text(e.pageFile()));
            assertThat(rows.get(0).kind()).isEqualTo("current");
            assertThat(rows.get(0).ctx()).isEqualTo(e.plan().get().ctxSize());
            for (HtmlReportTest.Row r : rows.subList(1, rows.size())) {
                String as = e.pageFile() + " " + r.what();
                verdicts.add(r.verdict());
                kinds.add(r.kind());
                if (r.kind().equals("quant")) {
                    CatalogSite.Entry other = entries.stream()
                            .filter(x -> x.model() == e.model()
                                    && x.hardware() == e.hardware()
                                    && x.quant().quant().equals(r.what()))
                            .findFirst()
                            .orElseThrow();
                    assertThat(other.plan().isPresent())
                            .as(as)
                            .isEqualTo(!r.verdict().equals("nofit"));
                    other.plan().ifPresent(p -> {
                        assertThat(p.ctxSize()).as(as).isEqualTo(r.ctx());
                        assertThat(p.memory().vramUsed().value()).as(as).isEqualTo(r.vram());
                        assertThat(p.memory().ramUsed().value()).as(as).isEqualTo(r.ram());
                    });
                } else if (contexts++ % 7 == 0) {
                    // a spread of the pages (every seventh context variant): each a compile of its own
                    checkContext(e, r, as);
                }
            }
            long trained = e.model().architecture().contextLength();
            if (e.plan().get().ctxSize() < trained) {
                assertThat(rows.stream().map(HtmlReportTest.Row::ctx))
                        .as(e.pageFile())
                        .contains(trained);
            }
        }
        assertThat(kinds).contains("quant", "context");
        assertThat(verdicts).contains("fits", "offload");
        assertThat(contexts).isGreaterThan(100);
    }

    private static void checkContext(CatalogSite.Entry e, HtmlReportTest.Row r, String as) throws Exception {
        String gpus = e.hardware().kind() == Hardware.Kind.CPU
                ? ""
                : "\n    gpus: [{model: " + e.hardware().id() + "}]";
        Inventory inv = TestSupport.inventory("cluster: {name: t, namespace: llm}\nnodes:\n  - name: n1\n"
                + "    address: 10.0.0.1\n    ram: 1TiB\n    cpu: {cores: 8}" + gpus + "\ndeployments:\n  - name: d\n"
                + "    model: " + e.model().id() + "\n    quant: " + e.quant().quant() + "\n    node: n1\n"
                + "    context: " + r.ctx() + "\n");
        if (r.verdict().equals("nofit")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Planner.plan(inv, TestSupport.catalog()))
                    .as(as)
                    .isInstanceOf(eu.prositronic.core.fit.NoFitException.class);
            return;
        }
        var p = Planner.plan(inv, TestSupport.catalog()).deployments().get(0);
        assertThat(p.ctxSize()).as(as).isEqualTo(r.ctx());
        assertThat(p.memory().vramUsed().value()).as(as).isEqualTo(r.vram());
        assertThat(p.layoutKind() == eu.prositronic.core.fit.LayoutKind.FULL
                        || p.layoutKind() == eu.prositronic.core.fit.LayoutKind.CPU)
                .as(as)
                .isEqualTo(r.verdict().equals("fits"));
    }

    /**
     * The memory picture: each bar's parts add up to what plan.json says the device uses (no sum drawn as a part), and
     * every part a device can have, the reserve and what is free each have a colour of their own.
     */
    @Test
    void theMemoryBarsAddUpToThePlanAndEveryPartHasAColourOfItsOwn() {
        for (CatalogSite.Entry e : entries) {
            if (e.plan().isEmpty()) {
                continue;
            }
            var memory = eu.prositronic.core.emit.PlanJson.of(e.plan().get()).memory();
            MemoryBars bars = MemoryBars.of("t", memory, false);
            for (int i = 0; i < bars.bars().size(); i++) {
                long parts = bars.bars().get(i).parts().stream()
                        .filter(x -> !x.part().equals("reserve") && !x.part().equals("free"))
                        .mapToLong(MemoryBars.Part::bytes)
                        .sum();
                assertThat(parts)
                        .as(e.pageFile() + " " + bars.bars().get(i).id())
                        .isEqualTo(memory.devices().get(i).usedBytes());
            }
        }
        var device = eu.prositronic.core.emit.PlanJson.of(entries.get(0).plan().orElseThrow())
                .memory()
                .devices()
                .get(0);
        List<String> parts = new ArrayList<>(MemoryBars.figures(device).keySet());
        assertThat(parts).contains("checkpoints", "promptCache", "overhead").doesNotContain("atLoad", "used");
        List<String> all = new ArrayList<>(parts);
        all.add("reserve");
        all.add("free");
        assertThat(all.stream().map(x -> MemoryBars.color(x, parts)).distinct().count())
                .isEqualTo(all.size());
        assertThat(all.stream().map(MemoryBars::label).distinct().count()).isEqualTo(all.size());
    }

    /** A templates folder overrides the site's pages too; an own page template sees the FAQ's variants by name. */
    @Test
    void aTemplatesFolderOverridesTheSitesTemplates(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("style.css"), "body { color: rebeccapurple; }");
        Files.writeString(
                dir.resolve("deployment.html.jinja"),
                "<style>{{ style|safe }}</style>{% for o in variants %}{{ o.what }}={{ o.verdict }}"
                        + " {{ o.ctxSize }};{% endfor %}");
        Map<String, ModelSpec> one = new java.util.TreeMap<>();
        one.put("qwen3-5-0-8b", catalog.model("qwen3-5-0-8b").orElseThrow());
        OutputTree own = new CatalogSite(
                        new Catalog(one, catalog.hardware(), catalog.images()),
                        "https://models.example.org",
                        Optional.of(dir))
                .generate();
        String page = own.text("models/qwen3-5-0-8b/q4_0/cpu.html");
        assertThat(page)
                .startsWith("<style>body { color: rebeccapurple; }</style>this page: Q4_0, 262,144 tokens=fits")
                .contains("half: 131,072 tokens=fits 131072;");
        assertThat(own.text("index.html")).contains("rebeccapurple");
    }

    /** The "what fits" choice: runs entirely there, and no larger file does with the useful context. */
    @Test
    void theBestQuantizationIsTheLargestThatRunsEntirelyWithAUsefulContext() {
        for (Hardware h : new CatalogSite(catalog, "x", Optional.empty()).hardware()) {
            for (ModelSpec m : catalog.models().values()) {
                List<CatalogSite.Entry> here = entries.stream()
                        .filter(e -> e.model().id().equals(m.id())
                                && e.hardware().id().equals(h.id()))
                        .toList();
                SitePages.Best best = SitePages.best(h, here);
                if (best.note().isEmpty()) {
                    CatalogSite.Entry chosen = here.stream()
                            .filter(e -> e.quant().quant().equals(best.quant()))
                            .findFirst()
                            .orElseThrow();
                    assertThat(chosen.entirely()).isTrue();
                    long useful =
                            Math.min(SitePages.USEFUL_CONTEXT, m.architecture().contextLength());
                    boolean usefulChosen = chosen.plan().get().ctxSize() >= useful;
                    for (CatalogSite.Entry e : here) {
                        if (e.entirely()
                                && e.quant().size().value()
                                        > chosen.quant().size().value()) {
                            assertThat(usefulChosen && e.plan().get().ctxSize() < useful)
                                    .as(h.id() + " " + m.id() + ": " + e.quant().quant() + " is larger than "
                                            + best.quant())
                                    .isTrue();
                        }
                    }
                }
            }
        }
    }
}
