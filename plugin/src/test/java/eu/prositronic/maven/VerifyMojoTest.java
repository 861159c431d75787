package eu.prositronic.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import eu.prositronic.TestSupport;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verify and accuracy goals over the core's checker, with the core's fixtures (core/src/test/resources/verify). */
class VerifyMojoTest {
    static final Path FIXTURES = TestSupport.repoRoot().resolve("core/src/test/resources/verify");

    static VerifyMojo mojo(String deployment, Path out) {
        VerifyMojo m = new VerifyMojo();
        m.plan = FIXTURES.resolve("example-homelab-plan.json").toFile();
        m.deployment = deployment;
        m.log = FIXTURES.resolve("composed-cuda-qwen35-4b-rtx3090.log").toFile();
        m.gpuBefore = FIXTURES.resolve("smi-rtx3090-before.csv").toFile();
        m.gpuAfter = FIXTURES.resolve("smi-rtx3090-after.csv").toFile();
        m.verifyDirectory = out.toFile();
        return m;
    }

    @Test
    void aLoadThatMatchesItsPlanPassesAndTheAccuracyGoalTabulatesIt(@TempDir Path dir) throws Exception {
        mojo("chat", dir.resolve("verify")).execute();
        assertThat(dir.resolve("verify/chat.json")).exists();
        AccuracyMojo a = new AccuracyMojo();
        a.verifyDirectory = dir.resolve("verify").toFile();
        a.accuracyFile = dir.resolve("accuracy.md").toFile();
        a.execute();
        assertThat(Files.readString(dir.resolve("accuracy.md")))
                .startsWith("### llama.cpp b1 (de3ff81), backend cuda13\n\n10 of 10 parts within tolerance");
    }

    @Test
    void aDeploymentOffItsPlanFailsTheBuildAndNamesTheVerifyFile(@TempDir Path dir) {
        VerifyMojo m = mojo("cpu-chat", dir);
        m.gpuBefore = null;
        m.gpuAfter = null;
        Throwable t = catchThrowable(m::execute);
        assertThat(t)
                .isInstanceOf(MojoFailureException.class)
                .hasMessage("cpu-chat is off its plan by more than 3 %" + " or 256 MiB in at least one part; see "
                        + new File(dir.toFile(), "cpu-chat.json"));
    }

    @Test
    void oneReadingWithoutTheOtherIsSpelledInMaven(@TempDir Path dir) {
        VerifyMojo m = mojo("chat", dir);
        m.gpuAfter = null;
        assertThat(catchThrowable(m::execute))
                .isInstanceOf(MojoFailureException.class)
                .hasMessage("error: -Dprositronic.gpuBefore and -Dprositronic.gpuAfter go together (the GPU delta"
                        + " needs both readings)");
    }
}
