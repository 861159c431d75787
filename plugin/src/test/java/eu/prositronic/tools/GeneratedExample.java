package eu.prositronic.tools;

import eu.prositronic.TestSupport;
import eu.prositronic.core.emit.EmitContext;
import eu.prositronic.core.emit.OutputTree;
import eu.prositronic.core.emit.ServerArgs;
import eu.prositronic.core.fit.DeploymentPlan;
import eu.prositronic.core.fit.Plan;
import eu.prositronic.core.fit.Planner;
import eu.prositronic.core.inventory.Inventory;
import eu.prositronic.core.write.OutputWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The example inventory compiled into a folder, as the compile goal would. */
public final class GeneratedExample {
    private GeneratedExample() {}

    public record Output(Path dir, Plan plan) {}

    public static Output writeTo(Path dir) throws Exception {
        return writeTo(dir, TestSupport.exampleInventoryLoaded());
    }

    /**
     * The example with every node served by systemd (a Docker cluster's default), so that every deployment, the GPU
     * ones included, has a llama_server unit.
     */
    public static Output writeSystemdServedTo(Path dir) throws Exception {
        String inventory = TestSupport.read(TestSupport.exampleInventory())
                .replace("containerRuntime: containerd", "containerRuntime: docker")
                .replace("serving: kubernetes", "serving: systemd");
        return writeTo(dir, TestSupport.inventory(inventory));
    }

    /** Any inventory compiled into a folder, as the compile goal would. */
    public static Output writeTo(Path dir, Inventory inventory) throws Exception {
        Plan plan = Planner.plan(inventory, TestSupport.catalog());
        OutputTree tree = eu.prositronic.core.Compiler.emit(
                new EmitContext(plan, TestSupport.catalog(), inventory.file(), "test"), s -> {});
        OutputWriter.write(tree, dir);
        return new Output(dir, plan);
    }

    /**
     * The llama-server command line of a systemd unit whose model the llama_server role downloaded and checked (its
     * default): the model from {@code /models/<repo>/<revision>/<first file>} instead of {@code --hf-repo}.
     */
    public static List<String> systemdCommandLine(DeploymentPlan p) {
        var q = p.quant();
        List<String> expected = new ArrayList<>(List.of(
                "--host",
                "0.0.0.0",
                "--port",
                String.valueOf(p.deployment().port()),
                "-m",
                "/models/" + q.repo() + "/" + q.revision().orElse("main") + "/"
                        + q.parts().get(0).path()));
        mmproj(p)
                .ifPresent(f -> expected.addAll(List.of(
                        "--mmproj", "/models/" + f.repo() + "/" + f.revision().orElse("main") + "/" + f.file())));
        draft(p).ifPresent(f -> expected.addAll(List.of(
                "--spec-draft-model", "/models/" + f.repo() + "/" + f.revision().orElse("main") + "/" + f.file())));
        expected.addAll(ServerArgs.of(p));
        return expected;
    }

    /** The draft model's file of speculative decoding, if the deployment has one. */
    static java.util.Optional<eu.prositronic.core.catalog.ModelSpec.QuantFile> draft(DeploymentPlan p) {
        return p.deployment().draft().map(d -> d.quant());
    }

    /** The vision projector file the deployment loads, if it asks for vision. */
    static java.util.Optional<eu.prositronic.core.catalog.ModelSpec.QuantFile> mmproj(DeploymentPlan p) {
        return p.deployment().vision().enabled()
                ? p.model().capabilities().vision().map(v -> v.file())
                : java.util.Optional.empty();
    }

    public static List<String> commandLine(DeploymentPlan p) {
        List<String> expected = new ArrayList<>(List.of(
                "--host",
                "0.0.0.0",
                "--port",
                String.valueOf(p.deployment().port()),
                "--hf-repo",
                p.quant().repo(),
                "--hf-file",
                p.quant().file()));
        mmproj(p)
                .ifPresent(f -> expected.addAll(List.of(
                        "--mmproj-url",
                        "https://huggingface.co/" + f.repo() + "/resolve/"
                                + f.revision().orElse("main") + "/" + f.file())));
        draft(p).ifPresent(f -> expected.addAll(List.of("--spec-draft-hf", f.repo(), "--spec-draft-model", f.file())));
        expected.addAll(ServerArgs.of(p));
        return expected;
    }

    /**
     * The command line the chart runs: the same, but the model is the file the download init container verified into
     * the cache volume ({@code /models/gguf/models--<owner>--<name>--<revision>/<file>}), not a download.
     */
    public static List<String> chartCommandLine(DeploymentPlan p) {
        List<String> expected = new ArrayList<>(List.of(
                "--host", "0.0.0.0", "--port", String.valueOf(p.deployment().port()), "--model", chartModelPath(p)));
        mmproj(p)
                .ifPresent(f -> expected.addAll(List.of(
                        "--mmproj",
                        "/models/gguf/models--" + f.repo().replace("/", "--") + "--"
                                + f.revision().orElse("unpinned") + "/" + f.file())));
        draft(p).ifPresent(f -> expected.addAll(List.of(
                "--spec-draft-model",
                "/models/gguf/models--" + f.repo().replace("/", "--") + "--"
                        + f.revision().orElse("unpinned") + "/" + f.file())));
        expected.addAll(ServerArgs.of(p));
        return expected;
    }

    public static String chartModelPath(DeploymentPlan p) {
        return "/models/gguf/models--" + p.quant().repo().replace("/", "--") + "--"
                + p.quant().revision().orElse("unpinned") + "/" + p.quant().file();
    }
}
