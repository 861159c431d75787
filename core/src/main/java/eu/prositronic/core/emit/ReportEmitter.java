package eu.prositronic.core.emit;

import static eu.prositronic.core.emit.Serializers.ordered;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import eu.prositronic.core.catalog.Hardware;
import eu.prositronic.core.catalog.ModelSpec;
import eu.prositronic.core.fit.Plan;
import eu.prositronic.core.fit.Plan.DeploymentPlan;
import eu.prositronic.core.fit.SpeedModel;
import eu.prositronic.core.inventory.Inventory;
import eu.prositronic.core.problem.ProsiException;
import eu.prositronic.core.units.Bytes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code report/}: a page per deployment in the shape of the public catalog pages (overview, hardware requirements,
 * deploy commands, FAQ) with an SVG of the memory breakdown, and a fleet summary. Text artifacts, so Jinjava templates.
 */
public final class ReportEmitter implements Emitter {
    private static final String TEMPLATES = "prositronic/templates/report/";
    private static final String[] COLORS = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1"};
    private static final String[] PARTS = {"weights", "KV cache", "recurrent state", "compute", "overhead"};

    private final Jinjava jinjava = new Jinjava(JinjavaConfig.newBuilder()
            .withFailOnUnknownTokens(true)
            .withTrimBlocks(false)
            .withLstripBlocks(false)
            .build());

    @Override
    public String name() {
        return "report";
    }

    @Override
    public void emit(EmitContext c, OutputTree out) throws ProsiException {
        String page = template("deployment.md.jinja");
        String svg = template("memory.svg.jinja");
        List<Object> rows = new ArrayList<>();
        for (DeploymentPlan d : c.plan().deployments()) {
            out.put("report/" + d.name() + ".md", render(page, pageContext(d, c)));
            out.put("report/" + d.name() + "-memory.svg", render(svg, svgContext(d)));
            rows.add(ordered(
                    "name", d.name(),
                    "node", d.node(),
                    "model", d.model(),
                    "quant", d.quant(),
                    "hardware", d.hardware(),
                    "backend", d.backend(),
                    "context", String.format(Locale.ROOT, "%,d", d.ctxSize()),
                    "layers", d.gpuLayers() + " / " + d.layers(),
                    "vram", human(sum(d, "gpu")),
                    "ram", human(sum(d, "cpu")),
                    "speed", d.speed().generationTokensPerSecond()));
        }
        List<Object> nodes = new ArrayList<>();
        for (Plan.NodePlan n : c.plan().nodes()) {
            List<Object> shares = new ArrayList<>();
            for (Plan.Share s : n.shares()) {
                shares.add(ordered(
                        "deployment",
                        s.deployment(),
                        "device",
                        s.device(),
                        "capacity",
                        human(s.capacityBytes()),
                        "used",
                        human(s.usedBytes())));
            }
            String gpus = n.gpus().isEmpty() ? "no GPU" : String.join(", ", n.gpus());
            nodes.add(ordered(
                    "name",
                    n.name(),
                    "summary",
                    gpus + "; " + human(n.ramBytes())
                            + " RAM. Each deployment's share is what it may use of a device after the reserve.",
                    "shares",
                    shares));
        }
        out.put(
                "report/index.md",
                render(template("index.md.jinja"), ordered("plan", asMap(c.plan()), "rows", rows, "nodes", nodes)));
    }

    private Map<String, Object> pageContext(DeploymentPlan d, EmitContext c) {
        ModelSpec model = c.catalog().model(d.model()).orElseThrow();
        Inventory.Node node = c.inventory().node(d.node()).orElseThrow();
        boolean gpu = node.hasGpu();
        Hardware hw = gpu
                ? c.catalog().hardware(node.gpus().get(0).model()).orElseThrow()
                : c.catalog().cpu();
        long vramCapacity = d.memory().devices().stream()
                .filter(x -> x.kind().equals("gpu"))
                .mapToLong(Plan.Device::capacityBytes)
                .sum();
        long vramUsed = sum(d, "gpu");
        long ramUsed = sum(d, "cpu");
        var caps = model.capabilities();
        List<String> capabilities = new ArrayList<>();
        if (caps.thinking()) {
            capabilities.add("thinking (" + (d.thinking() ? "on" : "off") + " in this deployment)");
        }
        if (caps.toolCalls()) {
            capabilities.add("tool calls");
        }
        if (caps.vision().isPresent()) {
            capabilities.add(
                    "vision (separate mmproj file " + caps.vision().get().file() + ", not loaded by this deployment)");
        }
        if (caps.languages() > 0) {
            capabilities.add(caps.languages() + " languages");
        }
        String fileSize = gb(d.modelFile().sizeBytes());
        String fit =
                switch (d.layout()) {
                    case "full" ->
                        "All " + d.layers() + " layers fit on the GPU"
                                + (node.gpus().stream()
                                                        .mapToInt(Inventory.GpuRef::count)
                                                        .sum()
                                                > 1
                                        ? "s"
                                        : "") + ".";
                    case "cpu" -> "It runs from system RAM on the CPU.";
                    case "moe-experts-on-cpu" ->
                        "It fits with the routed experts of " + d.nCpuMoe() + " layers in system RAM.";
                    default ->
                        "Only " + d.gpuLayers() + " of " + d.layers()
                                + " layers fit on the GPU; the rest run on the CPU.";
                };
        String hwParagraph = gpu
                ? hw.name() + ": " + human(hw.memory().value()) + " of memory, "
                        + Math.round(hw.memoryBandwidthBytesPerSecond() / 1e9) + " GB/s, " + hw.fp16Tflops()
                        + " FP16 TFLOPS"
                        + hw.computeCapability()
                                .map(cc -> ", compute capability " + cc)
                                .orElse("") + "."
                : "CPU only: no acceleration; speed is bound by the node's RAM bandwidth and the size by its "
                        + human(node.ram().value()) + " of RAM.";
        long kvTotal = d.memory().devices().stream()
                .mapToLong(Plan.Device::kvCacheBytes)
                .sum();
        long rsTotal = d.memory().devices().stream()
                .mapToLong(Plan.Device::recurrentStateBytes)
                .sum();
        String kvSentence = "Of that, the KV cache takes " + human(kvTotal)
                + (rsTotal > 0
                        ? " (attention layers only: "
                                + model.architecture().countLayers(eu.prositronic.core.catalog.LayerKind.FULL) + " of "
                                + model.architecture().blockCount() + " layers) and the recurrent state "
                                + human(rsTotal) + "."
                        : ".");
        String canRun =
                switch (d.layout()) {
                    case "full", "cpu" ->
                        "Yes, with a context of " + String.format(Locale.ROOT, "%,d", d.ctxSize()) + " tokens.";
                    default -> "Yes, but not entirely on the GPU: " + fit;
                };
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("d", asMap(d));
        m.put(
                "model",
                ordered(
                        "name", model.name(),
                        "tags", caps.tags(),
                        "parameters", billions(model.parametersTotal()),
                        "active",
                                model.parametersActive() != model.parametersTotal()
                                        ? billions(model.parametersActive())
                                        : "",
                        "capabilities", capabilities.isEmpty() ? "text generation" : String.join(", ", capabilities),
                        "context",
                                String.format(
                                        Locale.ROOT, "%,d", model.architecture().contextLength()),
                        "license", model.license(),
                        "description", model.description()));
        m.put(
                "hardwareTitle",
                gpu
                        ? (node.gpus().get(0).count() > 1 ? node.gpus().get(0).count() + "× " : "") + hw.name()
                        : "CPU only");
        m.put("fileSize", fileSize);
        m.put(
                "sizeSource",
                d.modelFile().sizeSource().startsWith("http")
                        ? "published size"
                        : d.modelFile().sizeSource().split(":")[0]);
        m.put("fitSentence", fit);
        m.put("hardwareParagraph", hwParagraph);
        m.put("vramAvailable", gpu ? human(vramCapacity) : "none");
        m.put("vramUsed", gpu ? human(vramUsed) : "none");
        m.put("ramAvailable", human(node.ram().value()));
        m.put("ramUsed", human(ramUsed));
        m.put("context", String.format(Locale.ROOT, "%,d", d.ctxSize()));
        m.put("perSlot", String.format(Locale.ROOT, "%,d", d.ctxPerSlot()));
        m.put("flashAttn", d.flashAttn().equals("on") ? "Yes" : "No");
        m.put("readingFromDisk", d.layout().equals("full") ? "No" : "Yes (memory-mapped weights)");
        m.put("quotedDepth", String.format(Locale.ROOT, "%,d", SpeedModel.QUOTED_DEPTH));
        m.put(
                "devices",
                d.memory().devices().stream()
                        .map(x -> ordered(
                                "id", x.id(),
                                "capacity", human(x.capacityBytes()),
                                "used", human(x.usedBytes()),
                                "weights", human(x.weightsBytes()),
                                "kv", human(x.kvCacheBytes()),
                                "rs", human(x.recurrentStateBytes()),
                                "compute", human(x.computeBytes()),
                                "overhead", human(x.overheadBytes())))
                        .toList());
        m.put("gpu", gpu);
        m.put(
                "argsLine",
                String.join(
                        " ", d.args().stream().map(ReportEmitter::shellQuote).toList()));
        m.put("kvSentence", kvSentence);
        m.put("canRunSentence", canRun);
        m.put("ollamaTag", ollamaTag(model, d.quant()));
        return m;
    }

    private Map<String, Object> svgContext(DeploymentPlan d) {
        int left = 150;
        int barWidth = 460;
        List<Object> rows = new ArrayList<>();
        int y = 10;
        for (Plan.Device dev : d.memory().devices()) {
            long[] parts = {
                dev.weightsBytes(),
                dev.kvCacheBytes(),
                dev.recurrentStateBytes(),
                dev.computeBytes(),
                dev.overheadBytes()
            };
            double scale = barWidth / (double) Math.max(dev.capacityBytes(), dev.usedBytes());
            List<Object> segments = new ArrayList<>();
            double x = left;
            for (int i = 0; i < parts.length; i++) {
                double w = parts[i] * scale;
                if (w >= 0.05) {
                    segments.add(ordered(
                            "x", fmt(x), "w", fmt(w), "color", COLORS[i], "title", PARTS[i] + ": " + human(parts[i])));
                }
                x += w;
            }
            rows.add(ordered(
                    "y",
                    y,
                    "label",
                    dev.id(),
                    "segments",
                    segments,
                    "total",
                    human(dev.usedBytes()) + " of " + human(dev.capacityBytes())));
            y += 32;
        }
        List<Object> legend = new ArrayList<>();
        for (int i = 0; i < PARTS.length; i++) {
            legend.add(ordered("x", 8 + i * 130, "color", COLORS[i], "label", PARTS[i]));
        }
        return ordered(
                "name",
                d.name(),
                "width",
                760,
                "height",
                y + 30,
                "rows",
                rows,
                "left",
                left,
                "barWidth",
                barWidth,
                "legend",
                legend,
                "legendY",
                y + 4);
    }

    private String render(String template, Map<String, Object> context) throws ProsiException {
        try {
            return jinjava.render(template, context);
        } catch (RuntimeException e) {
            throw new ProsiException("a report template failed: " + e.getMessage(), e);
        }
    }

    private String template(String name) throws ProsiException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(TEMPLATES + name)) {
            if (in == null) {
                throw new ProsiException("the plugin jar lacks the template " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ProsiException("cannot read the template " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * The Ollama library tag of a model and quantization, in its naming ({@code qwen3.5:4b-q5_k_m}): the catalog alias
     * with a colon plus the quantization; empty for quantizations the library does not name this way.
     */
    static String ollamaTag(ModelSpec model, String quant) {
        String q = quant.toLowerCase(Locale.ROOT);
        if (!q.matches("q[2-8]_(k_[sm]|k|0)")) {
            return "";
        }
        return model.aliases().stream()
                .filter(a -> a.contains(":"))
                .findFirst()
                .map(a -> a + "-" + q)
                .orElse("");
    }

    /** Templates see plain maps: records have no bean getters for Jinjava to find. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object record) {
        return new com.fasterxml.jackson.databind.ObjectMapper().convertValue(record, Map.class);
    }

    private static long sum(DeploymentPlan d, String kind) {
        return d.memory().devices().stream()
                .filter(x -> x.kind().equals(kind))
                .mapToLong(Plan.Device::usedBytes)
                .sum();
    }

    static String human(long bytes) {
        return Bytes.of(bytes).human();
    }

    /** File sizes as the public catalog pages print them: GiB with the label GB (2,293,388,448 B → 2.14 GB). */
    static String gb(long bytes) {
        return String.format(Locale.ROOT, "%.2f GiB (%,d bytes)", bytes / (double) Bytes.GIB, bytes);
    }

    static String billions(long n) {
        return String.format(Locale.ROOT, "%.2fB", n / 1e9);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String shellQuote(String s) {
        return s.matches("[A-Za-z0-9_./:=,+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
