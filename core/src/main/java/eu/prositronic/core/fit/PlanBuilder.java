package eu.prositronic.core.fit;

import eu.prositronic.core.catalog.Backend;
import eu.prositronic.core.catalog.Catalog;
import eu.prositronic.core.catalog.ModelSpec;
import eu.prositronic.core.fit.DeploymentPlan.ImageRef;
import eu.prositronic.core.inventory.Deployment;
import eu.prositronic.core.inventory.FlashAttn;
import eu.prositronic.core.units.Bytes;
import eu.prositronic.core.units.BytesPerSecond;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/** The plan of one fitted deployment: backend and image, settings, notes, speed and chat-template switches. */
final class PlanBuilder {
    private PlanBuilder() {}

    static MemoryModel memoryModel(Deployment d) {
        return new MemoryModel(
                        d.model().architecture(), WeightModel.of(d.model().architecture(), d.quant()))
                .withProjector(Projector.of(d))
                .withDraft(DraftModel.of(d));
    }

    /** llama-server's settings for a deployment, before the context is chosen. */
    static RunSettings baseSettings(Deployment d, int onNode) {
        // Prompt cache: llama-server's 8 GiB default, but never more than 1/16 of the node's RAM per deployment.
        long cacheRam = Math.min(
                LlamaCpp.SERVER_DEFAULT_CACHE_RAM.value(),
                d.node().ram().value() / 16 / onNode / (256 * Bytes.MIB) * 256 * Bytes.MIB);
        return RunSettings.server(
                        0,
                        d.ubatchSize(),
                        d.batchSize(),
                        d.parallel(),
                        d.cacheTypeK(),
                        d.cacheTypeV(),
                        d.flashAttn() != FlashAttn.OFF, // auto: every backend we ship supports flash attention
                        LlamaCpp.SERVER_DEFAULT_CTX_CHECKPOINTS,
                        Bytes.of(cacheRam))
                .withKvUnified(d.kvUnified())
                .withDraft(d.draft().map(x -> x.nDraft()).orElse(0));
    }

    /**
     * The CPU threads of a deployment among {@code onNode} on its node: on a node without GPUs an equal share of its
     * cores (at least one); 0 on a GPU node, where {@code --threads} is not passed.
     */
    static int threads(Deployment d, int onNode) {
        return d.node().hasGpu() ? 0 : Math.max(1, d.node().cpuCores() / Math.max(1, onNode));
    }

    static DeploymentPlan build(Deployment d, Fitter.Fitted f, Catalog catalog, int onNode) {
        MemoryModel mm = memoryModel(d);
        RunSettings s = f.settings();
        Layout layout = f.layout();
        Backend backend = BackendSelector.select(d.node().devices(), d.node().driverVersion(), catalog.images());
        MemoryPlan memory = MemoryPlan.of(f.devices(), LlamaCpp.FIT_TARGET, Planner.HOST_RESERVE);
        boolean gpu = d.node().hasGpu();
        SpeedEstimate speed = speed(d, mm, s, layout, catalog, backend);
        return new DeploymentPlan(
                d,
                backend,
                new ImageRef(
                        catalog.images().repository(),
                        catalog.images().byBackend().get(backend).tag()),
                f.kind(),
                layout,
                s,
                mm.allUnits(),
                threads(d, onNode),
                chatTemplateKwargs(d),
                memory,
                speed,
                notes(d, f, mm));
    }

    /**
     * One slot's speed at the quoted conditions: generation at {@link SpeedModel#QUOTED_DEPTH} tokens of context, a
     * {@link SpeedModel#QUOTED_PROMPT_TOKENS}-token prompt on an empty context, llama-server at the pinned build.
     */
    static SpeedEstimate speed(
            Deployment d, MemoryModel mm, RunSettings s, Layout layout, Catalog catalog, Backend backend) {
        boolean gpu = d.node().hasGpu();
        SpeedModel.Workload w = mm.speedWorkload(
                s,
                layout,
                gpu ? d.node().gpuCount() : 0,
                SpeedModel.QUOTED_DEPTH,
                d.quant().quant());
        BytesPerSecond bandwidth = d.node()
                .memoryBandwidth()
                .orElse(BytesPerSecond.of(catalog.cpu().memoryBandwidthBytesPerSecond()));
        String build = catalog.images().build();
        SpeedModel.Conditions c = new SpeedModel.Conditions(
                backend.cuda() ? "cuda" : backend.key(),
                buildNumber(build),
                true,
                SpeedModel.QUOTED_PROMPT_TOKENS,
                0,
                s.nUbatch());
        SpeedModel.Rates r = SpeedModel.estimate(
                d.node().primaryGpu().orElse(null),
                d.node().gpuCount(),
                bandwidth.value(),
                d.node().cpuCores(),
                w,
                c,
                gpu && layout.gpuLayers() > 0);
        return new SpeedEstimate(
                SpeedModel.round(r.generation()),
                SpeedModel.round(r.prompt()),
                SpeedModel.QUOTED_DEPTH,
                SpeedModel.QUOTED_PROMPT_TOKENS,
                s.nSeq(),
                build,
                SpeedEstimate.Range.around(r.generation(), SpeedModel.GENERATION_RANGE),
                SpeedEstimate.Range.around(r.prompt(), SpeedModel.PROMPT_RANGE));
    }

    /** {@code b11146} → 11146; 0 when the build is not a number. */
    static int buildNumber(String build) {
        String digits = build.startsWith("b") ? build.substring(1) : build;
        return digits.matches("\\d+") ? Integer.parseInt(digits) : 0;
    }

    private static List<String> notes(Deployment d, Fitter.Fitted f, MemoryModel mm) {
        RunSettings s = f.settings();
        Layout layout = f.layout();
        List<String> notes = new ArrayList<>(f.notes());
        long trained = d.model().architecture().contextLength();
        if (d.maxContext() && s.nCtx() < LlamaCpp.roundDownContext(trained)) {
            notes.add("context limited by memory to " + s.nCtx() + " of the trained " + trained + " tokens");
        }
        switch (f.kind()) {
            case MOE_EXPERTS_ON_CPU ->
                notes.add("the routed experts of the first " + layout.nCpuMoe()
                        + " layers run on the CPU (--n-cpu-moe): the model does not fit the GPU memory whole");
            case PARTIAL ->
                notes.add("only " + layout.gpuLayers() + " of " + mm.allUnits()
                        + " layers fit on the GPU (-ngl); the rest run on the CPU at RAM bandwidth");
            case CPU -> notes.add("weights are memory-mapped from the model file (read from disk on first use)");
            case FULL -> {}
        }
        if (d.parallel() > 1) {
            notes.add(
                    s.kvUnified()
                            ? "the " + d.parallel() + " slots share one KV cache of " + s.nCtx()
                                    + " tokens (--kv-unified)"
                            : "each of the " + d.parallel() + " slots gets " + s.nCtx() / d.parallel()
                                    + " tokens of context");
        }
        return notes;
    }

    /**
     * Thinking on or off through the chat template, only when it differs from the model's default. Boolean toggles
     * ({@code enable_thinking}) get the boolean; gpt-oss's {@code reasoning_effort} cannot switch reasoning off, so
     * "off" becomes its lowest level.
     */
    static SortedMap<String, Object> chatTemplateKwargs(Deployment d) {
        SortedMap<String, Object> kwargs = new TreeMap<>();
        ModelSpec.Capabilities caps = d.model().capabilities();
        if (caps.thinking() && d.thinking() != caps.thinkingDefaultOn()) {
            if (caps.thinkingKwarg().equals("reasoning_effort")) {
                kwargs.put(caps.thinkingKwarg(), d.thinking() ? "medium" : "low");
            } else {
                kwargs.put(caps.thinkingKwarg(), d.thinking());
            }
        }
        return kwargs;
    }
}
