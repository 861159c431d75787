package eu.prositronic.maven;

import eu.prositronic.core.catalog.Catalog;
import eu.prositronic.core.catalog.CatalogLoader;
import eu.prositronic.core.console.QuantTable;
import eu.prositronic.core.fit.HardwareQuestion;
import eu.prositronic.core.problem.ProsiException;
import eu.prositronic.core.problem.Setting;
import eu.prositronic.core.units.Bytes;
import java.io.File;
import java.util.List;
import java.util.Optional;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Answers "how does this model run on this hardware" on the console, without an infra repository: every quantization
 * of the model alone on the hardware, with its layout, largest context, memory and estimated speed, as the catalog
 * pages compute it. Writes nothing. Example: {@code mvn prositronic:fit -Dprositronic.model=qwen3-5-27b
 * -Dprositronic.hardware=nvidia-rtx3090} (or {@code 2x-nvidia-rtx3090}, or {@code cpu} with {@code
 * -Dprositronic.ram=64GiB}).
 */
@Mojo(name = "fit", requiresProject = false, threadSafe = true)
public class FitMojo extends AbstractMojo {
    /** The model: a catalog id or alias. */
    @Parameter(property = PropertyNames.MODEL, required = true)
    String model;

    /** The hardware: a catalog GPU id, {@code <n>x-<id>} for several, or {@code cpu}. */
    @Parameter(property = PropertyNames.HARDWARE, required = true)
    String hardware;

    /** The host's RAM, e.g. {@code 64GiB}; default: not a limit (as on the catalog pages). */
    @Parameter(property = PropertyNames.RAM)
    String ram;

    /** Your catalog folder, merged over the embedded catalog when it exists. */
    @Parameter(property = PropertyNames.CATALOG_DIRECTORY, defaultValue = "${basedir}/src/main/prositronic/catalog")
    File catalogDirectory;

    @Override
    public void execute() throws MojoFailureException {
        try {
            Optional<java.nio.file.Path> dir =
                    Optional.ofNullable(catalogDirectory).map(File::toPath).filter(java.nio.file.Files::isDirectory);
            Catalog catalog = CatalogLoader.load(dir);
            Optional<Bytes> limit = Optional.empty();
            if (ram != null && !ram.isBlank()) {
                try {
                    limit = Optional.of(Bytes.parse(ram.trim()));
                } catch (IllegalArgumentException e) {
                    throw new ProsiException(s -> "`" + ram + "`: " + e.getMessage() + " (" + s.of(Setting.RAM) + ")");
                }
                if (limit.get().value() < Bytes.GIB) {
                    throw new ProsiException(s -> "`" + ram
                            + "` is less than 1 GiB of RAM; write the unit, e.g. 64GiB (" + s.of(Setting.RAM) + ")");
                }
            }
            List<HardwareQuestion.Answer> answers = HardwareQuestion.ask(catalog, model, hardware, limit);
            for (String line : QuantTable.lines(model, hardware, answers)) {
                getLog().info(line);
            }
        } catch (ProsiException e) {
            throw new MojoFailureException(e.message(PropertyNames.SPELLINGS));
        }
    }
}
