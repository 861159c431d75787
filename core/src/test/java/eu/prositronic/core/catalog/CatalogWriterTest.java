package eu.prositronic.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import eu.prositronic.TestSupport;
import eu.prositronic.core.catalog.CatalogLoader.CatalogFile;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CatalogWriterTest {
    @Test
    void everyEmbeddedModelWrittenByTheWriterLoadsBackIntoTheSameRecords() throws Exception {
        List<CatalogFile> embedded = CatalogLoader.embeddedFiles();
        Catalog catalog = CatalogLoader.load(embedded, List.of());
        ModelEntry.Sources sources = new ModelEntry.Sources(
                "https://example.org/license", "computed: test", "computed: test", "computed: test");
        for (ModelSpec m : catalog.models().values()) {
            String rel = CatalogKeys.MODELS_FOLDER + m.id() + ".yaml";
            String yaml = CatalogWriter.model(new ModelEntry(m, sources));
            Catalog again = CatalogLoader.load(embedded, List.of(new CatalogFile(Path.of(rel), rel, yaml)));
            assertThat(again.model(m.id())).as(m.id() + "\n" + yaml).contains(m);
        }
        assertThat(catalog.models()).hasSizeGreaterThanOrEqualTo(16);
    }

    @Test
    void leavesOutOnlyWhatTheReaderDefaultsTo() {
        ModelSpec m = TestSupport.catalog().model("qwen3-5-4b").orElseThrow();
        ModelSpec bare = new ModelSpec(
                m.id(),
                m.name(),
                m.family(),
                List.of(),
                m.license(),
                m.description(),
                m.parametersTotal(),
                m.parametersActive(),
                ModelSpec.Capabilities.unknown(),
                m.architecture(),
                m.quantizations());
        String yaml = CatalogWriter.model(new ModelEntry(bare, new ModelEntry.Sources("a", "b", "c", "d")));
        assertThat(yaml)
                .doesNotContain(CatalogKeys.Model.ALIASES + ":")
                .doesNotContain(CatalogKeys.Thinking.TEMPLATE_KWARG)
                .doesNotContain("\n  " + CatalogKeys.Capabilities.VISION + ":")
                .contains("  thinking:\n    supported: false\n    defaultOn: false\n  toolCalls: false\n")
                .startsWith(
                        "id: qwen3-5-4b\nname: Qwen3.5 4B\nfamily: qwen3.5\nlicense:\n  id: apache-2.0\n  source: a\n");
    }
}
