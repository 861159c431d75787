package eu.prositronic.core.emit.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import eu.prositronic.TestSupport;
import eu.prositronic.core.Compiler;
import eu.prositronic.core.emit.EmitContext;
import eu.prositronic.core.emit.OutputTree;
import eu.prositronic.core.fit.DeploymentPlan;
import eu.prositronic.core.fit.LayoutKind;
import eu.prositronic.core.fit.NoFitException;
import eu.prositronic.core.fit.Planner;
import eu.prositronic.core.inventory.Deployment;
import eu.prositronic.core.inventory.Inventory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The example's HTML report: every figure on a page is plan.json's, and the pages stand alone. */
class HtmlReportTest {
    static OutputTree tree;
    static JsonNode plan;

    @BeforeAll
    static void compileTheExample() throws Exception {
        Inventory inv = TestSupport.exampleInventoryLoaded();
        tree = Compiler.emit(
                new EmitContext(Planner.plan(inv, TestSupport.catalog()), TestSupport.catalog(), inv.file(), "test"),
                s -> {});
        plan = new ObjectMapper().readTree(tree.text("plan.json"));
        // kept as test output for a look (and for the browser test's screenshots)
        Path out = TestSupport.repoRoot().resolve("core/target/example-report");
        for (Map.Entry<String, byte[]> f : tree.files().entrySet()) {
            if (f.getKey().startsWith("report/") || f.getKey().equals("plan.json")) {
                Path p = out.resolve(f.getKey());
                Files.createDirectories(p.getParent());
                Files.write(p, f.getValue());
            }
        }
    }

    @Test
    void everyDeploymentHasAnHtmlPageWhoseMemoryFiguresArePlanJsons() {
        for (JsonNode d : plan.get("deployments")) {
            String html = tree.text("report/" + d.get("name").asText() + ".html");
            assertThat(html).as(d.get("name").asText()).isNotNull();
            int checked = 0;
            for (JsonNode dev : d.get("memory").get("devices")) {
                Iterator<Map.Entry<String, JsonNode>> fields = dev.fields();
                while (fields.hasNext()) {
                    Map.Entry<String, JsonNode> f = fields.next();
                    String k = f.getKey();
                    if (k.endsWith("Bytes") && !MemoryBars.SUMS.contains(k)) {
                        String part = k.substring(0, k.length() - 5);
                        assertThat(html)
                                .as(d.get("name").asText() + " " + dev.get("id").asText() + " " + part)
                                .contains("data-part=\"" + dev.get("id").asText() + "/" + part + "\">"
                                        + f.getValue().asLong() + "<");
                        checked++;
                    }
                }
            }
            assertThat(checked).isGreaterThanOrEqualTo(5);
            assertThat(html)
                    .contains(String.format(
                            java.util.Locale.ROOT, "%,d", d.get("ctxSize").asLong()));
            assertThat(html)
                    .contains(
                            d.get("gpuLayers").asInt() + " / " + d.get("layers").asInt());
            assertThat(html).contains("<code>" + d.get("backend").asText() + "</code>");
        }
    }

    @Test
    void thePagesAreSelfContained() {
        for (String path : tree.files().keySet()) {
            if (path.startsWith("report/") && path.endsWith(".html")) {
                String html = tree.text(path);
                assertThat(html)
                        .as(path)
                        .startsWith("<!DOCTYPE html>")
                        .contains("<style>")
                        .contains("<svg");
                assertThat(html)
                        .as(path)
                        .doesNotContain(
                                "<script src", "rel=\"stylesheet\"", "@import", "url(", "src=\"http", "{{", "{%");
                assertThat(html).as(path).contains("prefers-color-scheme: dark").contains("@media print");
            }
        }
    }

    @Test
    void theValuesFileShownIsTheFileWritten() {
        String html = tree.text("report/chat.html");
        String values = tree.text("values/qwen3-5-4b/q5_k_m/nvidia-rtx3090.yaml");
        assertThat(html)
                .contains(values.replace("&", "&amp;")
                        .replace("<", "&lt;")
                        .replace(">", "&gt;")
                        .replace("\"", "&quot;")
                        .replace("'", "&#39;"));
    }

    /** One row of a page's FAQ table of variants, as the page states it. */
    record Row(String kind, String what, String verdict, long ctx, long vram, long ram, long margin) {}

    static final Pattern ROW = Pattern.compile("<tr class=\"[a-z]*\" data-variant=\"([a-z]+)\" data-what=\"([^\"]*)\""
            + " data-verdict=\"([a-z]+)\" data-ctx=\"(\\d+)\" data-vram-bytes=\"(\\d+)\" data-ram-bytes=\"(\\d+)\""
            + " data-margin-bytes=\"(-?\\d+)\"");

    static List<Row> rows(String html) {
        List<Row> rows = new ArrayList<>();
        Matcher m = ROW.matcher(html);
        while (m.find()) {
            rows.add(new Row(
                    m.group(1),
                    m.group(2),
                    m.group(3),
                    Long.parseLong(m.group(4)),
                    Long.parseLong(m.group(5)),
                    Long.parseLong(m.group(6)),
                    Long.parseLong(m.group(7))));
        }
        return rows;
    }

    /** The page's first row is this deployment as plan.json has it. */
    @Test
    void theFaqTablesFirstRowIsThePlan() {
        for (JsonNode d : plan.get("deployments")) {
            Row current = rows(tree.text("report/" + d.get("name").asText() + ".html"))
                    .get(0);
            long vram = 0;
            long ram = 0;
            for (JsonNode dev : d.get("memory").get("devices")) {
                if (dev.get("kind").asText().equals("gpu")) {
                    vram += dev.get("usedBytes").asLong();
                } else {
                    ram += dev.get("usedBytes").asLong();
                }
            }
            assertThat(current.kind()).isEqualTo("current");
            assertThat(current.ctx()).isEqualTo(d.get("ctxSize").asLong());
            assertThat(current.vram()).as(d.get("name").asText()).isEqualTo(vram);
            assertThat(current.ram()).as(d.get("name").asText()).isEqualTo(ram);
        }
    }

    /**
     * Every variant the FAQ names, fitted again by planning the whole example fleet with that one change: what the page
     * says fits is planned with the page's context and memory, what it says runs with offload is planned with layers
     * off the GPU, and what it says does not fit makes the planner fail.
     */
    @Test
    void theFaqsVariantsAreWhatThePlannerDoesWithThatChange() throws Exception {
        Inventory inv = TestSupport.exampleInventoryLoaded();
        int checked = 0;
        java.util.Set<String> verdicts = new java.util.TreeSet<>();
        for (JsonNode dj : plan.get("deployments")) {
            String name = dj.get("name").asText();
            List<Row> rows = rows(tree.text("report/" + name + ".html"));
            assertThat(rows.stream().map(Row::kind)).as(name).contains("current", "quant");
            for (Row r : rows.subList(1, rows.size())) {
                checkVariant(inv, name, r);
                verdicts.add(r.verdict());
                checked++;
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(8);
        assertThat(verdicts).contains("fits");
    }

    /** A node of its own where the context variants do not all fit: the planner agrees with each row. */
    @Test
    void aTightNodesVariantsThatDoNotFitAreNoFitsOfThePlanner() throws Exception {
        Inventory inv = TestSupport.inventory("cluster: {name: t, namespace: llm}\nnodes:\n"
                + "  - name: n1\n    address: 10.0.0.1\n    ram: 6GiB\n    cpu: {cores: 8}\n"
                + "    gpus: [{model: nvidia-rtx3090}]\n"
                + "deployments:\n  - name: big\n    model: qwen3-5-27b\n    quant: Q4_K_M\n    node: n1\n"
                + "    context: 65536\n");
        OutputTree own = Compiler.emit(
                new EmitContext(Planner.plan(inv, TestSupport.catalog()), TestSupport.catalog(), inv.file(), "test"),
                s -> {});
        List<Row> rows = rows(own.text("report/big.html"));
        assertThat(rows.stream().map(Row::what))
                .contains("half: 32,768 tokens", "double: 131,072 tokens", "the trained maximum: 262,144 tokens");
        for (Row r : rows.subList(1, rows.size())) {
            checkVariant(inv, "big", r);
        }
        assertThat(rows.stream().map(Row::verdict)).contains("fits", "nofit");
        Row max = rows.stream()
                .filter(r -> r.what().startsWith("the trained maximum"))
                .findFirst()
                .orElseThrow();
        assertThat(max.verdict()).isEqualTo("nofit");
        assertThat(max.margin()).as("what it lacks").isNegative();
    }

    private static void checkVariant(Inventory inv, String name, Row r) throws Exception {
        List<Deployment> changed = new ArrayList<>();
        Deployment variant = null;
        for (Deployment d : inv.deployments()) {
            if (d.name().equals(name)) {
                variant = r.kind().equals("context")
                        ? d.withContext(java.util.OptionalLong.of(r.ctx()))
                        : d.withQuant(d.model().quantizations().stream()
                                .filter(q -> q.quant().equals(r.what()))
                                .findFirst()
                                .orElseThrow());
                changed.add(variant);
            } else {
                changed.add(d);
            }
        }
        Inventory withIt = new Inventory(inv.file(), inv.cluster(), inv.nodes(), changed, inv.energy());
        String as = name + " " + r.what();
        if (r.verdict().equals("nofit")) {
            assertThatThrownBy(() -> Planner.plan(withIt, TestSupport.catalog()))
                    .as(as)
                    .isInstanceOf(NoFitException.class);
            return;
        }
        DeploymentPlan p = Planner.plan(withIt, TestSupport.catalog()).deployments().stream()
                .filter(x -> x.name().equals(name))
                .findFirst()
                .orElseThrow();
        assertThat(p.ctxSize()).as(as).isEqualTo(r.ctx());
        assertThat(p.memory().vramUsed().value()).as(as).isEqualTo(r.vram());
        assertThat(p.memory().ramUsed().value()).as(as).isEqualTo(r.ram());
        assertThat(p.layoutKind() == LayoutKind.FULL || p.layoutKind() == LayoutKind.CPU)
                .as(as + " runs entirely where the page says")
                .isEqualTo(r.verdict().equals("fits"));
        assertThat(r.margin()).as(as).isNotNegative();
    }

    /** The Ollama answer pins plan.json's context per slot and GPU layers, and its cache type where not f16. */
    @Test
    void theOllamaEquivalentIsThisFitsContextLayersAndCache() {
        for (JsonNode d : plan.get("deployments")) {
            String html = tree.text("report/" + d.get("name").asText() + ".html");
            assertThat(html)
                    .as(d.get("name").asText())
                    .contains("PARAMETER num_ctx " + d.get("ctxPerSlot").asLong() + "\nPARAMETER num_gpu "
                            + d.get("gpuLayers").asInt())
                    .contains("ollama create " + d.get("name").asText() + " -f Modelfile");
        }
        assertThat(tree.text("report/chat.html")).contains("FROM qwen3.5:4b-q5_k_m");
        assertThat(tree.text("report/extract.html"))
                .contains("OLLAMA_FLASH_ATTENTION=1 OLLAMA_KV_CACHE_TYPE=q4_0 ollama serve")
                .contains("Ollama has no draft model");
    }

    /** The seed pages' hardware-requirements rows and FAQ questions, in their order (docs: the catalog pages). */
    static final List<String> SEED_SHAPE = List.of(
            "<h1>",
            "<h2 id=\"overview\">Overview</h2>",
            "<h2 id=\"hardware\">Hardware requirements</h2>",
            "<th>Model size</th>",
            "<th>VRAM available</th>",
            "<th>VRAM used</th>",
            "<th>System RAM</th>",
            "<th>Min RAM required</th>",
            "<th>GPU layers</th>",
            "<th>Context size</th>",
            "<th>Backend</th>",
            "<th>Flash attention</th>",
            "<th>Reading from disk</th>",
            "<h3 id=\"memory\">",
            "<h2 id=\"deploy\">Deploy</h2>",
            "helmfile ",
            "<h2 id=\"faq\">FAQ</h2>",
            "<dt>How much VRAM does ",
            "<dt>Can I run ",
            "<dt>Which other quantizations and contexts fit here?</dt>",
            "<dt>What is quantization?</dt>",
            "<dt>What quantization should I choose?</dt>",
            "<dt>What is flash attention and why is it ",
            "<dt>Why are the layers where they are?</dt>",
            "<dt>How do I run ");

    static void assertSeedShape(String html, String as) {
        int at = 0;
        for (String part : SEED_SHAPE) {
            int next = html.indexOf(part, at);
            assertThat(next)
                    .as(as + ": " + part + " after what comes before it")
                    .isGreaterThanOrEqualTo(0);
            at = next + part.length();
        }
    }

    @Test
    void everyDeploymentPageHasTheSeedPagesSectionsRowsAndQuestionsInOrder() {
        for (JsonNode d : plan.get("deployments")) {
            assertSeedShape(
                    tree.text("report/" + d.get("name").asText() + ".html"),
                    d.get("name").asText());
        }
    }

    /** A template of the same name beside the inventory (templates/report/) replaces the embedded one. */
    @Test
    void anInfraRepoOverridesATemplate(@org.junit.jupiter.api.io.TempDir Path repo) throws Exception {
        Path inventory = repo.resolve("inventory.yaml");
        Files.writeString(inventory, TestSupport.read(TestSupport.exampleInventory()));
        Files.createDirectories(repo.resolve("templates/report"));
        Files.writeString(
                repo.resolve("templates/report/index.html.jinja"),
                "{% autoescape %}<p>our fleet"
                        + " {{ fleet.plan.cluster }}: {{ deploymentCount }} deployments</p><style>{{ style|safe }}</style>"
                        + "{% endautoescape %}");
        Files.writeString(repo.resolve("templates/report/style.css"), "body { color: rebeccapurple; }");
        Inventory inv = eu.prositronic.core.inventory.InventoryLoader.load(
                inventory, TestSupport.read(inventory), TestSupport.catalog());
        OutputTree own = Compiler.emit(
                new EmitContext(Planner.plan(inv, TestSupport.catalog()), TestSupport.catalog(), inv.file(), "test"),
                s -> {});
        assertThat(own.text("report/index.html"))
                .isEqualTo("<p>our fleet homelab: 4 deployments</p><style>body { color: rebeccapurple; }</style>");
        assertThat(own.text("report/chat.html")).contains("rebeccapurple").contains("<h1>Qwen3.5 4B");
    }
}
