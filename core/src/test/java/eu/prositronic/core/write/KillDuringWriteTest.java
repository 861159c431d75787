package eu.prositronic.core.write;

import static org.assertj.core.api.Assertions.assertThat;

import eu.prositronic.core.emit.OutputTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL during the write, over and over: a child JVM writes one of two large trees into a folder that holds the
 * other, and is killed at a random moment of the second half of its run. After each kill the folder, once the next
 * build has opened it (which completes any journal), holds exactly the old tree or the new one, and the next build then
 * writes its own. An I/O error injected at any step of the switch is completed the same way.
 */
class KillDuringWriteTest {
    static final int FILES = 1500;

    @TempDir
    Path dir;

    /** Tree A, or tree B: a third of the files changed, a third gone, new ones added. */
    static OutputTree tree(String variant) {
        return tree(variant, FILES);
    }

    static OutputTree tree(String variant, int files) {
        OutputTree t = new OutputTree();
        for (int i = 0; i < files; i++) {
            boolean b = variant.equals("B");
            if (b && i % 3 == 1) {
                continue;
            }
            String text = (b && i % 3 == 2 ? "changed " : "") + "file " + i + " " + "x".repeat(2000) + "\n";
            t.put("d" + (i % 40) + "/f" + i + ".yaml", text);
        }
        if (variant.equals("B")) {
            for (int i = 0; i < files / 3; i++) {
                t.put("new/n" + i + ".yaml", "new " + i + "\n");
            }
        }
        return t;
    }

    /** The child: one build of the given tree. */
    public static void main(String[] args) throws Exception {
        OutputWriter.write(tree(args[1]), Path.of(args[0]));
    }

    @Test
    @Tag("slow") // starts 21 JVMs: run by scripts/test, not by a plain mvn test
    void aKilledBuildLeavesTheOldTreeOrTheNewOneAndTheNextBuildWritesItsOwn() throws Exception {
        Path out = dir.resolve("out");
        Path outside = Files.writeString(dir.resolve("precious.txt"), "mine");
        OutputWriter.write(tree("A"), out);
        Files.writeString(out.resolve("notes.txt"), "the user's own");
        // a whole uninterrupted build of the child, to aim the kills at its second half, where the switch happens
        long started = System.nanoTime();
        Process probe = child(dir.resolve("probe-out"), "A");
        probe.waitFor(60, TimeUnit.SECONDS);
        long whole = (System.nanoTime() - started) / 1_000_000;
        Random random = new Random(42);
        String current = "A";
        int old = 0;
        int completed = 0;
        for (int round = 0; round < 20; round++) {
            String next = current.equals("A") ? "B" : "A";
            Process child = child(out, next);
            if (round % 2 == 0) {
                // at a random moment of the second half of a build
                Thread.sleep(whole / 2 + random.nextInt((int) Math.max(1, whole * 6 / 10)));
            } else {
                // in the switch itself: as soon as the journal is there, plus up to a few milliseconds
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!Files.exists(out.resolve(OutputWriter.JOURNAL))
                        && child.isAlive()
                        && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                Thread.sleep(random.nextInt(4));
            }
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);

            OutputWriter.recover(out); // what the next build does first
            Map<String, String> now = contents(out);
            if (now.equals(expected(tree(current)))) {
                old++;
            } else {
                assertThat(now)
                        .as("round " + round + ": the old tree or the new one")
                        .isEqualTo(expected(tree(next)));
                completed++;
            }
            assertThat(out.resolve("notes.txt")).hasContent("the user's own");
            assertThat(outside).hasContent("mine");

            OutputWriter.write(tree(next), out);
            assertThat(contents(out)).isEqualTo(expected(tree(next)));
            try (Stream<Path> s = Files.list(dir)) {
                assertThat(s.filter(p -> p.getFileName().toString().startsWith(".prositronic-staging")))
                        .as("no staging left")
                        .isEmpty();
            }
            current = next;
        }
        System.out.printf(
                "kill loop: a build takes %d ms; 20 kills (10 at random, 10 in the switch), %d left the old tree, %d"
                        + " the new one after recovery%n",
                whole, old, completed);
        assertThat(old + completed).isEqualTo(20);
    }

    private static Process child(Path out, String variant) throws IOException {
        return new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        KillDuringWriteTest.class.getName(),
                        out.toString(),
                        variant)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    @Test
    void anIoErrorAtAnyStepOfTheSwitchIsCompletedByTheNextBuild() throws Exception {
        // 150 files: 100 moves (changed and new files), then 50 removals, then the manifest
        OutputTree a = tree("A", 150);
        OutputTree b = tree("B", 150);
        int steps = 0;
        for (int failAt : new int[] {0, 1, 7, 40, 99, 100, 101, 140}) {
            Path out = dir.resolve("faults-" + failAt);
            OutputWriter.write(a, out);
            OutputWriter.failAfterSteps = failAt;
            try {
                OutputWriter.write(b, out);
            } catch (eu.prositronic.core.problem.ProsiException expected) {
                steps++;
            } finally {
                OutputWriter.failAfterSteps = -1;
            }
            assertThat(out.resolve(OutputWriter.JOURNAL))
                    .as("the journal stays for the next build")
                    .exists();
            OutputWriter.recover(out);
            assertThat(contents(out))
                    .as("failed after " + failAt + " steps, then completed")
                    .isEqualTo(expected(b));
            assertThat(OutputWriter.write(b, out).written()).isZero();
        }
        assertThat(steps).as("every injected fault failed its build").isEqualTo(8);
    }

    /** Every file of the output but the user's, by relative path. */
    static Map<String, String> contents(Path out) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(out)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                String rel = out.relativize(p).toString();
                if (!rel.equals("notes.txt") && !rel.equals(OutputWriter.MANIFEST)) {
                    m.put(rel, Files.readString(p, StandardCharsets.UTF_8));
                }
            }
        }
        return m;
    }

    static Map<String, String> expected(OutputTree t) {
        Map<String, String> m = new TreeMap<>();
        t.files().forEach((k, v) -> m.put(k, new String(v, StandardCharsets.UTF_8)));
        return m;
    }
}
