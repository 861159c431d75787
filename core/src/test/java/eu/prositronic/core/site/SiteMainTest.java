package eu.prositronic.core.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line of {@code java -jar prositronic-core-site.jar}: usage, refusals, and a broken catalog placed. */
class SiteMainTest {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(String... args) {
        return SiteMain.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void helpPrintsTheUsage() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--base-url", "--catalog", "--out", "--templates");
    }

    @Test
    void anUnknownArgumentIsRefusedWithTheUsage() {
        assertThat(run("--bogus", "x")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown argument `--bogus`", "usage:");
        assertThat(run("--out")).isEqualTo(2);
    }

    @Test
    void aBrokenCatalogEntryIsReportedWithItsPlaceAndNothingIsWritten(@TempDir Path tmp) throws Exception {
        Path catalog = tmp.resolve("catalog");
        Files.createDirectories(catalog.resolve("hardware"));
        Files.writeString(catalog.resolve("hardware/my-gpu.yaml"), "id: my-gpu\nname: [unclosed\n");
        assertThat(run(
                        "--catalog",
                        catalog.toString(),
                        "--out",
                        tmp.resolve("site").toString()))
                .isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("my-gpu.yaml:");
        assertThat(tmp.resolve("site")).doesNotExist();
    }
}
