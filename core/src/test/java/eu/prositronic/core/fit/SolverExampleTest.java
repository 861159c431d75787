package eu.prositronic.core.fit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import eu.prositronic.TestSupport;
import eu.prositronic.core.Compiler;
import eu.prositronic.core.inventory.InventoryLoader;
import eu.prositronic.core.inventory.InventoryRequest;
import eu.prositronic.core.write.OutputWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The solver example (examples/solver): a mixed fleet with `quant: auto` and `node: auto` compiles end to end. */
class SolverExampleTest {
    static Path example() {
        return TestSupport.repoRoot().resolve("examples/solver/src/main/prositronic/inventory.yaml");
    }

    static InventoryRequest asked() throws Exception {
        return InventoryLoader.read(example(), TestSupport.read(example()), TestSupport.catalog());
    }

    @Test
    void theExampleCompilesWithEveryChoiceItsReasonAndAlternativesInPlanJsonAndTheReport(@TempDir Path dir)
            throws Exception {
        Path out = dir.resolve("out");
        Compiler.Result r = Compiler.compile(
                new Compiler.Request(example(), Optional.empty(), out, "test", OutputWriter.Writer.ANONYMOUS), s -> {});
        assertThat(r.plan().solver()).isPresent();
        JsonNode plan = new ObjectMapper().readTree(Files.readString(out.resolve("plan.json")));
        var schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(Files.readString(out.resolve("plan.schema.json")));
        assertThat(schema.validate(plan)).isEmpty();
        assertThat(plan.at("/solver/method").asText()).isEqualTo("exhaustive");
        for (JsonNode d : plan.get("deployments")) {
            String name = d.get("name").asText();
            if (name.equals("notes")) {
                assertThat(d.has("chosenBy"))
                        .as("a written-out deployment has no solver fields")
                        .isFalse();
                assertThat(d.get("quant").asText()).isEqualTo("Q4_K_M");
                assertThat(d.get("ctxSize").asLong()).isEqualTo(32768);
                continue;
            }
            assertThat(d.get("chosenBy").findValuesAsText("choice")).as(name).contains("quant", "node");
            assertThat(d.get("alternatives").size()).as(name).isPositive();
        }
        assertThat(plan.at("/deployments/1/node").asText())
                .as("code's selector matches gpu-b only")
                .isEqualTo("gpu-b");
        long chat = plan.at("/deployments/0/ctxSize").asLong();
        assertThat(chat).isBetween(32768L, 131072L);
        assertThat(Files.readString(out.resolve("report/chat.html")))
                .contains("<h3 id=\"why\">Why this plan</h3>")
                .contains("<table class=\"alternatives\">");
        assertThat(Files.readString(out.resolve("report/chat.md"))).contains("## Why this plan");
        assertThat(Files.readString(out.resolve("report/notes.md"))).doesNotContain("Why this plan");
        assertThat(Files.readString(out.resolve("report/index.md"))).contains("## Chosen by the solver");
        assertThat(Files.readString(out.resolve("report/index.html")))
                .contains("<h2 id=\"solver\">Chosen by the solver</h2>")
                .contains("<td><a href=\"chat.html\">chat</a></td><td>quant</td>");
    }

    @Test
    void theExampleSolvesToTheSameBytesEveryTime() throws Exception {
        String first = eu.prositronic.core.yaml.Serializers.json(
                eu.prositronic.core.emit.PlanJson.of(Solver.plan(asked(), TestSupport.catalog()), "test"));
        String second = eu.prositronic.core.yaml.Serializers.json(
                eu.prositronic.core.emit.PlanJson.of(Solver.plan(asked(), TestSupport.catalog()), "test"));
        assertThat(second).isEqualTo(first);
    }
}
