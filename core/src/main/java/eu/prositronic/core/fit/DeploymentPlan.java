package eu.prositronic.core.fit;

import eu.prositronic.core.catalog.Backend;
import eu.prositronic.core.catalog.ModelSpec;
import eu.prositronic.core.catalog.ModelSpec.QuantFile;
import eu.prositronic.core.inventory.Deployment;
import eu.prositronic.core.inventory.Node;
import java.util.List;
import java.util.SortedMap;

/**
 * One deployment fitted on its node: everything decided, once. {@code settings} are llama-server's resolved settings
 * (context, cache types, slots, batches, prompt cache); {@code chatTemplateKwargs} the chat-template switches the
 * deployment needs (sorted, empty when the model's defaults apply).
 *
 * @param layers llama.cpp's {@code -ngl} units: the blocks plus the output layer
 * @param threads llama-server's {@code --threads} (generation and prompt processing): on a node without GPUs the
 *     node's cores split equally between its deployments, so that two servers on one box do not both take every core;
 *     0 on GPU nodes (the flag is not passed: the work runs on the GPU, llama.cpp's default is kept)
 */
public record DeploymentPlan(
        Deployment deployment,
        Backend backend,
        ImageRef image,
        LayoutKind layoutKind,
        Layout layout,
        RunSettings settings,
        int layers,
        int threads,
        SortedMap<String, Object> chatTemplateKwargs,
        MemoryPlan memory,
        SpeedEstimate speed,
        List<String> notes) {

    public DeploymentPlan {
        if (threads < 0) {
            throw new IllegalArgumentException("threads " + threads);
        }
        notes = List.copyOf(notes);
    }

    /** The same plan of another deployment that differs from this one in its names only (FitMemo, AlikePages). */
    public DeploymentPlan renamed(Deployment other) {
        return copy(other, notes);
    }

    /** The same plan with one more note (a finding about the fleet, made once every node is placed). */
    public DeploymentPlan withNote(String note) {
        List<String> more = new java.util.ArrayList<>(notes);
        more.add(note);
        return copy(deployment, more);
    }

    private DeploymentPlan copy(Deployment otherDeployment, List<String> otherNotes) {
        return new DeploymentPlan(
                otherDeployment,
                backend,
                image,
                layoutKind,
                layout,
                settings,
                layers,
                threads,
                chatTemplateKwargs,
                memory,
                speed,
                otherNotes);
    }

    /** A pinned image: {@code repository:tag}, kept apart so nothing has to split the reference again. */
    public record ImageRef(String repository, String tag) {
        public String reference() {
            return repository + ":" + tag;
        }
    }

    public String name() {
        return deployment.name();
    }

    public Node node() {
        return deployment.node();
    }

    public ModelSpec model() {
        return deployment.model();
    }

    public QuantFile quant() {
        return deployment.quant();
    }

    public String hardware() {
        return deployment.node().hardwareSlug();
    }

    public String valuesFile() {
        return deployment.valuesFile();
    }

    public long ctxSize() {
        return settings.nCtx();
    }

    /** The context each slot gets: all of it with a unified KV stream, else an equal part. */
    public long ctxPerSlot() {
        return settings.kvUnified() ? settings.nCtx() : settings.nCtx() / settings.nSeq();
    }

    public int gpuLayers() {
        return layout.gpuLayers();
    }

    public int nCpuMoe() {
        return layout.nCpuMoe();
    }

    /** {@code --tensor-split} as whole numbers, empty for one GPU or none. */
    public List<Integer> tensorSplit() {
        return layout.split().stream().map(Double::intValue).toList();
    }
}
