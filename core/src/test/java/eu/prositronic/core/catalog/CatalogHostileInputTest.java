package eu.prositronic.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import eu.prositronic.core.catalog.CatalogLoader.CatalogFile;
import eu.prositronic.core.problem.Problem;
import eu.prositronic.core.yaml.Problems;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Catalog entries that used to crash later (in the fit engine, the emitters or the output-path guard) or passed
 * although wrong: each is now a placed problem in its file, with a fix.
 */
class CatalogHostileInputTest {
    static List<CatalogFile> embedded() throws Exception {
        return CatalogLoader.embeddedFiles();
    }

    static String text(String rel) throws Exception {
        return embedded().stream()
                .filter(f -> f.relativePath().equals(rel))
                .findFirst()
                .orElseThrow()
                .text();
    }

    /** The problems of the embedded catalog with {@code rel} replaced by {@code text} in a user folder. */
    static List<Problem> problems(String rel, String text) throws Exception {
        CatalogFile mine = new CatalogFile(Path.of("my-catalog/" + rel), rel, text);
        CatalogLoader.Partial p = CatalogLoader.loadPartial(embedded(), List.of(mine), List.of());
        return p.problems();
    }

    static void placed(List<Problem> problems, String file) {
        assertThat(problems).isNotEmpty();
        for (Problem p : problems) {
            assertThat(p.file()).as(p.format()).isNotNull();
            assertThat(p.file().toString()).as(p.format()).contains(file);
            assertThat(p.line()).as(p.format()).isPositive();
            assertThat(p.fix()).as(p.format()).isNotBlank();
            assertThat(p.format()).as("one line").doesNotContain("\n").doesNotContain("<input>");
        }
    }

    @ParameterizedTest(name = "{1} -> {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "hardware/nvidia-rtx3090.yaml|'computeCapability: \"8.6\"'|'computeCapability: \"8.x\"'|not a compute"
                        + " capability",
                "hardware/nvidia-rtx3090.yaml|'computeCapability: \"8.6\"'|'computeCapability: \"\"'|needs"
                        + " `computeCapability`",
                "hardware/nvidia-rtx3090.yaml|'memoryBytes: 25769803776'|'memoryBytes: 9223372036854775807'|out of"
                        + " range",
                "hardware/nvidia-rtx3090.yaml|'fp16Tflops: 35.6'|'fp16Tflops: 1e300'|out of range",
                "models/qwen3-5-0-8b.yaml|'sizeBytes: 470167808'|'sizeBytes: 9223372036854775807'|out of range",
                "models/qwen3-5-0-8b.yaml|'sizeBytes: 470167808'|'sizeBytes: -470167808'|out of range",
                "models/qwen3-5-0-8b.yaml|'total: 752393024'|'total: 9223372036854775807'|out of range",
                "models/qwen3-5-0-8b.yaml|'quant: Q3_K_M'|'quant: ../../etc'|not a quant name",
                "models/qwen3-5-0-8b.yaml|'quant: Q3_K_M'|'quant: Q3/K_M'|not a quant name",
                "models/qwen3-5-0-8b.yaml|'quant: Q3_K_M'|'quant: q4_k_m'|a second quantization `Q4_K_M`",
                "models/qwen3-5-0-8b.yaml|'file: Qwen3.5-0.8B-Q3_K_M.gguf'|'file: ../Qwen3.5-0.8B-Q3_K_M.gguf'|not a"
                        + " valid `file`",
                "models/qwen3-5-0-8b.yaml|'file: Qwen3.5-0.8B-Q3_K_M.gguf'|'file: \"a\\nb.gguf\"'|not a valid `file`",
                "images.yaml|'minDriver: \"570.26\"'|'minDriver: \"570.x\"'|not a driver version",
            })
    void eachIsAPlacedProblemInItsFile(String rel, String from, String to, String expected) throws Exception {
        String good = text(rel);
        assertThat(problems(rel, good)).as("the unchanged file loads").isEmpty();
        assertThat(good).contains(from);
        List<Problem> problems = problems(
                rel,
                good.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to)));
        assertThat(problems).extracting(Problem::format).anyMatch(s -> s.contains(expected));
        placed(problems, "my-catalog/" + rel);
    }

    @Test
    void aTensorTableWithAShortExpertListIsPlaced() throws Exception {
        String rel = "models/qwen3-5-0-8b.yaml";
        String blocks = "[" + String.join(", ", java.util.Collections.nCopies(24, "1000")) + "]";
        String table = "    tensors:\n"
                + "      tokenEmbeddingBytes: 1000\n"
                + "      outputBytes: 1000\n"
                + "      blockBytes: " + blocks + "\n"
                + "      blockExpertBytes: [0, 0]\n"
                + "      source: \"computed: test\"\n";
        String text = text(rel).replace("  - quant: Q3_K_M\n", "  - quant: Q3_K_M\n" + table);
        List<Problem> problems = problems(rel, text);
        assertThat(problems).extracting(Problem::format).anyMatch(s -> s.contains("`blockExpertBytes` lists 2"));
        placed(problems, "my-catalog/" + rel);
    }

    @Test
    void anAliasOfTwoModelsNamesBothFiles() throws Exception {
        String rel = "models/qwen3-5-0-8b.yaml";
        String text = text(rel).replace("aliases: [qwen3.5-0.8b,", "aliases: [qwen3.5-4b, qwen3.5-0.8b,");
        List<Problem> problems = problems(rel, text);
        assertThat(problems).hasSize(1);
        Problem p = problems.get(0);
        assertThat(p.format())
                .startsWith("my-catalog/models/qwen3-5-0-8b.yaml:5:")
                .contains("aliases[0]")
                .contains("/models/qwen3-5-4b.yaml:6)");
        placed(problems, "my-catalog/" + rel);
    }

    @Test
    void aBrokenModelIsLeftOutOfThePartialCatalogAndNamed() throws Exception {
        String rel = "models/qwen3-5-0-8b.yaml";
        CatalogLoader.Partial p = CatalogLoader.loadPartial(
                embedded(),
                List.of(new CatalogFile(
                        Path.of("my-catalog/" + rel), rel, text(rel).replace("blockCount:", "blokCount:"))),
                List.of());
        assertThat(p.problems()).isNotEmpty();
        assertThat(p.usable()).isPresent();
        assertThat(p.catalog().model("qwen3-5-0-8b")).isEmpty();
        assertThat(p.catalog().model("qwen3-5-4b")).isPresent();
        assertThat(p.brokenIds()).contains("qwen3-5-0-8b", "qwen3.5-0.8b");
    }

    @Test
    void aCatalogFileThatIsNotUtf8NamesTheFileLineAndByte(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("hardware/nvidia-rtx3090.yaml");
        Files.createDirectories(file.getParent());
        Files.write(
                file,
                text("hardware/nvidia-rtx3090.yaml")
                        .replace("NVIDIA GeForce RTX 3090", "NVIDIA GéForce RTX 3090")
                        .getBytes(StandardCharsets.ISO_8859_1));
        Problems read = new Problems();
        List<CatalogFile> files = CatalogLoader.directoryFiles(dir, read);
        assertThat(files).isEmpty();
        assertThat(read.list()).hasSize(1);
        assertThat(read.list().get(0).format())
                .contains(file + ":2:")
                .contains("byte 0xE9")
                .contains("not UTF-8")
                .contains("save the file as UTF-8");
        CatalogLoader.Partial p = CatalogLoader.loadPartial(java.util.Optional.of(dir));
        assertThat(p.problems()).hasSize(1);
        assertThat(p.brokenIds()).contains("nvidia-rtx3090");
    }

    @Test
    void twoFilesForOneModelNameBoth() throws Exception {
        String rel = "models/qwen3-5-0-8b.yaml";
        String text = text(rel);
        List<Problem> problems = CatalogLoader.loadPartial(
                        embedded(),
                        List.of(
                                new CatalogFile(Path.of("my-catalog/" + rel), rel, text),
                                new CatalogFile(
                                        Path.of("my-catalog/models/x/qwen3-5-0-8b.yaml"),
                                        "models/x/qwen3-5-0-8b.yaml",
                                        text)),
                        List.of())
                .problems();
        assertThat(problems)
                .extracting(Problem::format)
                .anyMatch(s -> s.startsWith("my-catalog/models/x/qwen3-5-0-8b.yaml:2:")
                        && s.contains("my-catalog/models/qwen3-5-0-8b.yaml defines it too"));
    }
}
