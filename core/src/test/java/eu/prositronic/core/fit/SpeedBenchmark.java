package eu.prositronic.core.fit;

import eu.prositronic.TestSupport;
import eu.prositronic.core.catalog.Architecture;
import eu.prositronic.core.catalog.Catalog;
import eu.prositronic.core.catalog.Hardware;
import eu.prositronic.core.catalog.LayerKind;
import eu.prositronic.core.catalog.ModelSpec;
import eu.prositronic.core.catalog.ModelSpec.QuantFile;
import eu.prositronic.core.inventory.CacheType;
import eu.prositronic.core.units.Bytes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The speed model against published llama.cpp figures ({@code tools/speed/published.tsv}): every row's estimate and
 * ratio, the rows left out and why, and the medians per slice on the training and the holdout rows. The split is by
 * source ({@link #holdoutSources}: a whole published run on one side, about three rows in ten held out); the constants
 * of {@link SpeedModel} were fitted on the training rows only. Run with {@code scripts/speed-benchmark}.
 */
public final class SpeedBenchmark {
    private SpeedBenchmark() {}

    public static void main(String[] args) {
        Result r = run();
        r.rows().forEach(e -> System.out.println(e.line()));
        r.excluded().forEach(System.out::println);
        r.summary().forEach(System.out::println);
    }

    /** Share of the evaluable rows the split aims to hold out. */
    static final double HOLDOUT_SHARE = 0.3;

    /** A source's place in the split order: the first 8 bytes of SHA-256 of its URL, unsigned. */
    static long sourceKey(String url) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(url.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(d).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The held-out sources. A whole published run (one source URL) goes to training or to holdout together, so that no
     * holdout row has a sibling of the same run in training. Sources are taken in the order of {@link #sourceKey}:
     * first, every device class with two or more sources gets its first source held out (so that it has one on each
     * side); then further sources, in that order, while the holdout stays within {@link #HOLDOUT_SHARE} of the
     * evaluable rows, never the last training source of a class. Deterministic: it depends on the URLs and on which
     * rows are evaluable, not on any estimate.
     */
    static Set<String> holdoutSources(List<Case> cases) {
        Map<String, List<Case>> bySource = new LinkedHashMap<>();
        cases.forEach(c -> bySource.computeIfAbsent(source(c.row()), k -> new ArrayList<>())
                .add(c));
        List<String> order = bySource.keySet().stream()
                .sorted((a, b) -> {
                    int k = Long.compareUnsigned(sourceKey(a), sourceKey(b));
                    return k != 0 ? k : a.compareTo(b);
                })
                .toList();
        Map<String, Set<String>> classesOf = new LinkedHashMap<>();
        bySource.forEach((s, cs) -> classesOf.put(
                s,
                cs.stream()
                        .map(c -> SpeedModel.DeviceClass.of(c.gpu()).key())
                        .collect(Collectors.toCollection(TreeSet::new))));
        Set<String> classes = new TreeSet<>();
        classesOf.values().forEach(classes::addAll);
        Set<String> hold = new LinkedHashSet<>();
        // a source may go to holdout only if every class of it keeps a training source
        Predicate<String> keepsTraining = s -> classesOf.get(s).stream().allMatch(cls -> order.stream()
                .anyMatch(o ->
                        !o.equals(s) && !hold.contains(o) && classesOf.get(o).contains(cls)));
        for (String cls : classes) {
            List<String> of =
                    order.stream().filter(s -> classesOf.get(s).contains(cls)).toList();
            if (of.size() >= 2 && of.stream().noneMatch(hold::contains)) {
                of.stream().filter(keepsTraining).findFirst().ifPresent(hold::add);
            }
        }
        long target = Math.round(HOLDOUT_SHARE * cases.size());
        long n = hold.stream().mapToLong(s -> bySource.get(s).size()).sum();
        for (String s : order) {
            int size = bySource.get(s).size();
            if (!hold.contains(s) && n + size <= target && keepsTraining.test(s)) {
                hold.add(s);
                n += size;
            }
        }
        return hold;
    }

    static String source(Map<String, String> r) {
        return r.get("source_url");
    }

    enum Kind {
        GENERATION,
        PROMPT
    }

    record Evaluated(
            int id,
            String source,
            boolean holdout,
            Kind kind,
            String gpu,
            String model,
            String test,
            String deviceClass,
            boolean moe,
            String backend,
            String tool,
            double published,
            double estimate) {
        double ratio() {
            return estimate / published;
        }

        String line() {
            return String.format(
                    Locale.ROOT,
                    "%3d %-7s %-10s %-40.40s %-26.26s %-14s %9.1f %9.1f  x%.2f",
                    id,
                    holdout ? "holdout" : "train",
                    kind.name().toLowerCase(Locale.ROOT),
                    gpu,
                    model,
                    test,
                    published,
                    estimate,
                    ratio());
        }
    }

    record Result(List<Evaluated> rows, List<String> excluded, List<String> summary) {}

    /** GPUs of published rows that the catalog does not hold (the catalog's own entries are used where they match). */
    record Device(String match, String catalogId, Hardware spec) {}

    static Hardware gpu(
            String id,
            Hardware.Vendor vendor,
            long bandwidth,
            double fp16,
            double fp32,
            String cc,
            String arch,
            String gfx,
            String source) {
        return new Hardware(
                id,
                id,
                Hardware.Kind.GPU,
                vendor,
                Bytes.of(0),
                Optional.empty(),
                bandwidth,
                fp16,
                fp32,
                cc.isEmpty() ? Optional.empty() : Optional.of(cc),
                arch,
                gfx.isEmpty() ? Optional.empty() : Optional.of(gfx),
                Optional.empty(),
                0,
                source);
    }

    static final List<Device> DEVICES = List.of(
            new Device(
                    "NVIDIA H100 PCIe",
                    null,
                    gpu(
                            "h100-pcie",
                            Hardware.Vendor.NVIDIA,
                            2_000_000_000_000L,
                            102.4,
                            51.2,
                            "9.0",
                            "hopper",
                            "",
                            "NVIDIA H100 datasheet (PCIe: 2 TB/s, FP32 51.2 TFLOPS; FP16 vector 2x FP32)")),
            new Device("NVIDIA A100-SXM4-80GB", "nvidia-a100-80gb", null),
            new Device(
                    "NVIDIA A100 80GB PCIe",
                    null,
                    gpu(
                            "a100-80gb-pcie",
                            Hardware.Vendor.NVIDIA,
                            1_935_000_000_000L,
                            78.0,
                            19.5,
                            "8.0",
                            "ampere",
                            "",
                            "NVIDIA A100 datasheet (80GB PCIe: 1,935 GB/s; FP16 vector 78 TFLOPS)")),
            new Device("NVIDIA L40S", "nvidia-l40s", null),
            new Device("NVIDIA GeForce RTX 4090", "nvidia-rtx4090", null),
            new Device("NVIDIA GeForce RTX 3090 Ti", null, null), // rows left out (quant label)
            new Device("NVIDIA GeForce RTX 3090", "nvidia-rtx3090", null),
            new Device(
                    "NVIDIA GeForce RTX 3080",
                    null,
                    gpu(
                            "rtx3080",
                            Hardware.Vendor.NVIDIA,
                            760_000_000_000L,
                            29.8,
                            29.8,
                            "8.6",
                            "ampere",
                            "",
                            "NVIDIA Ampere GA102 whitepaper (RTX 3080 10 GB: 760 GB/s, FP32 29.8 TFLOPS, FP16 1:1)")),
            new Device("NVIDIA GeForce RTX 2080 Ti", "nvidia-rtx2080ti", null),
            new Device("NVIDIA A10", "nvidia-a10", null),
            new Device("AMD Instinct MI300X", "amd-mi300x", null),
            new Device("AMD Radeon RX 7900 XTX", "amd-rx7900xtx", null),
            new Device(
                    "AMD Radeon RX 7900 XT",
                    null,
                    gpu(
                            "rx7900xt",
                            Hardware.Vendor.AMD,
                            800_000_000_000L,
                            103.0,
                            51.5,
                            "",
                            "rdna3",
                            "gfx1100",
                            "AMD product page (RX 7900 XT: 800 GB/s, FP16 103 TFLOPS with dual issue)")),
            new Device(
                    "AMD Radeon 8060S",
                    null,
                    gpu(
                            "radeon-8060s",
                            Hardware.Vendor.AMD,
                            256_000_000_000L,
                            59.4,
                            29.7,
                            "",
                            "rdna3.5",
                            "gfx1151",
                            "AMD Ryzen AI Max+ 395 (LPDDR5X-8000, 256-bit: 256 GB/s; 40 CUs at 2.9 GHz: FP16 59.4 TFLOPS"
                                    + " with dual issue)")),
            new Device(
                    "NVIDIA RTX PRO 6000 Blackwell Max-Q",
                    null,
                    gpu(
                            "rtx-pro-6000-maxq",
                            Hardware.Vendor.NVIDIA,
                            1_792_000_000_000L,
                            110.0,
                            110.0,
                            "12.0",
                            "blackwell",
                            "",
                            "NVIDIA RTX PRO 6000 Blackwell Max-Q datasheet (1,792 GB/s; FP32 about 110 TFLOPS at 300 W)")),
            new Device(
                    "NVIDIA RTX PRO 6000 Blackwell",
                    null,
                    gpu(
                            "rtx-pro-6000",
                            Hardware.Vendor.NVIDIA,
                            1_792_000_000_000L,
                            125.0,
                            125.0,
                            "12.0",
                            "blackwell",
                            "",
                            "NVIDIA RTX PRO 6000 Blackwell datasheet (1,792 GB/s; FP32 125 TFLOPS, FP16 1:1)")),
            new Device(
                    "NVIDIA RTX 6000 Ada",
                    null,
                    gpu(
                            "rtx6000-ada",
                            Hardware.Vendor.NVIDIA,
                            960_000_000_000L,
                            91.1,
                            91.1,
                            "8.9",
                            "ada",
                            "",
                            "NVIDIA RTX 6000 Ada datasheet (960 GB/s; FP32 91.1 TFLOPS, FP16 1:1)")));

    /** Models with no catalog entry, described from their Hugging Face config.json. */
    static Architecture llama(int blocks, int embd, int ffn, int vocab, int heads, int kvHeads) {
        return new Architecture(
                "llama",
                blocks,
                0,
                embd,
                ffn,
                vocab,
                4096,
                false,
                new Architecture.Attention(heads, kvHeads, 128, 128, List.of(LayerKind.FULL), 0),
                Optional.empty(),
                Optional.empty());
    }

    /** huggingface.co/meta-llama/Llama-2-7b-hf config.json (CodeLlama-7B: the same shapes, 16 more tokens). */
    static final Architecture LLAMA2_7B = llama(32, 4096, 11008, 32000, 32, 32);

    /** huggingface.co/meta-llama/Llama-2-13b-hf config.json. */
    static final Architecture LLAMA2_13B = llama(40, 5120, 13824, 32000, 40, 40);

    /** huggingface.co/Qwen/Qwen3-32B config.json: 64 layers, hidden 5120, FFN 25600, 64/8 heads of 128. */
    static final Architecture QWEN3_32B = new Architecture(
            "qwen3",
            64,
            0,
            5120,
            25600,
            151936,
            40960,
            false,
            new Architecture.Attention(64, 8, 128, 128, List.of(LayerKind.FULL), 0),
            Optional.empty(),
            Optional.empty());

    /** Published model name → catalog id, or an architecture above. */
    static Optional<Object> model(String name, Catalog catalog) {
        String n = name.toLowerCase(Locale.ROOT);
        String id = null;
        if (n.startsWith("llama-3-8b") || n.startsWith("llama-3.1-8b")) {
            id = "llama-3-1-8b"; // Llama 3 and 3.1 8B share every shape
        } else if (n.startsWith("llama-3-70b") || n.startsWith("llama-3.1-70b")) {
            id = "llama-3-3-70b"; // 3, 3.1 and 3.3 70B share every shape
        } else if (n.startsWith("qwen3-30b-a3b")) {
            id = "qwen3-30b-a3b";
        } else if (n.equals("gpt-oss-20b")) {
            id = "gpt-oss-20b";
        } else if (n.equals("qwen3-32b")) {
            return Optional.of(QWEN3_32B);
        } else if (n.equals("llama-2-7b") || n.equals("codellama-7b")) {
            return Optional.of(LLAMA2_7B);
        } else if (n.equals("llama-2-13b")) {
            return Optional.of(LLAMA2_13B);
        }
        return id == null ? Optional.empty() : catalog.model(id).map(m -> m);
    }

    /** Rows left out, and why. */
    static Optional<String> exclusion(Map<String, String> r) {
        int id = Integer.parseInt(r.get("id"));
        String note = r.get("note");
        if (r.get("backend").equals("metal")) {
            return Optional.of("Apple Metal: not a backend Prositronic plans for");
        }
        if (r.get("backend").equals("cpu")) {
            return Optional.of("CPU not named: its bandwidth and cores are unknown");
        }
        if (note.contains("hybrid")) {
            return Optional.of("hybrid CPU/GPU offload: the host's RAM bandwidth is not published (README)");
        }
        if (r.get("model").startsWith("DeepSeek")) {
            return Optional.of("DeepSeek-V3 (MLA attention): no catalog entry or architecture description");
        }
        if (r.get("model_file_or_quant").startsWith("unknown")) {
            return Optional.of("quant and file size not published");
        }
        if (id == 88 || id == 89) {
            return Optional.of("labelled MXFP4 at b1786 (Jan 2024), before llama.cpp had MXFP4: the file is unknown");
        }
        if (r.get("test").equals("prompt_eval")) {
            return Optional.of("prompt length not stated");
        }
        if (note.contains("pp far below") || note.contains("FA slowed") || (id >= 52 && id <= 57 && isPrompt(r))) {
            return Optional.of(
                    "ROCm build before the CDNA work; the source flags its speeds as far below the" + " hardware's");
        }
        if (id == 55 || id == 57) {
            return Optional.of("ROCm build before the CDNA work (same run as rows 52-54)");
        }
        if (Integer.parseInt(r.get("gpu_count")) > 1 && isPrompt(r) && promptTokens(r) > 512) {
            return Optional.of("prompt longer than one ubatch on a layer split: pipeline parallelism is not modelled");
        }
        return Optional.empty();
    }

    static boolean isPrompt(Map<String, String> r) {
        return kind(r) == Kind.PROMPT;
    }

    static Kind kind(Map<String, String> r) {
        String t = r.get("test");
        if (r.get("note").contains("treat as tg")) {
            return Kind.GENERATION; // -ub 1 at depth: one token per evaluation (README)
        }
        return t.startsWith("pp") || t.equals("prompt_eval") ? Kind.PROMPT : Kind.GENERATION;
    }

    private static final Pattern TEST = Pattern.compile("(pp|tg)(\\d+)(?:@d(\\d+))?");

    static int promptTokens(Map<String, String> r) {
        Matcher m = TEST.matcher(r.get("test"));
        return m.matches() ? Integer.parseInt(m.group(2)) : 512;
    }

    /** The depth a generation figure stands for: the -d depth, plus half of a tgN run's own tokens. */
    static long generationDepth(Map<String, String> r) {
        long d = Long.parseLong(r.get("depth"));
        Matcher m = TEST.matcher(r.get("test"));
        if (r.get("note").contains("treat as tg")) {
            return d;
        }
        if (m.matches() && m.group(1).equals("tg")) {
            return d + Integer.parseInt(m.group(2)) / 2;
        }
        return d + 256; // llama-server: a short chat turn
    }

    private static final Pattern GIB = Pattern.compile("\\(([0-9.]+) GiB");
    private static final Pattern BUILD = Pattern.compile("^b(\\d+)");

    static int build(Map<String, String> r) {
        Matcher m = BUILD.matcher(r.get("build"));
        if (m.find()) {
            return Integer.parseInt(m.group(1));
        }
        // no build number: the date stated in the row decides the era
        return (r.get("build") + r.get("note")).contains("2024") ? SpeedModel.MODERN_BUILD - 1 : 0;
    }

    static List<Map<String, String>> rows() {
        Path tsv = TestSupport.repoRoot().resolve("tools/speed/published.tsv");
        List<String> lines;
        try {
            lines = Files.readAllLines(tsv);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String[] header = lines.get(0).split("\t", -1);
        List<Map<String, String>> out = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.length; i++) {
                row.put(header[i], i < f.length ? f[i] : "");
            }
            out.add(row);
        }
        return out;
    }

    /** Features of one evaluable row, and its estimate. */
    record Case(
            Map<String, String> row,
            Hardware gpu,
            int gpuCount,
            SpeedModel.Workload workload,
            SpeedModel.Conditions conditions,
            Kind kind,
            boolean moe) {
        double estimate() {
            SpeedModel.Rates r = SpeedModel.estimate(gpu, gpuCount, 0, 0, workload, conditions, true);
            return kind == Kind.GENERATION ? r.generation() : r.prompt();
        }
    }

    static Result run() {
        Catalog catalog = TestSupport.catalog();
        List<Evaluated> evaluated = new ArrayList<>();
        List<String> excluded = new ArrayList<>();
        List<Case> cases = cases(catalog, excluded);
        Set<String> held = holdoutSources(cases);
        for (Case c : cases) {
            Map<String, String> r = c.row();
            int id = Integer.parseInt(r.get("id"));
            evaluated.add(new Evaluated(
                    id,
                    source(r),
                    held.contains(source(r)),
                    c.kind(),
                    r.get("gpu"),
                    r.get("model") + " " + r.get("model_file_or_quant").split(" ")[0],
                    r.get("test"),
                    SpeedModel.DeviceClass.of(c.gpu()).key(),
                    c.moe(),
                    r.get("backend"),
                    r.get("tool"),
                    Double.parseDouble(r.get("tokens_per_second")),
                    c.estimate()));
        }
        List<String> summary = new ArrayList<>();
        summary.add(String.format(
                Locale.ROOT,
                "rows: %d published, %d evaluated (%d train, %d holdout), %d left out; sources: %d evaluated (%d train,"
                        + " %d holdout)",
                rows().size(),
                evaluated.size(),
                evaluated.stream().filter(e -> !e.holdout()).count(),
                evaluated.stream().filter(Evaluated::holdout).count(),
                excluded.size(),
                evaluated.stream().map(Evaluated::source).distinct().count(),
                evaluated.stream()
                        .filter(e -> !e.holdout())
                        .map(Evaluated::source)
                        .distinct()
                        .count(),
                held.size()));
        held.stream().sorted().forEach(u -> summary.add("holdout source: " + u));
        summary.add("slice                                  |  train: n  median ratio  median |err| | holdout: n"
                + "  median ratio  median |err|");
        for (Kind k : Kind.values()) {
            List<Evaluated> ofKind =
                    evaluated.stream().filter(e -> e.kind() == k).toList();
            String kn = k.name().toLowerCase(Locale.ROOT);
            slice(summary, kn + " all", ofKind, e -> "");
            slice(summary, kn + " dense/moe", ofKind, e -> e.moe() ? "moe" : "dense");
            slice(summary, kn + " class", ofKind, Evaluated::deviceClass);
            slice(summary, kn + " backend", ofKind, Evaluated::backend);
            slice(summary, kn + " tool", ofKind, Evaluated::tool);
        }
        return new Result(evaluated, excluded, summary);
    }

    static List<Case> cases(Catalog catalog, List<String> excluded) {
        List<Case> out = new ArrayList<>();
        for (Map<String, String> r : rows()) {
            int id = Integer.parseInt(r.get("id"));
            Optional<String> why = exclusion(r);
            if (why.isPresent()) {
                excluded.add(String.format(
                        Locale.ROOT, "left out %3d %s / %s: %s", id, r.get("gpu"), r.get("model"), why.get()));
                continue;
            }
            Hardware gpu = hardware(r.get("gpu"), catalog);
            Optional<Object> model = model(r.get("model"), catalog);
            if (gpu == null || model.isEmpty()) {
                excluded.add(String.format(
                        Locale.ROOT,
                        "left out %3d %s / %s: %s",
                        id,
                        r.get("gpu"),
                        r.get("model"),
                        gpu == null ? "GPU not described" : "model not mapped"));
                continue;
            }
            Architecture arch = model.get() instanceof ModelSpec m ? m.architecture() : (Architecture) model.get();
            String quant = r.get("model_file_or_quant").split(" ")[0];
            QuantFile q = quantFile(quant, r.get("model_file_or_quant"), model.get(), arch);
            MemoryModel mm = new MemoryModel(arch, WeightModel.of(arch, q));
            int gpuCount = Integer.parseInt(r.get("gpu_count"));
            Kind kind = kind(r);
            long depth = kind == Kind.GENERATION ? generationDepth(r) : Long.parseLong(r.get("depth"));
            int tokens = kind == Kind.PROMPT ? promptTokens(r) : 1;
            boolean fa =
                    r.get("settings").contains("-fa 1") || r.get("settings").contains("fa 1");
            RunSettings s = RunSettings.server(
                    LlamaCpp.padContext(depth + tokens + LlamaCpp.CTX_PAD),
                    512,
                    2048,
                    1,
                    CacheType.F16,
                    CacheType.F16,
                    fa,
                    0,
                    Bytes.of(0));
            List<Double> split = new ArrayList<>();
            for (int i = 0; i < gpuCount; i++) {
                split.add(1.0);
            }
            Layout layout = new Layout(mm.allUnits(), 0, gpuCount > 1 ? split : List.of());
            SpeedModel.Workload w = mm.speedWorkload(s, layout, gpuCount, depth, quant);
            SpeedModel.Conditions c = new SpeedModel.Conditions(
                    r.get("backend"),
                    build(r),
                    r.get("tool").equals("llama-server"),
                    tokens,
                    Long.parseLong(r.get("depth")),
                    512);
            out.add(new Case(r, gpu, gpuCount, w, c, kind, arch.isMoe()));
        }
        return out;
    }

    static Hardware hardware(String name, Catalog catalog) {
        for (Device d : DEVICES) {
            if (name.startsWith(d.match())) {
                return d.catalogId() != null ? catalog.hardware(d.catalogId()).orElseThrow() : d.spec();
            }
        }
        return null;
    }

    /** The row's file: the size it prints, else the catalog's file of that quant. */
    static QuantFile quantFile(String quant, String printed, Object model, Architecture arch) {
        Matcher m = GIB.matcher(printed);
        long size;
        if (m.find()) {
            size = Math.round(Double.parseDouble(m.group(1)) * Bytes.GIB);
        } else if (model instanceof ModelSpec spec) {
            size = spec.quantizations().stream()
                    .filter(f -> f.quant().equalsIgnoreCase(quant))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no " + quant + " file of " + spec.id()))
                    .size()
                    .value();
        } else {
            throw new IllegalStateException("no size for " + printed);
        }
        return new QuantFile(quant, "", "", Bytes.of(size), Optional.empty(), "published row", Optional.empty());
    }

    static void slice(List<String> out, String name, List<Evaluated> rows, Function<Evaluated, String> key) {
        Map<String, List<Evaluated>> groups = new LinkedHashMap<>();
        rows.stream().sorted(Comparator.comparing(key)).forEach(e -> groups.computeIfAbsent(
                        key.apply(e), k -> new ArrayList<>())
                .add(e));
        groups.forEach((k, g) -> {
            List<Evaluated> train = g.stream().filter(e -> !e.holdout()).toList();
            List<Evaluated> hold = g.stream().filter(Evaluated::holdout).toList();
            out.add(String.format(
                    Locale.ROOT,
                    "%-38s | %8d  %12s  %12s | %10d  %12s  %12s",
                    name + (k.isEmpty() ? "" : " " + k),
                    train.size(),
                    fmt(medianRatio(train)),
                    pct(medianError(train)),
                    hold.size(),
                    fmt(medianRatio(hold)),
                    pct(medianError(hold))));
        });
    }

    static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "x%.2f", v);
    }

    static String pct(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f %%", 100 * v);
    }

    static double medianRatio(List<Evaluated> rows) {
        return median(rows.stream().map(Evaluated::ratio).toList());
    }

    /** Median of |estimate / published - 1|. */
    static double medianError(List<Evaluated> rows) {
        return median(rows.stream().map(e -> Math.abs(e.ratio() - 1)).toList());
    }

    static double median(List<Double> v) {
        if (v.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = v.stream().sorted().toList();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /**
     * The features of the training rows ({@code all}: of every evaluable row, with its source, for the
     * leave-one-source-out figure), for fitting the constants (tools/speed/fit.py).
     */
    static List<String> features(boolean all) {
        List<String> out = new ArrayList<>();
        out.add(String.join(
                "\t",
                "id",
                "source",
                "kind",
                "class",
                "arch",
                "backend",
                "build",
                "server",
                "gpus",
                "bandwidth",
                "fp16",
                "blocks",
                "moe_blocks",
                "experts_used",
                "expert_count",
                "gpu_bytes",
                "f16",
                "dense_params",
                "expert_params",
                "attn_flops_per_depth",
                "prompt_tokens",
                "prompt_depth",
                "published"));
        List<Case> cases = cases(TestSupport.catalog(), new ArrayList<>());
        Set<String> held = holdoutSources(cases);
        for (Case c : cases) {
            int id = Integer.parseInt(c.row().get("id"));
            if (!all && held.contains(source(c.row()))) {
                continue;
            }
            SpeedModel.Workload w = c.workload();
            out.add(String.join(
                    "\t",
                    String.valueOf(id),
                    source(c.row()),
                    c.kind().name().toLowerCase(Locale.ROOT),
                    SpeedModel.DeviceClass.of(c.gpu()).key(),
                    c.gpu().architecture(),
                    c.conditions().backend(),
                    String.valueOf(c.conditions().build()),
                    String.valueOf(c.conditions().server()),
                    String.valueOf(c.gpuCount()),
                    String.valueOf(c.gpu().memoryBandwidthBytesPerSecond()),
                    String.valueOf(c.gpu().fp16Tflops()),
                    String.valueOf(w.blocks()),
                    String.valueOf(w.moeBlocks()),
                    String.valueOf(w.expertsUsed()),
                    String.valueOf(w.expertCount()),
                    String.valueOf(w.gpuWeightBytes() + w.gpuContextBytes()),
                    String.valueOf(w.f16Weights()),
                    String.valueOf(w.denseParams()),
                    String.valueOf(w.expertParams()),
                    String.valueOf(w.attentionFlopsPerDepthToken()),
                    String.valueOf(c.conditions().promptTokens()),
                    String.valueOf(c.conditions().promptDepth()),
                    c.row().get("tokens_per_second")));
        }
        return out;
    }
}
