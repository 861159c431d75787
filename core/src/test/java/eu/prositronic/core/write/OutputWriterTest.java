package eu.prositronic.core.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.prositronic.core.emit.OutputTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
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
            assertThat(files)
                    .as("no staging folder left behind, only the lock file that lets builds take turns")
                    .containsExactlyInAnyOrder(out, dir.resolve(".prositronic-out.lock"));
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

    @Test
    void refusesTheProjectFolderAFolderHoldingItAndAFolderWithAGitFolder() throws Exception {
        Path project = dir.resolve("infra");
        Files.createDirectories(project.resolve(".git/refs/heads"));
        Files.writeString(project.resolve(".git/refs/heads/main"), "abc");
        Files.createDirectories(project.resolve("docs/empty"));
        var writer = new OutputWriter.Writer(Optional.of(project), "g:a:default");
        for (Path out : List.of(project, dir)) {
            assertThatThrownBy(() -> OutputWriter.write(tree("a.yaml", "a"), out, writer))
                    .hasMessageContaining("the output folder " + out)
                    .hasMessageContaining(out.equals(project) ? "is the project folder" : "holds the project folder")
                    .hasMessageContaining("must be a folder of its own");
        }
        Path repo = dir.resolve("other");
        Files.createDirectories(repo.resolve(".git"));
        assertThatThrownBy(() -> OutputWriter.write(tree("a.yaml", "a"), repo))
                .hasMessageContaining("holds a .git folder");
        assertThat(project.resolve(".git/refs/heads/main")).hasContent("abc");
        assertThat(project.resolve("docs/empty")).isEmptyDirectory();
        assertThat(repo.resolve("a.yaml")).doesNotExist();
    }

    @Test
    void removesOnlyManifestEntriesInsideTheOutputAndOnlyTheFoldersItEmptied() throws Exception {
        Path out = dir.resolve("out");
        OutputWriter.write(tree("a.yaml", "a", "sub/b.yaml", "b"), out);
        Path outside = dir.resolve("precious.txt");
        Files.writeString(outside, "mine");
        Files.createDirectories(out.resolve("mine/empty"));
        Files.createDirectories(out.resolve("folder-listed"));
        Files.writeString(out.resolve("folder-listed/keep.txt"), "mine");
        Files.writeString(
                out.resolve(OutputWriter.MANIFEST),
                String.join(
                        "\n",
                        "a.yaml",
                        "sub/b.yaml",
                        outside.toString(),
                        "../precious.txt",
                        "sub/../../precious.txt",
                        "folder-listed",
                        "mine",
                        ""));

        OutputWriter.Summary s = OutputWriter.write(tree("a.yaml", "a"), out);

        assertThat(s.removed()).isEqualTo(1);
        assertThat(outside).hasContent("mine");
        assertThat(out.resolve("folder-listed/keep.txt")).hasContent("mine");
        assertThat(out.resolve("mine/empty")).as("a user's empty folder stays").isEmptyDirectory();
        assertThat(out.resolve("sub")).as("the folder its removal emptied goes").doesNotExist();
    }

    @Test
    void neverWritesOrRemovesThroughALink() throws Exception {
        Path out = dir.resolve("out");
        OutputWriter.write(tree("report/index.md", "old", "report/a.md", "a"), out);
        Path users = dir.resolve("users-folder");
        Files.createDirectories(users);
        Files.writeString(users.resolve("index.md"), "mine");
        Files.writeString(users.resolve("a.md"), "mine too");
        deleteTree(out.resolve("report"));
        Files.createSymbolicLink(out.resolve("report"), users);

        assertThatThrownBy(() -> OutputWriter.write(tree("report/index.md", "new"), out))
                .hasMessageContaining("holds links where Prositronic writes: report")
                .hasMessageContaining("never writes through a link");
        OutputWriter.write(tree("other.md", "x"), out);

        assertThat(users.resolve("index.md")).hasContent("mine");
        assertThat(users.resolve("a.md"))
                .as("a stale file behind a link is not removed")
                .hasContent("mine too");
    }

    @Test
    void refusesAFolderAnotherExecutionWrites() throws Exception {
        Path out = dir.resolve("out");
        OutputWriter.write(tree("a.yaml", "a"), out, new OutputWriter.Writer(Optional.empty(), "g:infra:first"));
        assertThatThrownBy(() -> OutputWriter.write(
                        tree("b.yaml", "b"), out, new OutputWriter.Writer(Optional.empty(), "g:infra:second")))
                .hasMessageContaining("is written by another execution (g:infra:first)")
                .hasMessageContaining("give each its own the output directory setting");
        assertThat(out.resolve("b.yaml")).doesNotExist();
        assertThat(out.resolve("a.yaml")).hasContent("a");
    }

    @Test
    void aJournalLeftByAKilledBuildIsCompletedFirst() throws Exception {
        Path out = dir.resolve("out");
        OutputWriter.write(tree("a.yaml", "old a", "b.yaml", "b"), out);
        // what a build killed after writing its journal leaves: staged files and the journal, nothing moved yet
        Path staging = dir.resolve(".prositronic-staging-out-killed");
        Files.createDirectories(staging);
        Files.writeString(staging.resolve("a.yaml"), "new a");
        Files.writeString(staging.resolve(OutputWriter.MANIFEST), "# Files written by Prositronic\na.yaml\n");
        Files.writeString(
                out.resolve(OutputWriter.JOURNAL), "staging " + staging + "\nmove a.yaml\nremove b.yaml\nend\n");
        Path stale = Files.createDirectories(dir.resolve(".prositronic-staging-out-older"));

        OutputWriter.recover(out);

        assertThat(out.resolve("a.yaml")).hasContent("new a");
        assertThat(out.resolve("b.yaml")).doesNotExist();
        assertThat(out.resolve(OutputWriter.JOURNAL)).doesNotExist();
        assertThat(staging).doesNotExist();
        assertThat(stale).as("stale staging is cleaned up").doesNotExist();
    }

    static void deleteTree(Path p) throws Exception {
        try (var walk = Files.walk(p)) {
            for (Path x : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }

    @Test
    void aStagedBuildWritesWhatAnInMemoryBuildWritesAndLeavesNoStagingBehind() throws Exception {
        Path staged = dir.resolve("staged");
        Path memory = dir.resolve("memory");
        for (String[] build : List.of(
                new String[] {"a.yaml", "a", "sub/b.yaml", "b", "old/c.yaml", "c"},
                new String[] {"a.yaml", "a", "sub/b.yaml", "B", "new/d.yaml", "d"})) {
            OutputWriter.Summary viaMemory = OutputWriter.write(tree(build), memory);
            OutputWriter.Summary viaStaging;
            try (OutputWriter.Session session = OutputWriter.open(staged, OutputWriter.Writer.ANONYMOUS)) {
                for (int i = 0; i < build.length; i += 2) {
                    session.tree().put(build[i], build[i + 1]);
                }
                assertThat(session.tree().text("sub/b.yaml")).isEqualTo(build[3]);
                viaStaging = session.commit();
            }
            assertThat(viaStaging).isEqualTo(viaMemory);
            assertThat(contents(staged)).isEqualTo(contents(memory));
        }
        assertThat(staged.resolve("old")).doesNotExist();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.startsWith(".prositronic-staging-"));
        }
    }

    @Test
    void aStagedBuildThatFailsBeforeItsCommitLeavesTheOutputAsItWas() throws Exception {
        Path out = dir.resolve("out");
        OutputWriter.write(tree("a.yaml", "a"), out);
        var before = contents(out);
        try (OutputWriter.Session session = OutputWriter.open(out, OutputWriter.Writer.ANONYMOUS)) {
            session.tree().put("a.yaml", "changed");
            session.tree().put("b.yaml", "b");
            // a later step fails: no commit
        }
        assertUntouchedAndNoStagingLeft(out, before);
    }

    @Test
    void aFileTheWriterThreadCannotStageFailsTheCommitAndLeavesTheOutputAsItWas() throws Exception {
        Path out = dir.resolve("out");
        OutputWriter.write(tree("a.yaml", "a"), out);
        var before = contents(out);
        try (OutputWriter.Session session = OutputWriter.open(out, OutputWriter.Writer.ANONYMOUS)) {
            // a file where the staged tree needs a folder: the writer's createDirectories fails behind the put
            Files.writeString(session.tree().stagedIn().orElseThrow().resolve("sub"), "in the way");
            session.tree().put("a.yaml", "changed");
            session.tree().put("sub/b.yaml", "b");
            assertThat(session.tree().text("sub/b.yaml")).isEqualTo("b");
            assertThatThrownBy(session::commit)
                    .isInstanceOf(eu.prositronic.core.problem.ProsiException.class)
                    .hasMessageContaining("cannot write " + out.toAbsolutePath().normalize())
                    .hasMessageContaining("sub/b.yaml")
                    .hasMessageContaining("check that the folder is writable and the disk has room");
        }
        assertUntouchedAndNoStagingLeft(out, before);
    }

    @Test
    void aStagedTreeRefusesTwoDifferentFilesOfOnePath() throws Exception {
        try (OutputWriter.Session session = OutputWriter.open(dir.resolve("out"), OutputWriter.Writer.ANONYMOUS)) {
            session.tree().put("a.yaml", "a");
            session.tree().put("a.yaml", "a");
            assertThatThrownBy(() -> session.tree().put("a.yaml", "b"))
                    .hasMessageContaining("two generation steps wrote different a.yaml");
        }
    }

    /** The output holds what it held before the build, and beside it is only its lock: no staging folder. */
    private void assertUntouchedAndNoStagingLeft(Path out, java.util.Map<String, String> before) throws Exception {
        assertThat(contents(out)).isEqualTo(before);
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactlyInAnyOrder(out, dir.resolve(".prositronic-out.lock"));
        }
    }

    /** Every file under a folder, by relative path, with its text. */
    static java.util.Map<String, String> contents(Path root) throws Exception {
        java.util.Map<String, String> all = new java.util.TreeMap<>();
        try (var walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                all.put(root.relativize(p).toString(), Files.readString(p));
            }
        }
        return all;
    }
}
