package eu.prositronic.core.emit.report;

import eu.prositronic.core.catalog.Hardware;
import eu.prositronic.core.catalog.LayerKind;
import eu.prositronic.core.catalog.ModelSpec;
import eu.prositronic.core.emit.PlanJson;
import eu.prositronic.core.fit.DeploymentPlan;
import eu.prositronic.core.fit.DeviceMemory;
import eu.prositronic.core.fit.LayoutKind;
import eu.prositronic.core.fit.SpeedEstimate;
import eu.prositronic.core.inventory.Node;
import eu.prositronic.core.units.Bytes;
import eu.prositronic.core.units.Decimals;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The page model of {@code report/<deployment>.md}: the deployment as plan.json has it ({@code d}) and every sentence
 * and figure the page prints, computed here so that the template only places them.
 */
record DeploymentPage(
        PlanJson.Deployment d,
        ModelInfo model,
        String hardwareTitle,
        String fileSize,
        String sizeSource,
        String fileTruth,
        String fitSentence,
        String hardwareParagraph,
        String vramAvailable,
        String vramUsed,
        String ramAvailable,
        String ramUsed,
        String context,
        String perSlot,
        String flashAttn,
        String readingFromDisk,
        String generationSpeed,
        String promptSpeed,
        List<DeviceRow> devices,
        boolean gpu,
        String argsLine,
        String kvSentence,
        String canRunSentence,
        String ollamaTag,
        List<ChosenRow> chosenBy,
        List<AlternativeRow> alternatives) {

    /** One choice the solver made: part, value, why. */
    record ChosenRow(String choice, String value, String reason) {}

    /** An alternative with its differences from the chosen, in words and signed figures. */
    record AlternativeRow(
            String quant,
            String node,
            String context,
            String memory,
            String contextDelta,
            String speed,
            String power) {}

    static List<ChosenRow> chosenRows(PlanJson.Deployment d) {
        return d.chosenBy() == null
                ? List.of()
                : d.chosenBy().stream()
                        .map(c -> new ChosenRow(c.choice(), c.value(), c.reason()))
                        .toList();
    }

    static List<AlternativeRow> alternativeRows(PlanJson.Deployment d) {
        return d.alternatives() == null
                ? List.of()
                : d.alternatives().stream()
                        .map(a -> new AlternativeRow(
                                a.quant(),
                                a.node(),
                                thousands(a.ctxSize()),
                                signed(a.memoryDeltaBytes()),
                                (a.contextDelta() > 0 ? "+" : a.contextDelta() < 0 ? "−" : "±")
                                        + thousands(Math.abs(a.contextDelta())),
                                String.format(Locale.ROOT, "%+.1f tokens/s", a.generationTokensPerSecondDelta()),
                                a.powerDeltaWatts() == null
                                        ? "n/a"
                                        : String.format(Locale.ROOT, "%+.0f W", a.powerDeltaWatts())))
                        .toList();
    }

    /** "+1.2 GiB", "−512 MiB", "±0 B". */
    static String signed(long bytes) {
        return (bytes > 0 ? "+" : bytes < 0 ? "−" : "±")
                + Bytes.of(Math.abs(bytes)).human();
    }

    record ModelInfo(
            String name,
            List<String> tags,
            String parameters,
            String active,
            String capabilities,
            String context,
            String license,
            String description) {}

    record DeviceRow(
            String id,
            String capacity,
            String used,
            String weights,
            String kv,
            String rs,
            String compute,
            String overhead,
            String caches) {}

    /** "about 150–190 tokens/s at 4,096 tokens of context (one busy slot of 4; llama.cpp b11146)". */
    static String generationSpeed(DeploymentPlan d) {
        SpeedEstimate e = d.speed();
        return "about " + range(e.generationRange()) + " tokens/s at " + thousands(e.depth())
                + " tokens of context (" + (e.slots() > 1 ? "one busy slot of " + e.slots() : "one stream")
                + ", llama-server, llama.cpp " + e.build() + ")";
    }

    /** "about 5,400–9,000 tokens/s for a 2,048-token prompt". */
    static String promptSpeed(DeploymentPlan d) {
        SpeedEstimate e = d.speed();
        return "about " + range(e.promptRange()) + " tokens/s for a " + thousands(e.promptTokens())
                + "-token prompt on an empty context";
    }

    /** "150–190": the range's ends with thousands separators, decimals only below 10. */
    static String range(SpeedEstimate.Range r) {
        return figure(r.low()) + "–" + figure(r.high());
    }

    static String figure(double v) {
        return v < 10 ? Decimals.fixed(v, 1) : thousands(Math.round(v));
    }

    /** Where the file is pinned and how a download is checked, or that it cannot be yet. */
    static String fileTruth(PlanJson.ModelFile f) {
        if (!f.verified()) {
            return "**Unverified file:** the catalog has no revision and sha256 for it that a reader can open"
                    + " (its source is marked `" + f.sizeSource().split(":")[0] + ":`), so a download cannot be"
                    + " checked against it" + (f.revision().isEmpty() ? "" : " (revision `" + f.revision() + "`)")
                    + ".";
        }
        if (f.shards().isEmpty()) {
            return "Pinned at revision `" + f.revision() + "` of `" + f.repo() + "`; sha256 `" + f.sha256() + "`.";
        }
        return "Pinned at revision `" + f.revision() + "` of `" + f.repo() + "`: "
                + f.shards().size() + " shards, each with its bytes and sha256 in plan.json.";
    }

    static DeploymentPage of(DeploymentPlan d) {
        return of(d, java.util.Optional.empty());
    }

    /** The page of a deployment with what the solver chose for it, if anything ("Why this plan"). */
    static DeploymentPage of(DeploymentPlan d, java.util.Optional<eu.prositronic.core.fit.SolverReport.Choice> choice) {
        ModelSpec model = d.model();
        Node node = d.node();
        boolean gpu = node.hasGpu();
        PlanJson.Deployment json = PlanJson.of(d, null, choice);
        return new DeploymentPage(
                json,
                modelInfo(d),
                gpu
                        ? (node.gpus().get(0).count() > 1 ? node.gpus().get(0).count() + "× " : "")
                                + node.primaryGpu().orElseThrow().name()
                        : "CPU only",
                gb(d.quant().size()),
                json.modelFile().verified()
                        ? "exact published size"
                        : json.modelFile().sizeSource().split(":")[0],
                fileTruth(json.modelFile()),
                fitSentence(d),
                hardwareParagraph(node),
                gpu ? d.memory().vramCapacity().human() : "none",
                gpu ? d.memory().vramUsed().human() : "none",
                node.ram().human(),
                d.memory().ramUsed().human(),
                thousands(d.ctxSize()),
                thousands(d.ctxPerSlot()),
                d.settings().flashAttn() ? "Yes" : "No",
                d.layoutKind() == LayoutKind.FULL ? "No" : "Yes (memory-mapped weights)",
                generationSpeed(d),
                promptSpeed(d),
                d.memory().devices().stream().map(DeploymentPage::row).toList(),
                gpu,
                String.join(
                        " ",
                        json.args().stream().map(DeploymentPage::shellQuote).toList()),
                kvSentence(d, model),
                canRunSentence(d),
                ollamaTag(model, d.quant().quant()),
                chosenRows(json),
                alternativeRows(json));
    }

    private static ModelInfo modelInfo(DeploymentPlan d) {
        ModelSpec model = d.model();
        ModelSpec.Capabilities caps = model.capabilities();
        List<String> capabilities = new ArrayList<>();
        if (caps.thinking()) {
            capabilities.add("thinking (" + (d.deployment().thinking() ? "on" : "off") + " in this deployment)");
        }
        if (caps.toolCalls()) {
            capabilities.add("tool calls");
        }
        if (caps.vision().isPresent()) {
            String file = caps.vision().get().file().file();
            capabilities.add(
                    d.deployment().vision().enabled()
                            ? "vision (mmproj file " + file + ", loaded by this deployment on "
                                    + (d.memory().gpus().stream()
                                                    .anyMatch(g -> g.projector().value() > 0)
                                            ? "the first GPU"
                                            : "the CPU")
                                    + ")"
                            : "vision (separate mmproj file " + file
                                    + ", not loaded by this deployment; `vision: true` loads" + " it)");
        }
        if (caps.languages() > 0) {
            capabilities.add(caps.languages() + " languages");
        }
        return new ModelInfo(
                model.name(),
                caps.tags(),
                billions(model.parametersTotal()),
                model.parametersActive() != model.parametersTotal() ? billions(model.parametersActive()) : "",
                capabilities.isEmpty() ? "text generation" : String.join(", ", capabilities),
                thousands(model.architecture().contextLength()),
                model.license(),
                model.description());
    }

    private static String fitSentence(DeploymentPlan d) {
        return switch (d.layoutKind()) {
            case FULL ->
                "All " + d.layers() + " layers fit on the GPU" + (d.node().gpuCount() > 1 ? "s" : "") + ".";
            case CPU -> "It runs from system RAM on the CPU.";
            case MOE_EXPERTS_ON_CPU -> "It fits with the routed experts of " + d.nCpuMoe() + " layers in system RAM.";
            case PARTIAL ->
                "Only " + d.gpuLayers() + " of " + d.layers() + " layers fit on the GPU; the rest run on the CPU.";
        };
    }

    private static String canRunSentence(DeploymentPlan d) {
        return switch (d.layoutKind()) {
            case FULL, CPU -> "Yes, with a context of " + thousands(d.ctxSize()) + " tokens.";
            case MOE_EXPERTS_ON_CPU, PARTIAL -> "Yes, but not entirely on the GPU: " + fitSentence(d);
        };
    }

    private static String hardwareParagraph(Node node) {
        if (!node.hasGpu()) {
            return "CPU only: no acceleration; speed is bound by the node's RAM bandwidth and the size by its "
                    + node.ram().human() + " of RAM.";
        }
        Hardware hw = node.primaryGpu().orElseThrow();
        return hw.name() + ": " + memory(hw) + ", "
                + Math.round(hw.memoryBandwidthBytesPerSecond() / 1e9) + " GB/s, " + hw.fp16Tflops()
                + " FP16 TFLOPS"
                + hw.computeCapability().map(cc -> ", compute capability " + cc).orElse("") + ".";
    }

    /**
     * A GPU's memory as the report states it: the nominal total, and where the catalog knows it the total the GPU
     * runtime reports, which is what the fit plans into (plan.json {@code memory.gpuMemory[].basis}).
     */
    static String memory(Hardware hw) {
        return hw.memory().human() + " of memory"
                + hw.usableMemory()
                        .map(u -> " (" + u.bytes().human() + " as the "
                                + (hw.vendor() == Hardware.Vendor.AMD ? "ROCm" : "CUDA")
                                + " runtime reports it, which the fit plans into)")
                        .orElse("");
    }

    private static String kvSentence(DeploymentPlan d, ModelSpec model) {
        Bytes rs = d.memory().recurrentState();
        return "Of that, the KV cache takes " + d.memory().kvCache().human()
                + (!rs.isZero()
                        ? " (attention layers only: " + model.architecture().countLayers(LayerKind.FULL) + " of "
                                + model.architecture().blockCount() + " layers) and the recurrent state " + rs.human()
                                + "."
                        : ".");
    }

    private static DeviceRow row(DeviceMemory x) {
        return new DeviceRow(
                x.id(),
                x.capacity().human(),
                x.used().human(),
                x.weights().human(),
                x.kvCache().human(),
                x.recurrentState().human(),
                x.compute().human(),
                x.overhead().human(),
                x.checkpoints().plus(x.promptCache()).human());
    }

    /**
     * The Ollama library tag of a model and quantization, in its naming ({@code qwen3.5:4b-q5_k_m}): the catalog alias
     * with a colon plus the quantization; empty for quantizations the library does not name this way.
     */
    static String ollamaTag(ModelSpec model, String quant) {
        String q = quant.toLowerCase(Locale.ROOT);
        if (!OLLAMA_QUANT.matcher(q).matches()) {
            return "";
        }
        return model.aliases().stream()
                .filter(a -> a.contains(":"))
                .findFirst()
                .map(a -> a + "-" + q)
                .orElse("");
    }

    /** File sizes as the public catalog pages print them: GiB with the exact bytes. */
    static String gb(Bytes bytes) {
        return Decimals.fixed(bytes.gib(), 2) + " GiB (" + Decimals.grouped(bytes.value()) + " bytes)";
    }

    static String billions(long n) {
        return Decimals.fixed(n / 1e9, 2) + "B";
    }

    static String thousands(long n) {
        return Decimals.grouped(n);
    }

    private static final java.util.regex.Pattern OLLAMA_QUANT = java.util.regex.Pattern.compile("q[2-8]_(k_[sm]|k|0)");

    /** {@code s} as a shell word: bare when it is only {@code [A-Za-z0-9_./:=,+-]}, else single-quoted. */
    static String shellQuote(String s) {
        boolean bare = !s.isEmpty();
        for (int i = 0; i < s.length() && bare; i++) {
            char c = s.charAt(i);
            bare = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || "_./:=,+-".indexOf(c) >= 0;
        }
        return bare ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
