package eu.prositronic.core.emit.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import eu.prositronic.TestSupport;
import eu.prositronic.core.Compiler;
import eu.prositronic.core.emit.EmitContext;
import eu.prositronic.core.emit.OutputTree;
import eu.prositronic.core.fit.Planner;
import eu.prositronic.core.inventory.Inventory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
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
                    if (k.endsWith("Bytes") && !k.equals("capacityBytes") && !k.equals("usedBytes")) {
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

    @Test
    void theFaqFitsTheNeighbouringQuantizationsAndContextsWithTheirNumbers() {
        String html = tree.text("report/chat.html");
        Matcher m = Pattern.compile("<li><span class=\"(fits|nofit)\">").matcher(html);
        int n = 0;
        while (m.find()) {
            n++;
        }
        assertThat(n).isGreaterThanOrEqualTo(3);
        assertThat(html).contains("Q6_K fits: all 33 layers").contains("131,072 tokens fits");
        assertThat(tree.text("report/index.html"))
                .contains("chat.html")
                .contains("gpu-01")
                .contains("<svg");
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
