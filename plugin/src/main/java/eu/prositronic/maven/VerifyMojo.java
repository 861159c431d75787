package eu.prositronic.maven;

import eu.prositronic.core.verify.VerifyMain;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Compares a llama-server log (and optionally nvidia-smi readings before and after the load) with one deployment of
 * plan.json and writes {@code <verifyDirectory>/<deployment>.json}; fails when a part is off by more than 3 % or
 * 256 MiB (docs/verify.md). Example: {@code mvn prositronic:verify -Dprositronic.deployment=chat
 * -Dprositronic.log=chat.log}.
 */
@Mojo(name = "verify", requiresProject = false, threadSafe = true)
public class VerifyMojo extends AbstractMojo {
    /** The plan the compile goal wrote. */
    @Parameter(
            property = PropertyNames.PLAN,
            defaultValue = "${project.build.directory}/generated-resources/prositronic/plan.json")
    File plan;

    /** The deployment of the plan that the log is from. */
    @Parameter(property = PropertyNames.DEPLOYMENT, required = true)
    String deployment;

    /** The llama-server log of the load. */
    @Parameter(property = PropertyNames.LOG, required = true)
    File log;

    /** {@code nvidia-smi --query-gpu=index,memory.used,memory.total,memory.free --format=csv} before the load. */
    @Parameter(property = PropertyNames.GPU_BEFORE)
    File gpuBefore;

    /** The same after the load. */
    @Parameter(property = PropertyNames.GPU_AFTER)
    File gpuAfter;

    /** Where {@code <deployment>.json} goes. */
    @Parameter(
            property = PropertyNames.VERIFY_DIRECTORY,
            defaultValue = "${project.build.directory}/generated-resources/prositronic/verify")
    File verifyDirectory;

    @Override
    public void execute() throws MojoFailureException {
        List<String> args = new ArrayList<>(List.of(
                "--plan",
                plan.getPath(),
                "--deployment",
                deployment,
                "--log",
                log.getPath(),
                "--out",
                verifyDirectory.getPath()));
        if (gpuBefore != null) {
            args.addAll(List.of("--gpu-before", gpuBefore.getPath()));
        }
        if (gpuAfter != null) {
            args.addAll(List.of("--gpu-after", gpuAfter.getPath()));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = VerifyMain.run(
                args.toArray(String[]::new),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        out.toString(StandardCharsets.UTF_8).lines().forEach(getLog()::info);
        if (rc == 1) {
            throw new MojoFailureException(deployment + " is off its plan by more than 3 % or 256 MiB in at least "
                    + "one part; see " + new File(verifyDirectory, deployment + ".json"));
        }
        if (rc != 0) {
            // the first line is the message; the rest is the command-line usage, which does not apply here
            throw new MojoFailureException(err.toString(StandardCharsets.UTF_8)
                    .lines()
                    .findFirst()
                    .orElse("")
                    .replace(
                            "--gpu-before and --gpu-after",
                            "-D" + PropertyNames.GPU_BEFORE + " and -D" + PropertyNames.GPU_AFTER));
        }
    }
}
