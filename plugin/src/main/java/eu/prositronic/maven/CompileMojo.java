package eu.prositronic.maven;

import eu.prositronic.core.Compiler;
import eu.prositronic.core.console.FitTable;
import eu.prositronic.core.problem.ProsiException;
import eu.prositronic.core.write.OutputWriter;
import java.io.File;
import java.util.Optional;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Compiles the hardware inventory and the model catalog into everything a fleet of llama.cpp servers needs: {@code
 * plan.json} (how each deployment fits its node), Helm values per model × quantization × hardware, a helmfile, the
 * {@code llama-server} chart, the Ansible collection {@code prositronic.infra} with an inventory and host variables,
 * and a report. Every input error is reported with its file, line, column and a suggested fix, and nothing is written
 * unless the whole input is valid. It prints where the output is and a fit table: one line per deployment, the first
 * 100 of a larger fleet and how many more (the report and plan.json list every one).
 */
@Mojo(name = "compile", defaultPhase = LifecyclePhase.GENERATE_RESOURCES, threadSafe = true)
public class CompileMojo extends AbstractMojo {

    /** The hardware inventory: cluster, nodes with their GPUs and RAM, and the deployments. */
    @Parameter(
            property = PropertyNames.INVENTORY,
            defaultValue = "${project.basedir}/src/main/prositronic/inventory.yaml")
    File inventory;

    /**
     * An optional folder of catalog entries ({@code models/<id>.yaml}, {@code hardware/<id>.yaml}) merged over the
     * catalog embedded in the plugin: the same id replaces an entry, a new id adds one.
     */
    @Parameter(
            property = PropertyNames.CATALOG_DIRECTORY,
            defaultValue = "${project.basedir}/src/main/prositronic/catalog")
    File catalogDirectory;

    /** Where the output goes. Files Prositronic did not write there are never overwritten. */
    @Parameter(
            property = PropertyNames.OUTPUT_DIRECTORY,
            defaultValue = "${project.build.directory}/generated-resources/prositronic")
    File outputDirectory;

    /**
     * What-if: hardware edits whose plan is compared with the real one and printed, never written. Edits separated by
     * {@code ;}: {@code gpu-02+nvidia-rtx3090} (GPUs more on a node, also {@code +2x-<gpu>}), {@code gpu-02.ram=128GiB}
     * (a node's RAM), {@code gpu-03=gpu-02} (a new node like an existing one).
     */
    @Parameter(property = PropertyNames.WHAT_IF)
    String whatIf;

    /** Skips the goal. */
    @Parameter(property = PropertyNames.SKIP, defaultValue = "false")
    boolean skip;

    @Parameter(defaultValue = "${plugin.version}", readonly = true)
    String pluginVersion;

    /** The project: the output folder may not be it, or hold it. */
    @Parameter(defaultValue = "${project.basedir}", readonly = true)
    File projectDirectory;

    /** Who writes the output: a second execution writing the same folder is refused. */
    @Parameter(defaultValue = "${project.groupId}:${project.artifactId}:${mojoExecution.executionId}", readonly = true)
    String executionId;

    @Override
    public void execute() throws MojoFailureException {
        if (skip) {
            getLog().info("Skipping Prositronic: " + PropertyNames.SKIP + " is true");
            return;
        }
        Compiler.Request request = new Compiler.Request(
                inventory.toPath(),
                Optional.ofNullable(catalogDirectory).map(File::toPath),
                outputDirectory.toPath(),
                pluginVersion == null ? "dev" : pluginVersion,
                new OutputWriter.Writer(
                        Optional.ofNullable(projectDirectory).map(File::toPath),
                        executionId == null || executionId.contains("${") ? "" : executionId),
                Optional.ofNullable(whatIf).filter(w -> !w.isBlank()));
        try {
            Compiler.Result result = Compiler.compile(request, getLog()::debug);
            OutputWriter.Summary s = result.summary();
            getLog().info("Prositronic output in " + outputDirectory + " (" + s.written() + " written, " + s.unchanged()
                    + " unchanged, " + s.removed() + " removed)");
            if (getLog().isInfoEnabled()) { // mvn -q: a large fleet's table is not even formatted
                FitTable.lines(result.plan()).forEach(getLog()::info);
            }
            result.whatIf().forEach(getLog()::info);
        } catch (ProsiException e) {
            // the message says what and where and how to fix it; a stack trace would only hide it
            throw new MojoFailureException(e.message(PropertyNames.SPELLINGS));
        }
    }
}
