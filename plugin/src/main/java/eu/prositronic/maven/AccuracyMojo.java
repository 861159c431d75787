package eu.prositronic.maven;

import eu.prositronic.core.verify.Accuracy;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Turns a folder of collected {@code verify/<deployment>.json} files into Markdown, one table per llama.cpp build and
 * backend (docs/verify.md). Example: {@code mvn prositronic:accuracy -Dprositronic.verifyDirectory=verify
 * -Dprositronic.accuracyFile=accuracy.md}.
 */
@Mojo(name = "accuracy", requiresProject = false, threadSafe = true)
public class AccuracyMojo extends AbstractMojo {
    /** The folder of verify files (searched recursively). */
    @Parameter(
            property = PropertyNames.VERIFY_DIRECTORY,
            defaultValue = "${project.build.directory}/generated-resources/prositronic/verify")
    File verifyDirectory;

    /** Where the Markdown goes; without it, the log. */
    @Parameter(property = PropertyNames.ACCURACY_FILE)
    File accuracyFile;

    @Override
    public void execute() throws MojoFailureException {
        try {
            String md = Accuracy.markdown(verifyDirectory.toPath());
            if (accuracyFile == null) {
                md.lines().forEach(getLog()::info);
            } else {
                Files.writeString(accuracyFile.toPath(), md, StandardCharsets.UTF_8);
                getLog().info("Wrote " + accuracyFile);
            }
        } catch (IOException e) {
            throw new MojoFailureException(
                    e.getMessage() + " (set -D" + PropertyNames.VERIFY_DIRECTORY + " to the folder of verify files)");
        }
    }
}
