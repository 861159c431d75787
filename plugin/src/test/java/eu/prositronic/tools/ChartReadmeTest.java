package eu.prositronic.tools;

import static org.assertj.core.api.Assertions.assertThat;

import eu.prositronic.TestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart README's parameter tables are what the real {@code @bitnami/readme-generator-for-helm} makes of the
 * {@code ## @param} comments of values.yaml: it is run on a copy, and the copy must equal the checked-in file. It also
 * fails when a value has no {@code @param} or a {@code @param} names no value.
 */
@Tag("tool") // drives node and the npm package
class ChartReadmeTest {
    @TempDir
    Path out;

    @Test
    void theParameterTablesAreGeneratedFromValuesYaml() throws Exception {
        Path chart = TestSupport.repoRoot().resolve("charts/llama-server");
        Path generator = TestSupport.repoRoot().resolve("tools/k8s-validate/node_modules/.bin/readme-generator");
        assertThat(generator).as("run scripts/install-test-tools.sh").exists();
        Path readme = out.resolve("README.md");
        Files.copy(chart.resolve("README.md"), readme);
        ExternalTool.Run r = ExternalTool.run(
                out, generator.toString(), "-v", chart.resolve("values.yaml").toString(), "-r", readme.toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(Files.readString(readme))
                .as("charts/llama-server/README.md is out of date: regenerate it with the command in its Validation"
                        + " section")
                .isEqualTo(Files.readString(chart.resolve("README.md")));
    }
}
