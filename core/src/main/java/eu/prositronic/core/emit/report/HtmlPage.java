package eu.prositronic.core.emit.report;

import eu.prositronic.core.emit.PlanJson;
import eu.prositronic.core.fit.DeploymentPlan;
import java.util.List;

/**
 * The page model of a deployment's HTML page, in the catalog pages' shape, for the fleet report ({@code
 * report/<deployment>.html}) and for the catalog site ({@code models/<model>/<quant>/<hardware>.html}): the Markdown
 * page's model ({@code page}) plus what only the HTML page shows. Built by {@link #fleet} or by the site generator.
 *
 * @param root the relative path from this page to the folder of its index ("" or "../../../")
 * @param memorySvg the memory picture, rendered (inline SVG)
 * @param systemRam the hardware table's "System RAM" cell
 * @param deploySteps commands in order, each with a sentence before it
 * @param valuesFile the values file's path, and its bytes as text ({@code valuesYaml})
 * @param releaseFile the deployment's release layer (fleet only; empty on the site)
 * @param variants the FAQ's table: this fit first, then the neighbouring quantizations, then the contexts around it
 */
record HtmlPage(
        DeploymentPage page,
        String root,
        String kind,
        String title,
        String memorySvg,
        List<MemoryBars.Bar> memoryRows,
        String systemRam,
        String minRam,
        String hardwareParagraph,
        List<Step> deploySteps,
        String valuesFile,
        String valuesYaml,
        String releaseFile,
        String releaseYaml,
        String whyLayers,
        List<Neighbours.Option> variants,
        String neighbourScope,
        List<String> warnings,
        Ollama ollama,
        List<Link> links) {

    record Step(String text, String command) {}

    /**
     * The Ollama equivalent of this fit: a Modelfile that pins this page's context and GPU layers (Ollama would
     * otherwise choose its own layout and a short default context), the commands that build and run it, with the
     * server's environment for the cache type, flash attention and slots where they differ from Ollama's defaults, and
     * what Ollama cannot express.
     */
    record Ollama(String tag, String modelfile, String commands, String note) {}

    /** This fit in Ollama's terms, from the page's figures. */
    static Ollama ollama(DeploymentPage page, String name) {
        PlanJson.Deployment j = page.d();
        String from = page.ollamaTag().isEmpty() ? "./" + j.modelFile().file() : page.ollamaTag();
        String modelfile =
                "FROM " + from + "\nPARAMETER num_ctx " + j.ctxPerSlot() + "\nPARAMETER num_gpu " + j.gpuLayers();
        List<String> env = new java.util.ArrayList<>();
        List<String> notes = new java.util.ArrayList<>();
        boolean fa = page.flashAttn().equals("Yes");
        String k = j.cacheTypeK();
        if (fa && !k.equals("f16")) {
            env.add("OLLAMA_FLASH_ATTENTION=1");
            if (k.equals(j.cacheTypeV()) && (k.equals("q8_0") || k.equals("q4_0"))) {
                env.add("OLLAMA_KV_CACHE_TYPE=" + k);
            } else {
                notes.add("Ollama has one cache type for K and V (f16, q8_0 or q4_0); this fit uses K " + k + ", V "
                        + j.cacheTypeV() + ".");
            }
        }
        if (j.parallel() > 1) {
            env.add("OLLAMA_NUM_PARALLEL=" + j.parallel());
        }
        if (j.nCpuMoe() > 0) {
            notes.add("Ollama cannot keep only the routed experts of " + j.nCpuMoe() + " layers in RAM (llama-server's"
                    + " --n-cpu-moe); num_gpu moves whole layers instead, which is slower.");
        }
        if (j.draft() != null && j.draft().enabled()) {
            notes.add("Ollama has no draft model (speculative decoding): expect the generation speed without it.");
        }
        notes.add("Ollama's own memory estimate may still move layers to the CPU where llama-server keeps them on the"
                + " GPU.");
        String commands = (env.isEmpty() ? "" : String.join(" ", env) + " ollama serve   # the server, once\n")
                + "ollama create " + name + " -f Modelfile\nollama run " + name;
        return new Ollama(page.ollamaTag(), modelfile, commands, String.join(" ", notes));
    }

    record Link(String href, String label) {}

    /** The title every page has: "Qwen3.5 4B (Q5_K_M) on NVIDIA GeForce RTX 3090". */
    static String title(DeploymentPage page) {
        return page.model().name() + " (" + page.d().quant() + ") on " + page.hardwareTitle();
    }

    static HtmlPage fleet(
            DeploymentPlan d,
            DeploymentPage page,
            String memorySvg,
            MemoryBars bars,
            String valuesYaml,
            String releaseFile,
            String releaseYaml,
            Variants variants) {
        PlanJson.Deployment j = page.d();
        List<Step> steps = new java.util.ArrayList<>();
        if (page.gpu()) {
            steps.add(new Step(
                    "Prepare the GPU nodes with the NVIDIA Container Toolkit (from the output folder):",
                    "ANSIBLE_COLLECTIONS_PATH=ansible ansible-playbook -i ansible/inventory.yml"
                            + " prositronic.infra.nvidia_container_toolkit"));
        }
        steps.add(new Step("Install this release with the fleet (Kubernetes):", "helmfile apply"));
        steps.add(new Step(
                "Or this model × quantization alone, as on the public catalog page:",
                "helmfile --state-values-file " + j.valuesFile() + " apply"));
        steps.add(new Step(
                "Bare metal (no Kubernetes): the same flags as a systemd service on " + j.node() + ":",
                "ANSIBLE_COLLECTIONS_PATH=ansible ansible-playbook -i ansible/inventory.yml"
                        + " prositronic.infra.llama_server --limit " + j.node()));
        steps.add(new Step("which runs:", serverCommand(page)));
        return new HtmlPage(
                page,
                "",
                "deployment",
                title(page),
                memorySvg,
                bars.bars(),
                page.ramAvailable(),
                page.ramUsed(),
                page.hardwareParagraph(),
                steps,
                j.valuesFile(),
                valuesYaml,
                releaseFile,
                releaseYaml,
                Facts.whyLayers(d),
                variants.rows(),
                variants.scope(),
                Facts.warnings(d, j.modelFile().verified()),
                ollama(page, j.name()),
                List.of(new Link("index.html", "Fleet report"), new Link(j.name() + ".md", "Markdown")));
    }

    /** The FAQ's variants of a deployment, fitted where it runs, and how they were fitted ({@link Neighbours}). */
    record Variants(List<Neighbours.Option> rows, String scope) {
        static Variants of(DeploymentPlan d, Neighbours neighbours) {
            return new Variants(
                    variants(neighbours.current(d), neighbours.quants(d), neighbours.contexts(d)), neighbours.scope(d));
        }
    }

    /** The FAQ's rows in the order the page shows them. */
    static List<Neighbours.Option> variants(
            Neighbours.Option current, List<Neighbours.Option> quants, List<Neighbours.Option> contexts) {
        List<Neighbours.Option> all = new java.util.ArrayList<>(1 + quants.size() + contexts.size());
        all.add(current);
        all.addAll(quants);
        all.addAll(contexts);
        return all;
    }

    /** llama-server's command line as the chart and the systemd unit run it. */
    static String serverCommand(DeploymentPage page) {
        PlanJson.Deployment j = page.d();
        return "llama-server --host 0.0.0.0 --port " + j.port() + " --hf-repo "
                + j.modelFile().repo() + " --hf-file " + j.modelFile().file() + " \\\n  " + page.argsLine();
    }
}
