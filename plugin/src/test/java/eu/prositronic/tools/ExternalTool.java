package eu.prositronic.tools;

import static org.assertj.core.api.Assertions.fail;

import eu.prositronic.TestSupport;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real command-line tool the tests drive (helm, ansible-lint, ansible-playbook, node). A missing tool fails the test
 * with the command that installs it: these tests never skip.
 */
public final class ExternalTool {
    private ExternalTool() {}

    public record Run(int exitCode, String output) {}

    /** The executable from PATH or from the repository's {@code .tools/bin} (where scripts/install-test-tools puts it). */
    public static Path find(String name) {
        List<Path> candidates = new ArrayList<>();
        candidates.add(TestSupport.repoRoot().resolve(".tools/bin").resolve(name));
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir).resolve(name));
            }
        }
        for (Path p : candidates) {
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return fail(name + " is not installed; run scripts/install-test-tools.sh (the README's test command does)");
    }

    public static Run run(Path workDir, Map<String, String> env, String... command) {
        List<String> cmd = new ArrayList<>(List.of(command));
        cmd.set(0, find(command[0]).toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true);
        pb.environment().put("NO_COLOR", "1");
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return fail("timed out: " + String.join(" ", cmd));
            }
            // colour codes would split the lines the tests read
            return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8).replaceAll("\u001B\\[[;\\d]*m", ""));
        } catch (IOException e) {
            return fail("cannot run " + String.join(" ", cmd) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        }
    }

    public static Run run(Path workDir, String... command) {
        return run(workDir, Map.of(), command);
    }
}
