package eu.prositronic.core.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.prositronic.core.emit.OutputTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputWriterTest {
    @TempDir
    Path dir;

    static OutputTree tree(String... pathsAndTexts) {
        OutputTree t = new OutputTree();
        for (int i = 0; i < pathsAndTexts.length; i += 2) {
            t.put(pathsAndTexts[i], pathsAndTexts[i + 1]);
        }
        return t;
    }

    @Test
    void unchangedFilesKeepTheirTimestampsAndStaleOnesAreRemoved() throws Exception {
        Path out = dir.resolve("out");
        OutputWriter.write(tree("a.yaml", "a", "sub/b.yaml", "b", "old/c.yaml", "c"), out);
        FileTime past = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(out.resolve("a.yaml"), past);

        OutputWriter.Summary s = OutputWriter.write(tree("a.yaml", "a", "sub/b.yaml", "B"), out);

        assertThat(s).isEqualTo(new OutputWriter.Summary(1, 1, 1));
        assertThat(Files.getLastModifiedTime(out.resolve("a.yaml"))).isEqualTo(past);
        assertThat(out.resolve("sub/b.yaml")).hasContent("B");
        assertThat(out.resolve("old")).doesNotExist();
        try (var files = Files.list(dir)) {
            assertThat(files).as("no staging folder left behind").containsExactly(out);
        }
    }

    @Test
    void neverOverwritesAFileItDidNotWrite() throws Exception {
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("plan.json"), "mine");
        assertThatThrownBy(() -> OutputWriter.write(tree("plan.json", "{}", "x.yaml", "x"), out))
                .isInstanceOfSatisfying(ForeignFilesException.class, e -> {
                    assertThat(e.files()).containsExactly("plan.json");
                    assertThat(e.outputDirectory()).isEqualTo(out);
                    assertThat(e.message(s -> "<" + s.name() + ">"))
                            .endsWith("set <OUTPUT_DIRECTORY> to an empty folder");
                })
                .hasMessageContaining("holds files Prositronic did not write: plan.json")
                .hasMessageContaining("set the output directory setting to an empty folder")
                .hasMessageNotContaining("-Dprositronic");
        assertThat(out.resolve("plan.json")).hasContent("mine");
        assertThat(out.resolve("x.yaml")).as("nothing half-written").doesNotExist();
    }

    @Test
    void leavesForeignFilesThatItDoesNotNeedAlone() throws Exception {
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("notes.txt"), "mine");
        OutputWriter.write(tree("a.yaml", "a"), out);
        OutputWriter.write(tree("b.yaml", "b"), out);
        assertThat(out.resolve("notes.txt")).hasContent("mine");
        assertThat(out.resolve("a.yaml")).doesNotExist();
    }
}
