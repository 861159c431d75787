package eu.prositronic.core.emit.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import eu.prositronic.TestSupport;
import eu.prositronic.core.Compiler;
import eu.prositronic.core.catalog.Catalog;
import eu.prositronic.core.catalog.ModelSpec;
import eu.prositronic.core.emit.EmitContext;
import eu.prositronic.core.emit.OutputTree;
import eu.prositronic.core.emit.ValuesEmitter;
import eu.prositronic.core.fit.Plan;
import eu.prositronic.core.fit.Planner;
import eu.prositronic.core.fit.Solver;
import eu.prositronic.core.inventory.Inventory;
import eu.prositronic.core.inventory.InventoryLoader;
import eu.prositronic.core.problem.ProsiException;
import eu.prositronic.core.scale.FleetGenerator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compiled templates give Jinjava's bytes: every default template on the example's pages, a generated fleet's (and
 * a solved fleet's) and the catalog site's, rendered once by Jinjava alone and once compiled, byte for byte; a
 * template that uses all of the compiled subset on awkward values; pages that only Jinjava renders exactly; an override
 * outside the subset; an undefined variable; escaping.
 */
class CompiledTemplateTest {
    private static final List<String> DEFAULTS = List.of(
            "deployment.html.jinja",
            "deployment.md.jinja",
            "index.html.jinja",
            "index.md.jinja",
            "nodes.html.jinja",
            "site-gpu.html.jinja",
            "site-index.html.jinja",
            "site-model.html.jinja",
            "site-search.html.jinja");

    @TempDir
    Path dir;

    @AfterEach
    void compiledAgain() {
        Templates.mode = Templates.Mode.COMPILED;
    }

    @Test
    void everyDefaultTemplateIsCompiled() throws Exception {
        Templates t = new Templates();
        for (String name : DEFAULTS) {
            assertThat(t.compiled(name)).as(name).isTrue();
        }
    }

    @Test
    void theExamplesReportIsJinjavasBytes() throws Exception {
        Inventory inv = TestSupport.exampleInventoryLoaded();
        EmitContext c =
                new EmitContext(Planner.plan(inv, TestSupport.catalog()), TestSupport.catalog(), inv.file(), "test");
        sameBothWays(() -> Compiler.emit(c, s -> {}), c.plan().deployments().size() * 2 + 2);
    }

    @Test
    void aGeneratedFleetsReportIsJinjavasBytes() throws Exception {
        // 160 nodes (sharing GPUs, one to three deployments each), two that run nothing, one below the CUDA 13
        // image's driver floor, one that offloads (pages with warnings), on cards of 50 a page
        String yaml = FleetGenerator.inventory(160, 0).replace("\ndeployments:\n", """
                          - {name: idle-gpu, address: 10.9.9.8, ram: 64GiB, cpu: {cores: 8}, gpus: [{model: nvidia-l4}]}
                          - {name: idle-cpu, address: 10.9.9.9, ram: 16GiB, cpu: {cores: 4}}
                          - {name: old-driver, address: 10.9.9.10, ram: 64GiB, cpu: {cores: 8}, gpuDriver: "575.57.08",
                             gpus: [{model: nvidia-rtx3090}]}
                          - {name: small-gpu, address: 10.9.9.11, ram: 64GiB, cpu: {cores: 8},
                             gpus: [{model: nvidia-rtx4060ti-16gb}]}

                        deployments:
                          - {name: old, model: qwen3-5-0-8b, quant: Q4_0, node: old-driver}
                          - {name: offload, model: qwen3-5-27b, quant: Q4_K_M, context: 65536, node: small-gpu}
                        """);
        Plan plan = Planner.plan(TestSupport.inventory(yaml), TestSupport.catalog());
        OutputTree out = fleet(plan, 50);
        String index = out.text("report/index.html");
        assertThat(index).contains("<ul class=\"warnings\">");
        assertThat(index).contains("nodes-4.html");
        assertThat(out.text("report/nodes-4.html")).contains("idle-cpu").contains("Runs nothing.");
        assertThat(out.text("report/offload.html")).contains("Partial offload");
        assertThat(out.text("report/old.html")).contains("CUDA 12");
    }

    @Test
    void aSolvedFleetsReportIsJinjavasBytes() throws Exception {
        // the solver's choices and alternatives: the pages' "Why this plan" and "Chosen by the solver" parts
        var asked = InventoryLoader.read(
                Path.of("inventory.yaml"), FleetGenerator.inventory(24, 0, true), TestSupport.catalog());
        OutputTree out = fleet(Solver.plan(asked, TestSupport.catalog()), 1000);
        assertThat(out.text("report/index.html")).contains("id=\"solver\"");
        assertThat(out.files().keySet().stream()
                        .filter(f -> f.endsWith(".html"))
                        .anyMatch(f -> out.text(f).contains("class=\"alternatives\"")))
                .isTrue();
    }

    private OutputTree fleet(Plan plan, int perPage) throws Exception {
        EmitContext c = new EmitContext(plan, TestSupport.catalog(), Path.of("inventory.yaml"), "test");
        int nodePages = (plan.nodes().size() + perPage - 1) / perPage;
        return sameBothWays(
                () -> {
                    OutputTree out = new OutputTree();
                    new ValuesEmitter().emit(c, out);
                    new ReportEmitter(perPage, true).emit(c, out);
                    return out;
                },
                plan.deployments().size() * 2 + 1 + nodePages);
    }

    @Test
    void theCatalogSiteIsJinjavasBytes() throws Exception {
        Catalog all = TestSupport.catalog();
        Map<String, ModelSpec> models = new TreeMap<>();
        for (String id : List.of("qwen3-5-0-8b", "qwen3-5-27b")) {
            models.put(id, all.model(id).orElseThrow());
        }
        Catalog two = new Catalog(models, all.hardware(), all.images());
        OutputTree site =
                sameBothWays(() -> new CatalogSite(two, "https://models.example.org", Optional.empty()).generate(), -1);
        assertThat(site.files().keySet())
                .contains("index.html", "search.html", "models/qwen3-5-27b/index.html", "gpus/nvidia-rtx3090.html");
    }

    interface Emit {
        OutputTree run() throws Exception;
    }

    /**
     * The tree emitted by Jinjava alone and compiled, byte for byte; every page of the second rendered compiled (none
     * through Jinjava), {@code pages} of them where it is known.
     */
    private static OutputTree sameBothWays(Emit emit, int pages) throws Exception {
        Templates.mode = Templates.Mode.JINJAVA;
        OutputTree jinjava = emit.run();
        Templates.mode = Templates.Mode.COMPILED;
        long compiled0 = Templates.COMPILED_PAGES.sum();
        long jinjava0 = Templates.JINJAVA_PAGES.sum();
        OutputTree compiled = emit.run();
        long compiledPages = Templates.COMPILED_PAGES.sum() - compiled0;
        assertThat(Templates.JINJAVA_PAGES.sum() - jinjava0)
                .as("pages the compiled run left to Jinjava")
                .isZero();
        if (pages >= 0) {
            assertThat(compiledPages).as("pages rendered compiled").isEqualTo(pages);
        } else {
            assertThat(compiledPages).as("pages rendered compiled").isPositive();
        }
        assertThat(compiled.files().keySet()).isEqualTo(jinjava.files().keySet());
        for (Map.Entry<String, byte[]> f : jinjava.files().entrySet()) {
            byte[] own = compiled.files().get(f.getKey());
            if (!Arrays.equals(own, f.getValue())) {
                fail(f.getKey() + " differs: " + difference(f.getValue(), own));
            }
        }
        return compiled;
    }

    private static String difference(byte[] jinjava, byte[] compiled) {
        String a = new String(jinjava, StandardCharsets.UTF_8);
        String b = new String(compiled, StandardCharsets.UTF_8);
        int i = 0;
        while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        int from = Math.max(0, i - 60);
        return "at " + i + ", Jinjava «" + a.substring(from, Math.min(a.length(), i + 60)) + "», compiled «"
                + b.substring(from, Math.min(b.length(), i + 60)) + "»";
    }

    record Child(String name) {}

    record Item(String name, int n, long big, boolean on, List<String> tags, List<Child> children) {}

    record Model(
            String title,
            String blank,
            String falsy,
            int zero,
            long count,
            boolean yes,
            List<Item> items,
            List<String> words,
            List<String> none,
            List<List<String>> matrix,
            Map<String, String> map,
            double ratio,
            Child nothing) {}

    /** Every construct of the subset, whitespace control included, with a loop variable that shadows its loop's. */
    private static final String SUBSET = """
            <h1 title="{{ title }}">{{ title }}</h1>{{ title|safe }}|{{ words|join(", ") }}|{{ words | join('-') }}|{{ none|join(",") }}|
            {% if blank %}E{% elif falsy %}F{% elif zero %}Z{% elif count > 2 %}C{% else %}N{% endif %}
            {% if not blank %}not-blank{% endif %}{% if not falsy %}not-falsy{% endif %}{% if not none %}no-list{% endif %}
            {% for i in items %}{% if loop.first %}[{% endif %}{{ loop.index }}/{{ loop.index0 }}/{{ loop.length }}:{{ i.name }}={{ i.n }},{{ i.big }},{{ i.on }}:{% for t in i.tags %}{{ t }}{% if not loop.last %};{% endif %}{% endfor %}{% for i in i.children %}<{{ i.name }}>{% endfor %}{{ i.name }}{% if i.n == 0 %} zero{% endif %}{% if loop.last %}]{% else %}, {% endif %}{% endfor %}
            {% for w in none %}never{% endfor %}{% for row in matrix %}{% for c in row %}{{ c }}{% endfor %}{% if row %}+{% endif %};{% endfor %}{% if count == 3 %}three{% elif title == 'plain' %}plain{% endif %}
              {%- if count >= 3 -%}
                ge
              {%- endif %}
            {% if count <= 3 %}le{% endif %}{% if count < 4 %}lt{% endif %}{% if count != 3 %}ne{% else %}eq{% endif %}{% if title == "zz" %}S{% endif %}{% if title != 'plain' %}T{% endif %}{% if yes %}Y{% endif %}{% if words %}W{% endif %}
            {{ count }} {{ zero }} {{ yes }} {{ blank }}.
            """;

    private static Model model(String title, String blank, String falsy, int zero, long count, List<Item> items) {
        return new Model(
                title,
                blank,
                falsy,
                zero,
                count,
                count % 2 == 1,
                items,
                List.of("a<", "b&", "c"),
                List.of(),
                List.of(List.of("m1", "m2"), List.of(), List.of("m<3>")),
                Map.of("zone", "z1"),
                0.25,
                new Child("kid"));
    }

    private static final List<Model> MODELS = List.of(
            model(
                    "a <b> & \"c\" 'd'",
                    "",
                    "FALSE",
                    0,
                    3,
                    List.of(
                            new Item("x\"y", 0, 12_345_678_901L, true, List.of("t1", "t<2>"), List.of(new Child("c1"))),
                            new Item("second", -7, 0, false, List.of(), List.of()),
                            new Item("third", 2, -1, true, List.of("only"), List.of(new Child("a"), new Child("b"))))),
            model("zz", "not empty", "false", 1, 2, List.of(new Item("one", 1, 1, false, List.of("x"), List.of()))),
            model("plain", "", "", 0, 4, List.of()),
            model("", " ", "no", -1, 0, List.of()));

    @Test
    void theWholeSubsetRendersAsJinjavaDoes() throws Exception {
        for (String name : List.of("subset.html.jinja", "subset.md.jinja")) {
            Files.writeString(dir.resolve(name), SUBSET);
            assertThat(new Templates(Optional.of(dir)).compiled(name)).as(name).isTrue();
            for (Model m : MODELS) {
                String jinjava = render(Templates.Mode.JINJAVA, name, m);
                long compiled0 = Templates.COMPILED_PAGES.sum();
                String compiled = render(Templates.Mode.COMPILED, name, m);
                assertThat(Templates.COMPILED_PAGES.sum() - compiled0)
                        .as("rendered compiled")
                        .isEqualTo(1);
                assertThat(compiled).as(name + " " + m.title()).isEqualTo(jinjava);
            }
        }
        // what the figures are, so that "the same" is not the same mistake twice
        String html = render(Templates.Mode.COMPILED, "subset.html.jinja", MODELS.get(0));
        assertThat(html)
                .startsWith("<h1 title=\"a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39;\">")
                .contains("</h1>a <b> & \"c\" 'd'|a&lt;, b&amp;, c|a&lt;-b&amp;-c||\nC\nnot-blanknot-falsyno-list\n")
                .contains("[1/0/3:x&quot;y=0,12345678901,true:t1;t&lt;2&gt;<c1>x&quot;y zero, "
                        + "2/1/3:second=-7,0,false:second, 3/2/3:third=2,-1,true:only<a><b>third]")
                .contains("]\nm1m2+;;m&lt;3&gt;+;threege\nlelteqTYW\n3 0 true .");
        String md = render(Templates.Mode.COMPILED, "subset.md.jinja", MODELS.get(0));
        assertThat(md).startsWith("<h1 title=\"a <b> & \"c\" 'd'\">").contains("|a<, b&, c|a<-b&-c||");
        assertThat(render(Templates.Mode.COMPILED, "subset.md.jinja", MODELS.get(1)))
                .contains("\nE\nnot-falsyno-list\n")
                .contains("[1/0/1:one=1,1,false:x")
                .contains("lelt");
    }

    /** Values the compiled pages leave to Jinjava: each page then renders through it, to its bytes. */
    @Test
    void aPageWithValuesOutsideTheSubsetRendersThroughJinjava() throws Exception {
        Map<String, String> templates = Map.of(
                "double.html.jinja", "{{ ratio }}",
                "map.html.jinja", "{{ map.zone }}",
                "list.html.jinja", "{{ words }}",
                "record.html.jinja", "{% if nothing %}{{ nothing.name }}{% endif %}",
                "nested.html.jinja", "{% for i in items %}{{ i.name }}{% endfor %}",
                "compare.html.jinja", "{% if count == \"1\" %}one{% else %}other{% endif %}");
        Model nested = model("t", "", "", 0, 1, List.of(new Item("{{ title }}", 1, 1, true, List.of(), List.of())));
        for (Map.Entry<String, String> t : templates.entrySet()) {
            Files.writeString(dir.resolve(t.getKey()), t.getValue());
            assertThat(new Templates(Optional.of(dir)).compiled(t.getKey()))
                    .as(t.getKey())
                    .isTrue();
            String jinjava = render(Templates.Mode.JINJAVA, t.getKey(), nested);
            long jinjava0 = Templates.JINJAVA_PAGES.sum();
            assertThat(render(Templates.Mode.COMPILED, t.getKey(), nested))
                    .as(t.getKey())
                    .isEqualTo(jinjava);
            assertThat(Templates.JINJAVA_PAGES.sum() - jinjava0)
                    .as(t.getKey() + " rendered by Jinjava")
                    .isEqualTo(1);
        }
        // Jinjava renders a value that holds an expression once more
        assertThat(render(Templates.Mode.COMPILED, "nested.html.jinja", nested)).isEqualTo("t");
        assertThat(render(Templates.Mode.COMPILED, "double.html.jinja", nested)).isEqualTo("0.25");
    }

    @Test
    void anOverrideOutsideTheSubsetRendersThroughJinjava() throws Exception {
        Files.writeString(dir.resolve("index.md.jinja"), """
                {% macro row(r) %}| {{ r.name|upper }} | {{ r.node }} |{% endmacro %}{% set n = rows|length %}\
                # {{ plan.cluster }}: {{ n }} deployment{% if n != 1 %}s{% endif %}
                {% for r in rows %}{{ row(r) }}
                {% endfor %}""");
        Templates own = new Templates(Optional.of(dir));
        assertThat(own.compiled("index.md.jinja")).isFalse();
        assertThat(own.compiled("index.html.jinja"))
                .as("the jar's, beside the override")
                .isTrue();
        Inventory inv = TestSupport.exampleInventoryLoaded();
        FleetPage fleet = FleetPage.of(Planner.plan(inv, TestSupport.catalog()));
        long jinjava0 = Templates.JINJAVA_PAGES.sum();
        String page = new String(own.render("index.md.jinja", fleet), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(Templates.JINJAVA_PAGES.sum() - jinjava0).isEqualTo(1);
        assertThat(page)
                .startsWith("# " + fleet.plan().cluster() + ": " + fleet.rows().size() + " deployments\n");
        for (FleetPage.Row r : fleet.rows()) {
            assertThat(page).contains("| " + r.name().toUpperCase(java.util.Locale.ROOT) + " | " + r.node() + " |\n");
        }
    }

    @Test
    void anUndefinedOrNullVariableStillFailsNamingTheTemplate() throws Exception {
        Files.writeString(dir.resolve("index.md.jinja"), "# {{ plan.cluster }} {{ nosuch }}\n");
        Files.writeString(dir.resolve("nothing.md.jinja"), "{% for w in words %}{{ w }}{% endfor %}{{ missing.name }}");
        Templates own = new Templates(Optional.of(dir));
        assertThat(own.compiled("index.md.jinja")).isTrue();
        FleetPage fleet = FleetPage.of(Planner.plan(TestSupport.exampleInventoryLoaded(), TestSupport.catalog()));
        assertThatThrownBy(() -> own.render("index.md.jinja", fleet))
                .isInstanceOf(ProsiException.class)
                .hasMessageContaining("the report template index.md.jinja failed")
                .hasMessageContaining("nosuch");
        assertThatThrownBy(() -> own.render("nothing.md.jinja", MODELS.get(0)))
                .isInstanceOf(ProsiException.class)
                .hasMessageContaining("the report template nothing.md.jinja failed")
                .hasMessageContaining("missing");
        // a component that holds null is an unknown token to Jinjava too
        Files.writeString(dir.resolve("null.md.jinja"), "{{ nothing.name }}");
        Model withNull = new Model(
                "t", "", "", 0, 1, false, List.of(), List.of(), List.of(), List.of(), Map.of(), 0, new Child(null));
        assertThatThrownBy(() -> own.render("null.md.jinja", withNull))
                .isInstanceOf(ProsiException.class)
                .hasMessageContaining("the report template null.md.jinja failed")
                .hasMessageContaining("nothing.name");
    }

    @Test
    void htmlPagesEscapeWhatTheyPrintUnlessItIsSafe() throws Exception {
        Files.writeString(dir.resolve("e.html.jinja"), "{{ title }}|{{ title|safe }}|{{ words|join(\"'\") }}");
        Files.writeString(dir.resolve("e.md.jinja"), "{{ title }}|{{ title|safe }}|{{ words|join(\"'\") }}");
        Model m = MODELS.get(0);
        for (Templates.Mode mode : Templates.Mode.values()) {
            assertThat(render(mode, "e.html.jinja", m))
                    .as(mode.name())
                    .isEqualTo("a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39;|a <b> & \"c\" 'd'|a&lt;&#39;b&amp;&#39;c");
            assertThat(render(mode, "e.md.jinja", m))
                    .as(mode.name())
                    .isEqualTo("a <b> & \"c\" 'd'|a <b> & \"c\" 'd'|a<'b&'c");
        }
    }

    @Test
    void aLongStringPrintedOnPageAfterPageGivesJinjavasBytesEachTime() throws Exception {
        // the compiled template copies a long string's bytes from the second time it prints it
        Files.writeString(dir.resolve("long.html.jinja"), "{{ title }}|{{ title|safe }}|{{ blank }}");
        String longTitle = "<b>\u00e9 & \u2013 'q' \"x\" \ud83d\ude00 ".repeat(20);
        Model first = model(longTitle, "", "", 0, 1, List.of());
        Model other = model(longTitle.substring(1), "", "", 0, 1, List.of());
        String expected = render(Templates.Mode.JINJAVA, "long.html.jinja", first);
        String expectedOther = render(Templates.Mode.JINJAVA, "long.html.jinja", other);
        Templates own = new Templates(Optional.of(dir));
        assertThat(own.compiled("long.html.jinja")).isTrue();
        long jinjava0 = Templates.JINJAVA_PAGES.sum();
        for (int i = 0; i < 4; i++) {
            assertThat(new String(own.render("long.html.jinja", first), StandardCharsets.UTF_8))
                    .as("page " + i)
                    .isEqualTo(expected);
            assertThat(new String(own.render("long.html.jinja", other), StandardCharsets.UTF_8))
                    .as("other page " + i)
                    .isEqualTo(expectedOther);
        }
        assertThat(Templates.JINJAVA_PAGES.sum() - jinjava0).isZero();
        assertThat(expected).startsWith("&lt;b&gt;\u00e9 &amp; \u2013 &#39;q&#39; &quot;x&quot;");
    }

    private String render(Templates.Mode mode, String name, Object model) throws ProsiException {
        Templates.mode = mode;
        try {
            return new String(
                    new Templates(Optional.of(dir)).render(name, model), java.nio.charset.StandardCharsets.UTF_8);
        } finally {
            Templates.mode = Templates.Mode.COMPILED;
        }
    }
}
