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

/** The core names settings; the Mojo spells them as a pom and a command line write them. */
@MojoTest
class CompileMojoSpellingTest {
    @TempDir
    Path dir;

    @Test
    @InjectMojo(goal = "compile", pom = "classpath:/unit/basic/pom.xml")
    void aForeignFileInTheWayNamesTheOutputDirectoryInMavenSpelling(CompileMojo mojo) throws Exception {
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("plan.json"), "mine");
        mojo.inventory = TestSupport.exampleInventory().toFile();
        mojo.outputDirectory = out.toFile();
        mojo.catalogDirectory = dir.resolve("no-catalog").toFile();
        assertThatThrownBy(mojo::execute)
                .isInstanceOf(MojoFailureException.class)
                .hasMessage("the output folder " + out + " holds files Prositronic did not write: plan.json; move them"
                        + " away or set <outputDirectory> (-Dprositronic.outputDirectory) to an empty folder");
        assertThat(out.resolve("plan.json")).hasContent("mine");
    }
}
