package eu.prositronic.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The site goal's own part: skip, and a catalog problem as a build failure that names the file (nothing written). */
class SiteMojoTest {
    @TempDir
    Path dir;

    SiteMojo mojo() {
        SiteMojo mojo = new SiteMojo();
        mojo.siteDirectory = dir.resolve("site").toFile();
        mojo.catalogDirectory = dir.resolve("catalog").toFile();
        mojo.templatesDirectory = dir.resolve("templates").toFile();
        mojo.siteUrl = "https://models.example.org";
        mojo.projectDirectory = dir.toFile();
        return mojo;
    }

    @Test
    void skipWritesNothing() throws Exception {
        SiteMojo mojo = mojo();
        mojo.skip = true;
        mojo.execute();
        assertThat(dir.resolve("site")).doesNotExist();
    }

    @Test
    void aBrokenCatalogEntryFailsTheBuildWithItsPlace() throws Exception {
        Files.createDirectories(dir.resolve("catalog/hardware"));
        Files.writeString(dir.resolve("catalog/hardware/my-gpu.yaml"), "id: my-gpu\nname: [unclosed\n");
        assertThatThrownBy(() -> mojo().execute())
                .isInstanceOf(MojoFailureException.class)
                .hasMessageContaining("my-gpu.yaml:");
        assertThat(dir.resolve("site")).doesNotExist();
    }
}
