package eu.prositronic.core.catalog;

import eu.prositronic.core.catalog.ModelSpec.Capabilities;
import eu.prositronic.core.catalog.ModelSpec.QuantFile;
import eu.prositronic.core.units.Bytes;
import eu.prositronic.core.yaml.Problems;
import eu.prositronic.core.yaml.YamlMap;
import eu.prositronic.core.yaml.YamlNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads {@code models/<id>.yaml} into a {@link ModelSpec}: the model, its architecture and its GGUF files. */
final class ModelReader {
    private static final Pattern SHA256 = Pattern.compile("^[0-9a-f]{64}$");
    private static final Pattern REVISION = Pattern.compile("^[0-9a-f]{40}$");
    /** llama.cpp's split naming ({@code gguf-split}): {@code …-00001-of-00003.gguf}. */
    private static final Pattern SPLIT = Pattern.compile("-\\d{5}-of-(\\d{5})\\.gguf$");

    /** A quant name becomes a values path and a file name: letters, digits and single '_', '-', '.' between them. */
    static final Pattern QUANT = Pattern.compile("^[A-Za-z0-9]+([._-][A-Za-z0-9]+)*$");
    /** A Hugging Face repository: {@code owner/name}. */
    static final Pattern REPO = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$");
    /** A file's path inside its repository: relative, no {@code ..}, nothing a shell or a path would read twice. */
    static final Pattern REPO_PATH =
            Pattern.compile("^[A-Za-z0-9_+-][A-Za-z0-9._+-]*(/[A-Za-z0-9_+-][A-Za-z0-9._+-]*)*$");
    /** The most bytes a catalog size may state (1 EiB), so that sums of them cannot overflow. */
    static final long MAX_BYTES = Bytes.MAX_PARSED;
    /** The most parameters a model may state (about 10^15), so that products of them cannot overflow. */
    static final long MAX_PARAMETERS = 1L << 50;

    private ModelReader() {}

    static Optional<ModelSpec> read(YamlNode root, String fileId, Problems problems) {
        Optional<YamlMap> mo = root.map(CatalogKeys.Model.KEYS);
        if (mo.isEmpty()) {
            return Optional.empty();
        }
        YamlMap m = mo.get();
        String id = EntryFields.id(m, CatalogKeys.Model.ID, fileId);
        String name = m.requireString(CatalogKeys.Model.NAME, "Qwen3.5 4B").orElse(id);
        String family = m.string(CatalogKeys.Model.FAMILY, "");
        List<String> aliases = m.strings(CatalogKeys.Model.ALIASES);
        String license = m.require(CatalogKeys.Model.LICENSE, "{id: apache-2.0, source: <url>}")
                .flatMap(n -> n.map(CatalogKeys.License.KEYS))
                .flatMap(l -> l.requireString(CatalogKeys.License.ID, "apache-2.0"))
                .orElse("");
        String description = m.string(CatalogKeys.Model.DESCRIPTION, "");
        long[] counts = new long[2];
        Optional<YamlMap> params = m.require(CatalogKeys.Model.PARAMETERS, "{total: 4206000000, source: <url>}")
                .flatMap(n -> n.map(CatalogKeys.Parameters.KEYS));
        if (params.isPresent()) {
            counts[0] = params.get().integer(CatalogKeys.Parameters.TOTAL, 0, 1, MAX_PARAMETERS);
            counts[1] = params.get().integer(CatalogKeys.Parameters.ACTIVE, counts[0], 1, MAX_PARAMETERS);
            EntryFields.requireSource(params.get());
        }
        Capabilities caps = m.get(CatalogKeys.Model.CAPABILITIES)
                .flatMap(ModelReader::capabilities)
                .orElse(new Capabilities(false, false, "", false, 0, List.of(), Optional.empty()));
        Optional<Architecture> arch = m.require(CatalogKeys.Model.ARCHITECTURE, "{ggufArchitecture: qwen35, …}")
                .flatMap(ModelReader::architecture);
        List<QuantFile> quants = new ArrayList<>();
        java.util.Map<String, YamlNode> quantNames = new java.util.HashMap<>();
        for (YamlNode q : m.list(CatalogKeys.Model.QUANTIZATIONS)) {
            quant(q).ifPresent(f -> {
                YamlNode at = q.peek(CatalogKeys.Quantization.QUANT).orElse(q);
                YamlNode first = quantNames.putIfAbsent(f.quant().toLowerCase(Locale.ROOT), at);
                if (first != null && !f.quant().isEmpty()) {
                    problems.at(
                            at,
                            "a second quantization `" + f.quant() + "` (line " + first.line()
                                    + " has it; quant names are compared ignoring case)",
                            "keep one of them");
                } else {
                    quants.add(f);
                }
            });
        }
        arch.ifPresent(a -> checkTensorTables(a, m, problems));
        if (m.get(CatalogKeys.Model.QUANTIZATIONS).isEmpty()) {
            problems.at(m.node(), "missing key `quantizations`", "list at least one GGUF file");
        }
        return arch.map(a ->
                new ModelSpec(id, name, family, aliases, license, description, counts[0], counts[1], caps, a, quants));
    }

    private static Optional<Capabilities> capabilities(YamlNode n) {
        return n.map(CatalogKeys.Capabilities.KEYS).map(c -> {
            boolean thinking = false;
            boolean defaultOn = false;
            String kwarg = Capabilities.DEFAULT_THINKING_KWARG;
            Optional<YamlMap> t =
                    c.get(CatalogKeys.Capabilities.THINKING).flatMap(x -> x.map(CatalogKeys.Thinking.KEYS));
            if (t.isPresent()) {
                thinking = t.get().bool(CatalogKeys.Thinking.SUPPORTED, false);
                defaultOn = t.get().bool(CatalogKeys.Thinking.DEFAULT_ON, thinking);
                kwarg = t.get().string(CatalogKeys.Thinking.TEMPLATE_KWARG, kwarg);
            }
            Optional<ModelSpec.Vision> vision = c.get(CatalogKeys.Capabilities.VISION)
                    .flatMap(v -> v.map(CatalogKeys.Vision.KEYS))
                    .map(vm -> vision(
                            vm,
                            file(
                                    vm,
                                    "mmproj",
                                    vm.requireString(CatalogKeys.Vision.REPO, "unsloth/…")
                                            .orElse(""),
                                    vm.requireString(CatalogKeys.Vision.FILE, "mmproj-F16.gguf")
                                            .orElse(""),
                                    Bytes.of(vm.integer(CatalogKeys.Vision.SIZE_BYTES, 0, 1, MAX_BYTES)),
                                    Optional.empty())));
            return new Capabilities(
                    thinking,
                    defaultOn,
                    kwarg,
                    c.bool(CatalogKeys.Capabilities.TOOL_CALLS, false),
                    (int) c.integer(CatalogKeys.Capabilities.LANGUAGES, 0, 0, 10_000),
                    c.strings(CatalogKeys.Capabilities.TAGS),
                    vision);
        });
    }

    /**
     * The projector's measured compute buffers: both figures and their source together, or none of them (a
     * deployment then cannot ask for vision, and says why).
     */
    private static ModelSpec.Vision vision(YamlMap vm, QuantFile file) {
        Optional<YamlNode> fa = vm.get(CatalogKeys.Vision.COMPUTE_BYTES);
        Optional<YamlNode> noFa = vm.get(CatalogKeys.Vision.COMPUTE_BYTES_NO_FLASH_ATTN);
        Optional<YamlNode> src = vm.get(CatalogKeys.Vision.COMPUTE_SOURCE);
        if (fa.isEmpty() && noFa.isEmpty() && src.isEmpty()) {
            return ModelSpec.Vision.fileOnly(file);
        }
        Optional<Bytes> on = Optional.of(Bytes.of(vm.integer(CatalogKeys.Vision.COMPUTE_BYTES, 0, 1, MAX_BYTES)));
        Optional<Bytes> off =
                Optional.of(Bytes.of(vm.integer(CatalogKeys.Vision.COMPUTE_BYTES_NO_FLASH_ATTN, 0, 1, MAX_BYTES)));
        String source = vm.requireString(CatalogKeys.Vision.COMPUTE_SOURCE, "measured: tools/llama-measure mmprobe …")
                .orElse("");
        if (fa.isEmpty() || noFa.isEmpty()) {
            vm.node()
                    .problems()
                    .at(
                            vm.node(),
                            "a projector's compute needs both `computeBytes` and `computeBytesNoFlashAttn`",
                            "give both figures (tools/llama-measure/mmprobe measures them) or neither");
        }
        return new ModelSpec.Vision(file, on, off, source);
    }

    private static Optional<Architecture> architecture(YamlNode n) {
        Optional<YamlMap> ao = n.map(CatalogKeys.Architecture.KEYS);
        if (ao.isEmpty()) {
            return Optional.empty();
        }
        YamlMap a = ao.get();
        EntryFields.requireSource(a);
        Optional<Architecture.Attention> attention = a.require(CatalogKeys.Architecture.ATTENTION, "{headCount: 16, …}")
                .flatMap(x -> x.map(CatalogKeys.Attention.KEYS))
                .map(at -> {
                    List<LayerKind> pattern = new ArrayList<>();
                    for (YamlNode p : at.list(CatalogKeys.Attention.LAYER_PATTERN)) {
                        p.oneOf(LayerKind.keys())
                                .ifPresent(k -> pattern.add(LayerKind.valueOf(k.toUpperCase(Locale.ROOT))));
                    }
                    if (pattern.isEmpty()) {
                        pattern.add(LayerKind.FULL);
                    }
                    int heads = (int) at.integer(CatalogKeys.Attention.HEAD_COUNT, 1, 1, 1024);
                    return new Architecture.Attention(
                            heads,
                            (int) at.integer(CatalogKeys.Attention.HEAD_COUNT_KV, heads, 1, 1024),
                            (int) at.integer(CatalogKeys.Attention.KEY_LENGTH, 128, 1, 4096),
                            (int) at.integer(CatalogKeys.Attention.VALUE_LENGTH, 128, 1, 4096),
                            List.copyOf(pattern),
                            (int) at.integer(CatalogKeys.Attention.SLIDING_WINDOW, 0, 0, Integer.MAX_VALUE));
                });
        Optional<Architecture.Ssm> ssm = a.get(CatalogKeys.Architecture.SSM)
                .flatMap(x -> x.map(CatalogKeys.Ssm.KEYS))
                .map(s -> new Architecture.Ssm(
                        (int) s.integer(CatalogKeys.Ssm.CONV_KERNEL, 4, 1, 64),
                        (int) s.integer(CatalogKeys.Ssm.STATE_SIZE, 128, 1, 4096),
                        (int) s.integer(CatalogKeys.Ssm.GROUP_COUNT, 1, 1, 1024),
                        (int) s.integer(CatalogKeys.Ssm.TIME_STEP_RANK, 1, 1, 1024),
                        (int) s.integer(CatalogKeys.Ssm.INNER_SIZE, 1, 1, Integer.MAX_VALUE)));
        Optional<Architecture.Moe> moe = a.get(CatalogKeys.Architecture.MOE)
                .flatMap(x -> x.map(CatalogKeys.Moe.KEYS))
                .map(mo -> new Architecture.Moe(
                        (int) mo.integer(CatalogKeys.Moe.EXPERT_COUNT, 1, 1, 4096),
                        (int) mo.integer(CatalogKeys.Moe.EXPERT_USED_COUNT, 1, 1, 4096),
                        (int) mo.integer(CatalogKeys.Moe.EXPERT_FEED_FORWARD_LENGTH, 1, 1, Integer.MAX_VALUE),
                        (int) mo.integer(CatalogKeys.Moe.SHARED_EXPERT_FEED_FORWARD_LENGTH, 0, 0, Integer.MAX_VALUE)));
        if (attention.isEmpty()) {
            return Optional.empty();
        }
        Architecture arch = new Architecture(
                a.requireString(CatalogKeys.Architecture.GGUF_ARCHITECTURE, "qwen35")
                        .orElse(""),
                (int) a.integer(CatalogKeys.Architecture.BLOCK_COUNT, 1, 1, 1024),
                (int) a.integer(CatalogKeys.Architecture.NEXTN_LAYERS, 0, 0, 16),
                (int) a.integer(CatalogKeys.Architecture.EMBEDDING_LENGTH, 1, 1, 1 << 20),
                (int) a.integer(CatalogKeys.Architecture.FEED_FORWARD_LENGTH, 0, 0, 1 << 22),
                (int) a.integer(CatalogKeys.Architecture.VOCAB_SIZE, 1, 1, 1 << 24),
                (int) a.integer(CatalogKeys.Architecture.CONTEXT_LENGTH, 4096, 256, Integer.MAX_VALUE),
                a.bool(CatalogKeys.Architecture.TIED_EMBEDDINGS, false),
                attention.get(),
                ssm,
                moe);
        if (arch.attention().layerPattern().contains(LayerKind.RECURRENT) && ssm.isEmpty()) {
            a.node().problems().at(a.node(), "recurrent layers need the `ssm` state sizes", "add `ssm: {…}`");
        }
        if (arch.attention().layerPattern().contains(LayerKind.SLIDING)
                && arch.attention().slidingWindow() == 0) {
            a.node().problems().at(a.node(), "sliding layers need `attention.slidingWindow`", "add the window size");
        }
        if (Architecture.MIXTURE_OF_EXPERTS.contains(arch.ggufArchitecture())
                && a.get(CatalogKeys.Architecture.MOE).isEmpty()) {
            a.node()
                    .problems()
                    .at(
                            a.node(),
                            "`" + arch.ggufArchitecture() + "` is a mixture of experts: its weights and compute are"
                                    + " sized by its experts",
                            "add `moe: {expertCount: …, expertUsedCount: …, expertFeedForwardLength: …}` (the GGUF's"
                                    + " `" + arch.ggufArchitecture() + ".expert_*` keys)");
        }
        return Optional.of(arch);
    }

    private static Optional<QuantFile> quant(YamlNode n) {
        return n.map(CatalogKeys.Quantization.KEYS).map(q -> {
            Optional<ModelSpec.TensorLayout> tensors = q.get(CatalogKeys.Quantization.TENSORS)
                    .flatMap(t -> t.map(CatalogKeys.Tensors.KEYS))
                    .map(t -> {
                        EntryFields.requireSource(t);
                        return new ModelSpec.TensorLayout(
                                Bytes.of(t.integer(CatalogKeys.Tensors.TOKEN_EMBEDDING_BYTES, 0, 0, MAX_BYTES)),
                                Bytes.of(t.integer(CatalogKeys.Tensors.OUTPUT_BYTES, 0, 0, MAX_BYTES)),
                                sizes(t.list(CatalogKeys.Tensors.BLOCK_BYTES)),
                                sizes(t.list(CatalogKeys.Tensors.BLOCK_EXPERT_BYTES)));
                    });
            Optional<String> quant = q.requireString(CatalogKeys.Quantization.QUANT, "Q4_K_M");
            if (quant.isPresent() && !QUANT.matcher(quant.get()).matches()) {
                q.node()
                        .problems()
                        .at(
                                q.get(CatalogKeys.Quantization.QUANT).get(),
                                "not a quant name (letters and digits, joined by single '_', '-' or '.')",
                                "write it as llama.cpp names it, e.g. Q4_K_M or UD-Q4_K_XL");
                quant = Optional.of("");
            }
            return file(
                    q,
                    quant.orElse(""),
                    q.requireString(CatalogKeys.Quantization.REPO, "unsloth/Qwen3.5-4B-GGUF")
                            .orElse(""),
                    q.requireString(CatalogKeys.Quantization.FILE, "Qwen3.5-4B-Q4_K_M.gguf")
                            .orElse(""),
                    Bytes.of(q.require(CatalogKeys.Quantization.SIZE_BYTES, "2740937888")
                            .flatMap(s -> s.integer(1, MAX_BYTES))
                            .orElse(1L)),
                    tensors);
        });
    }

    /**
     * The facts every file shares (a quantization or the mmproj): revision, sha256, shards and source, with the rules
     * that make a file exact. A file whose source is a URL carries its revision and a sha256 (per shard when split); a
     * Hugging Face source names that revision; the shards of a split file start at {@code file} and sum to its size.
     * Anything less is written {@code source: "unverified: …"}.
     */
    private static QuantFile file(
            YamlMap q, String quant, String repo, String file, Bytes size, Optional<ModelSpec.TensorLayout> tensors) {
        Optional<String> sha = hex(q, CatalogKeys.Quantization.SHA256, SHA256, "64");
        Optional<String> revision = hex(q, CatalogKeys.Quantization.REVISION, REVISION, "40");
        List<ModelSpec.Shard> shards = new ArrayList<>();
        for (YamlNode sn : q.list(CatalogKeys.Quantization.SHARDS)) {
            sn.map(CatalogKeys.Shard.KEYS)
                    .ifPresent(sm -> shards.add(new ModelSpec.Shard(
                            sm.requireString(CatalogKeys.Shard.PATH, "Q4_K_M/Model-Q4_K_M-00001-of-00002.gguf")
                                    .orElse(""),
                            Bytes.of(sm.require(CatalogKeys.Shard.SIZE_BYTES, "49970000000")
                                    .flatMap(s -> s.integer(1, MAX_BYTES))
                                    .orElse(1L)),
                            hex(sm, CatalogKeys.Shard.SHA256, SHA256, "64"))));
        }
        String source = EntryFields.requireSource(q);
        Problems problems = q.node().problems();
        checkRepoPath(q, CatalogKeys.Quantization.REPO, repo, REPO, "owner/name, e.g. unsloth/Qwen3.5-4B-GGUF");
        checkRepoPath(
                q, CatalogKeys.Quantization.FILE, file, REPO_PATH, "a path inside the repository, e.g. Q4_K_M/x.gguf");
        for (YamlNode sn : q.list(CatalogKeys.Quantization.SHARDS)) {
            sn.peek(CatalogKeys.Shard.PATH).ifPresent(pn -> pn.peekScalar()
                    .filter(v -> !safePath(v))
                    .ifPresent(v -> problems.at(
                            pn,
                            "not a relative path inside the repository",
                            "write e.g. Q4_K_M/x-00001-of-00002.gguf")));
        }
        if (!shards.isEmpty()) {
            YamlNode at = q.get(CatalogKeys.Quantization.SHARDS).orElse(q.node());
            long sum = 0;
            for (ModelSpec.Shard sh : shards) {
                sum = sum > Long.MAX_VALUE - sh.size().value()
                        ? Long.MAX_VALUE
                        : sum + sh.size().value();
            }
            if (shards.size() < 2) {
                problems.at(at, "a split file has at least two shards", "list every shard, or drop `shards`");
            } else if (!shards.get(0).path().equals(file)) {
                problems.at(
                        at,
                        "the first shard is not `" + eu.prositronic.core.problem.Problem.escape(file) + "`",
                        "make `file` the first shard's path");
            }
            if (sum != size.value()) {
                problems.at(
                        at,
                        "the shards sum to " + sum + " B, not the file's " + size.value() + " B",
                        "make `sizeBytes` the sum of the shards");
            }
            if (sha.isPresent()) {
                problems.at(
                        q.get(CatalogKeys.Quantization.SHA256).get(),
                        "a split file has no one sha256",
                        "give each shard its own `sha256`");
            }
        }
        java.util.regex.Matcher split = SPLIT.matcher(file);
        if (split.find() && !shards.isEmpty() && shards.size() != Integer.parseInt(split.group(1))) {
            problems.at(
                    q.get(CatalogKeys.Quantization.SHARDS).get(),
                    "`" + eu.prositronic.core.problem.Problem.escape(file) + "` names "
                            + Integer.parseInt(split.group(1)) + " shards, not " + shards.size(),
                    "list every shard");
        }
        QuantFile f = new QuantFile(quant, repo, file, size, sha, source, tensors, revision, shards);
        if (SPLIT.matcher(file).find() && shards.isEmpty() && !QuantFile.marked(source)) {
            problems.at(
                    q.node(),
                    "a split file lists its shards",
                    "add `shards: [{path, sizeBytes, sha256}, …]`, or write `source: \"unverified: <why>\"`");
        }
        if (!QuantFile.marked(source) && !f.verified() && !source.isEmpty()) {
            problems.at(
                    q.node(),
                    "an exact file names its revision and sha256 ("
                            + f.unverified().get() + ")",
                    "add `revision` and `sha256` (per shard when split), or write `source: \"unverified: <why>\"`");
        }
        if (revision.isPresent()
                && source.startsWith("https://huggingface.co/")
                && !atRevision(source, revision.get())) {
            problems.at(
                    q.get(CatalogKeys.Quantization.REVISION).get(),
                    "the source is not at this revision",
                    "cite the blob or tree page at " + revision.get());
        }
        return f;
    }

    /**
     * Whether a Hugging Face source URL (the text up to the first space) is a page at {@code revision}: a blob page
     * {@code …/blob/<rev>/<path>} or a tree page {@code …/tree/<rev>} (a split file's folder or the repository root).
     */
    static boolean atRevision(String source, String revision) {
        int space = source.indexOf(' ');
        String url = space < 0 ? source : source.substring(0, space);
        return url.contains("/" + revision + "/") || url.endsWith("/tree/" + revision);
    }

    private static boolean safePath(String v) {
        return REPO_PATH.matcher(v).matches() && !v.contains("..");
    }

    /** A repository or a path in it ends up in a URL and in a file name on the node: nothing that escapes either. */
    private static void checkRepoPath(YamlMap q, String key, String value, Pattern pattern, String example) {
        if (value.isEmpty()) {
            return;
        }
        if (!pattern.matcher(value).matches() || value.contains("..")) {
            q.get(key).ifPresent(n -> q.node()
                    .problems()
                    .at(
                            n,
                            "not a valid `" + key + "` (no '..', no leading '/', no spaces or control characters)",
                            "write " + example));
        }
    }

    /**
     * A tensor table has one entry per layer ({@code blockCount + nextnLayers}) in both lists, and a block's expert
     * bytes are part of the block; else the fit engine would index past the list or count negative bytes.
     */
    private static void checkTensorTables(Architecture a, YamlMap m, Problems problems) {
        for (YamlNode qn : m.list(CatalogKeys.Model.QUANTIZATIONS)) {
            Optional<YamlNode> tn = qn.peek(CatalogKeys.Quantization.TENSORS).filter(YamlNode::isMap);
            if (tn.isEmpty()) {
                continue;
            }
            Optional<YamlNode> blocksNode = tn.get().peek(CatalogKeys.Tensors.BLOCK_BYTES);
            Optional<YamlNode> expertsNode = tn.get().peek(CatalogKeys.Tensors.BLOCK_EXPERT_BYTES);
            List<YamlNode> blocks = blocksNode.map(YamlNode::peekList).orElse(List.of());
            List<YamlNode> experts = expertsNode.map(YamlNode::peekList).orElse(List.of());
            int layers = a.allLayers();
            if (blocks.size() != layers) {
                problems.at(
                        blocksNode.orElse(tn.get()),
                        "`blockBytes` lists " + blocks.size() + " blocks; the architecture has " + layers
                                + " (blockCount + nextnLayers)",
                        "list one size per layer, as the GGUF's tensor table gives them");
            }
            if (experts.size() != blocks.size()) {
                problems.at(
                        expertsNode.orElse(tn.get()),
                        "`blockExpertBytes` lists " + experts.size() + " blocks, `blockBytes` " + blocks.size(),
                        "list one expert size per block (0 for a dense block)");
                continue;
            }
            long total = 0;
            for (int i = 0; i < blocks.size(); i++) {
                long b = number(blocks.get(i));
                long e = number(experts.get(i));
                if (b >= 0 && e > b) {
                    problems.at(
                            experts.get(i),
                            "more expert bytes than the whole block (" + b + " B)",
                            "the expert bytes are part of `blockBytes[" + i + "]`; check both");
                }
                total = b < 0 || total > MAX_BYTES ? total : total + b;
            }
            if (total > MAX_BYTES) {
                problems.at(blocksNode.orElse(tn.get()), "the blocks sum to more than 1 EiB", "check the sizes");
            }
        }
    }

    private static long number(YamlNode n) {
        return n.peekScalar()
                .filter(v -> v.matches("[0-9]{1,18}"))
                .map(Long::parseLong)
                .orElse(-1L);
    }

    private static Optional<String> hex(YamlMap m, String key, Pattern pattern, String digits) {
        Optional<String> value = m.get(key).flatMap(YamlNode::string);
        value.filter(s -> !pattern.matcher(s).matches()).ifPresent(s -> m.node()
                .problems()
                .at(m.get(key).get(), "not a " + key, "write " + digits + " lower-case hex digits or omit it"));
        return value;
    }

    private static List<Bytes> sizes(List<YamlNode> nodes) {
        return nodes.stream()
                .map(x -> Bytes.of(x.integer(0, MAX_BYTES).orElse(0L)))
                .toList();
    }
}
