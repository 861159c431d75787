package eu.prositronic.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.prositronic.TestSupport;
import eu.prositronic.core.catalog.CatalogLoader.CatalogFile;
import eu.prositronic.core.catalog.ModelSpec.QuantFile;
import eu.prositronic.core.problem.InvalidInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The catalog's files hold together: exact files name their revision and hash, split files every shard, shards sum to
 * the file, split names match the shard count, and nothing is listed that no publisher publishes. (Schema, parameter
 * counts within 1 % and sizes growing with bits per weight: {@link CatalogTest}.)
 */
class CatalogConsistencyTest {
    private static final Pattern SPLIT = Pattern.compile("-\\d{5}-of-(\\d{5})\\.gguf$");

    static List<QuantFile> files(ModelSpec m) {
        List<QuantFile> all = new ArrayList<>(m.quantizations());
        m.capabilities().vision().ifPresent(v -> all.add(v.file()));
        return all;
    }

    @Test
    void everyExactFileNamesItsRevisionAndAHashPerPartAndItsSourceIsAtThatRevision() {
        List<String> bad = new ArrayList<>();
        for (ModelSpec m : TestSupport.catalog().models().values()) {
            for (QuantFile q : files(m)) {
                String at = m.id() + " " + q.quant();
                if (!QuantFile.marked(q.source())) {
                    if (!q.verified()) {
                        bad.add(at + ": a URL source without revision and sha256");
                    }
                    if (q.source().startsWith("https://huggingface.co/")
                            && !ModelReader.atRevision(q.source(), q.revision().orElse("?"))) {
                        bad.add(at + ": the source is not at the revision");
                    }
                }
                q.revision().ifPresent(r -> {
                    if (!r.matches("[0-9a-f]{40}")) {
                        bad.add(at + ": revision " + r);
                    }
                });
            }
        }
        assertThat(bad).isEmpty();
    }

    @Test
    void shardsSumToTheFileStartAtItAndMatchTheSplitName() {
        List<String> bad = new ArrayList<>();
        for (ModelSpec m : TestSupport.catalog().models().values()) {
            for (QuantFile q : files(m)) {
                String at = m.id() + " " + q.quant();
                long sum = q.parts().stream().mapToLong(s -> s.size().value()).sum();
                if (sum != q.size().value()) {
                    bad.add(at + ": parts sum to " + sum + ", the file is "
                            + q.size().value());
                }
                if (!q.parts().get(0).path().equals(q.file())) {
                    bad.add(at + ": the first part is not the file");
                }
                Matcher split = SPLIT.matcher(q.file());
                if (split.find()) {
                    int n = Integer.parseInt(split.group(1));
                    if (q.shards().isEmpty() && q.verified()) {
                        bad.add(at + ": a verified split file without shards");
                    }
                    if (!q.shards().isEmpty() && q.shards().size() != n) {
                        bad.add(at + ": " + q.shards().size() + " shards, the name says " + n);
                    }
                    if (!q.shards().isEmpty() && q.sha256().isPresent()) {
                        bad.add(at + ": a split file with one sha256");
                    }
                } else if (!q.shards().isEmpty()) {
                    bad.add(at + ": shards for a file not named as a split");
                }
            }
        }
        assertThat(bad).isEmpty();
    }

    @Test
    void listsNoFileThatIsNotPublished() {
        for (String moe : List.of("qwen3-5-35b-a3b", "qwen3-5-122b-a10b", "qwen3-5-397b-a17b")) {
            ModelSpec m = TestSupport.catalog().model(moe).orElseThrow();
            assertThat(m.quant("Q4_0")).as(moe + ": unsloth publishes no Q4_0").isEmpty();
            assertThat(m.quant("MXFP4_MOE"))
                    .as(moe + ": unsloth publishes MXFP4_MOE")
                    .isPresent();
        }
    }

    @Test
    void theRealMoeFileSizesThatDecideAFitAreTheExactOnes() {
        // the audit's example: the real Q5_K_M of the 35B-A3B does not fit a 24 GB card (the computed 24.7e9 did)
        assertThat(TestSupport.catalog()
                        .model("qwen3-5-35b-a3b")
                        .flatMap(m -> m.quant("Q5_K_M"))
                        .map(q -> q.size().value()))
                .hasValue(26_249_607_808L);
    }

    @Test
    void countsTheExactFiles() {
        int exact = 0;
        int all = 0;
        for (ModelSpec m : TestSupport.catalog().models().values()) {
            for (QuantFile q : files(m)) {
                all++;
                exact += q.verified() ? 1 : 0;
            }
        }
        // raise these as files are verified; a drop means a file lost its revision or hash
        assertThat(all).isEqualTo(107);
        assertThat(exact).isEqualTo(40);
    }

    private static final String MODEL_HEAD = """
            id: my-model
            name: My model
            family: mine
            license: {id: mit, source: https://example.org/license}
            description: A test model.
            parameters: {total: 1000000, active: 1000000, source: "computed: test"}
            capabilities: {thinking: {supported: false, defaultOn: false}, toolCalls: false, languages: 0, tags: []}
            architecture:
              ggufArchitecture: llama
              blockCount: 2
              embeddingLength: 64
              feedForwardLength: 128
              vocabSize: 100
              contextLength: 4096
              attention: {headCount: 2, headCountKv: 2, keyLength: 32, valueLength: 32, layerPattern: [full], slidingWindow: 0}
              source: "computed: test"
            quantizations:
            """;

    static void load(String quantizations) throws Exception {
        String rel = CatalogKeys.MODELS_FOLDER + "my-model.yaml";
        CatalogLoader.load(
                CatalogLoader.embeddedFiles(),
                List.of(new CatalogFile(Path.of("catalog/" + rel), rel, MODEL_HEAD + quantizations)));
    }

    @Test
    void theLoaderRejectsAUrlSourceWithoutRevisionAndHashAndShardsThatDoNotSum() {
        assertThatThrownBy(() -> load("""
                          - quant: Q8_0
                            repo: me/my-model-GGUF
                            file: my-model-Q8_0.gguf
                            sizeBytes: 1000
                            source: https://huggingface.co/me/my-model-GGUF
                        """))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("an exact file names its revision and sha256")
                .hasMessageContaining("unverified: <why>");
        String rev = "0123456789abcdef0123456789abcdef01234567";
        String sha = "a".repeat(64);
        assertThatThrownBy(() -> load("""
                          - quant: Q8_0
                            repo: me/my-model-GGUF
                            revision: %s
                            file: Q8_0/my-model-Q8_0-00001-of-00002.gguf
                            sizeBytes: 1000
                            shards:
                              - {path: Q8_0/my-model-Q8_0-00001-of-00002.gguf, sizeBytes: 600, sha256: %s}
                              - {path: Q8_0/my-model-Q8_0-00002-of-00002.gguf, sizeBytes: 300, sha256: %s}
                            source: https://huggingface.co/me/my-model-GGUF/tree/%s/Q8_0
                        """.formatted(rev, sha, sha, rev)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("the shards sum to 900 B, not the file's 1000 B");
        assertThatThrownBy(() -> load("""
                          - quant: Q8_0
                            repo: me/my-model-GGUF
                            revision: %s
                            file: my-model-Q8_0.gguf
                            sizeBytes: 1000
                            sha256: %s
                            source: https://huggingface.co/me/my-model-GGUF/blob/main/my-model-Q8_0.gguf
                        """.formatted(rev, sha)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("the source is not at this revision");
    }

    @Test
    void anExactSplitFileCitingItsFolderOrTheTreeAtTheRevisionAndAnUnverifiedOneLoad() throws Exception {
        String rev = "0123456789abcdef0123456789abcdef01234567";
        String sha = "b".repeat(64);
        load("""
                  - quant: Q8_0
                    repo: me/my-model-GGUF
                    revision: %s
                    file: Q8_0/my-model-Q8_0-00001-of-00002.gguf
                    sizeBytes: 1000
                    shards:
                      - {path: Q8_0/my-model-Q8_0-00001-of-00002.gguf, sizeBytes: 600, sha256: %s}
                      - {path: Q8_0/my-model-Q8_0-00002-of-00002.gguf, sizeBytes: 400, sha256: %s}
                    source: https://huggingface.co/me/my-model-GGUF/tree/%s/Q8_0
                  - quant: Q6_K
                    repo: me/my-model-GGUF
                    revision: %s
                    file: my-model-Q6_K-00001-of-00002.gguf
                    sizeBytes: 800
                    shards:
                      - {path: my-model-Q6_K-00001-of-00002.gguf, sizeBytes: 100, sha256: %s}
                      - {path: my-model-Q6_K-00002-of-00002.gguf, sizeBytes: 700, sha256: %s}
                    source: "https://huggingface.co/me/my-model-GGUF/tree/%s (shards at the repository root)"
                  - quant: Q4_K_M
                    repo: me/my-model-GGUF
                    file: my-model-Q4_K_M.gguf
                    sizeBytes: 600
                    source: "unverified: seen in a listing without a revision"
                """.formatted(rev, sha, sha, rev, rev, sha, sha, rev));
    }
}
