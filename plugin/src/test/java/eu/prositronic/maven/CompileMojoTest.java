package eu.prositronic.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.prositronic.TestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compile goal as Maven configures it, through the plugin testing harness. */
@MojoTest
class CompileMojoTest {
    @TempDir
    Path dir;

    @Test
    @InjectMojo(goal = "compile", pom = "classpath:/unit/basic/pom.xml")
    void compilesTheExampleIntoTheOutputFolder(CompileMojo mojo) throws Exception {
        mojo.inventory = TestSupport.exampleInventory().toFile();
        mojo.outputDirectory = dir.resolve("out").toFile();
        mojo.catalogDirectory = dir.resolve("no-catalog").toFile();
        mojo.execute();
        assertThat(dir.resolve("out/plan.json")).exists();
        assertThat(dir.resolve("out/values/qwen3-5-4b/q5_k_m/nvidia-rtx3090.yaml"))
                .exists();
    }

    @Test
    @InjectMojo(goal = "compile", pom = "classpath:/unit/basic/pom.xml")
    void aBadInventoryFailsTheBuildWithThePositionAndWritesNothing(CompileMojo mojo) throws Exception {
        Path inventory = dir.resolve("inventory.yaml");
        Files.writeString(
                inventory,
                TestSupport.read(TestSupport.exampleInventory()).replace("nvidia-rtx3090", "nvidia-rtx-3090"));
        mojo.inventory = inventory.toFile();
        mojo.outputDirectory = dir.resolve("out").toFile();
        assertThatThrownBy(mojo::execute)
                .isInstanceOf(MojoFailureException.class)
                .hasMessageContaining("inventory.yaml:12:")
                .hasMessageContaining("unknown GPU `nvidia-rtx-3090`")
                .hasMessageContaining("perhaps you meant `nvidia-rtx3090`")
                .hasNoCause();
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    @InjectMojo(goal = "compile", pom = "classpath:/unit/basic/pom.xml")
    void skipDoesNothing(CompileMojo mojo) throws Exception {
        mojo.skip = true;
        mojo.inventory = dir.resolve("missing.yaml").toFile();
        mojo.outputDirectory = dir.resolve("out").toFile();
        mojo.execute();
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    @InjectMojo(goal = "compile", pom = "classpath:/unit/basic/pom.xml")
    void theDefaultsAreTheDocumentedPaths(CompileMojo mojo) {
        assertThat(mojo.inventory.toPath().toString().replace('\\', '/')).endsWith("inventory.yaml");
        assertThat(mojo.outputDirectory.toPath().toString().replace('\\', '/'))
                .endsWith("target/generated-resources/prositronic");
        assertThat(mojo.catalogDirectory.toPath().toString().replace('\\', '/'))
                .endsWith("src/main/prositronic/catalog");
    }
}
