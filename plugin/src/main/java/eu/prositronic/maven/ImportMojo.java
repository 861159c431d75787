package eu.prositronic.maven;

import eu.prositronic.core.importer.GgufImporter;
import eu.prositronic.core.problem.ProsiException;
import java.io.File;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Imports a GGUF model into your catalog folder, so you never type hyperparameters by hand: reads the file's header and
 * tensor table, from a local path or from an http(s) URL with range requests (only the header is fetched), and writes
 * {@code <catalogDirectory>/models/<id>.yaml} with the architecture, the exact bytes per layer and the file size. An
 * existing entry is never replaced. Example: {@code mvn prositronic:import
 * -Dprositronic.gguf=https://huggingface.co/unsloth/Qwen3.5-4B-GGUF/resolve/main/Qwen3.5-4B-Q4_K_M.gguf}.
 */
@Mojo(name = "import", requiresProject = false, threadSafe = true)
public class ImportMojo extends AbstractMojo {
    /** The GGUF file: a local path or an http(s) URL (a Hugging Face {@code …/resolve/…} URL also gives the repo). */
    @Parameter(property = PropertyNames.GGUF, required = true)
    String gguf;

    /** The catalog id of the new entry; default: from the GGUF's name and size label. */
    @Parameter(property = PropertyNames.MODEL_ID)
    String modelId;

    /** The Hugging Face repo to download the file from; default: from the URL. */
    @Parameter(property = PropertyNames.REPO)
    String repo;

    /** Where the entry goes ({@code models/<id>.yaml} under it). */
    @Parameter(property = PropertyNames.CATALOG_DIRECTORY, defaultValue = "${basedir}/src/main/prositronic/catalog")
    File catalogDirectory;

    @Override
    public void execute() throws MojoFailureException {
        try {
            GgufImporter.Imported imported = GgufImporter.importFrom(
                    gguf, Optional.ofNullable(modelId), Optional.ofNullable(repo), PropertyNames.SPELLINGS);
            Path written = GgufImporter.write(imported, catalogDirectory.toPath(), PropertyNames.SPELLINGS);
            getLog().info("Imported " + imported.quant() + " (" + imported.tensors() + " tensors, "
                    + imported.sizeBytes()
                    + " bytes" + (imported.requests() > 0 ? ", " + imported.requests() + " range requests" : "")
                    + ") as model `" + imported.id() + "` into " + written);
        } catch (ProsiException e) {
            throw new MojoFailureException(e.message(PropertyNames.SPELLINGS));
        }
    }
}
