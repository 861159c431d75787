package eu.prositronic.core.importer;

import eu.prositronic.core.catalog.Architecture;
import eu.prositronic.core.catalog.CatalogKeys;
import eu.prositronic.core.catalog.CatalogWriter;
import eu.prositronic.core.catalog.LayerKind;
import eu.prositronic.core.catalog.ModelEntry;
import eu.prositronic.core.catalog.ModelSpec;
import eu.prositronic.core.catalog.ModelSpec.QuantFile;
import eu.prositronic.core.catalog.ModelSpec.TensorLayout;
import eu.prositronic.core.ggml.LlamaFileType;
import eu.prositronic.core.gguf.GgufFile;
import eu.prositronic.core.gguf.GgufFormatException;
import eu.prositronic.core.gguf.GgufReader;
import eu.prositronic.core.gguf.GgufSource;
import eu.prositronic.core.gguf.GgufTensorInfo;
import eu.prositronic.core.gguf.GgufValue;
import eu.prositronic.core.gguf.HttpRangeSource;
import eu.prositronic.core.problem.ProsiException;
import eu.prositronic.core.problem.Setting;
import eu.prositronic.core.units.Bytes;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a GGUF file's header into a catalog entry: the architecture from its metadata, the exact bytes per placement
 * unit from its tensor table, the file size. A remote file is read with HTTP range requests, header only. The entry is
 * a typed {@link ModelEntry}, written by {@link CatalogWriter} in the catalog's own keys. Hints name settings through
 * the front end's {@link Setting.Spellings}.
 */
public final class GgufImporter {
    /** A hub file URL, {@code https://huggingface.co/<owner>/<name>/resolve/<revision>/<path>} (any host, for tests). */
    private static final Pattern HF_URL =
            Pattern.compile("^(https?://[^/]+)/([^/]+/[^/]+)/(?:resolve|blob)/([^/]+)/(.+\\.gguf)(?:\\?.*)?$");

    private static final Pattern COMMIT = Pattern.compile("^[0-9a-f]{40}$");
    private static final Pattern SHA256 = Pattern.compile("^[0-9a-f]{64}$");
    private static final Pattern SPLIT = Pattern.compile("-(\\d{5})-of-(\\d{5})\\.gguf$");

    /**
     * What the source says about the file itself: the revision, and per shard its path, bytes and sha256 (from the
     * hub's headers, or hashed locally). A single file has one shard.
     */
    record Facts(Optional<String> revision, List<ModelSpec.Shard> parts, Optional<String> blobBase) {
        long size() {
            return parts.stream().mapToLong(s -> s.size().value()).sum();
        }

        boolean hashed() {
            return parts.stream().allMatch(s -> s.sha256().isPresent());
        }
    }

    private static final Pattern QUANT_IN_NAME = Pattern.compile(
            "(?i)(UD-)?(F32|F16|BF16|MXFP4(?:_MOE)?|Q[1-8]_[01]|Q[2-8]_K(?:_[SMLX]{1,2})?|IQ[1-4]_(?:XXS|XS|S|M|NL)|TQ[12]_0)(_XL)?(?=\\.gguf$|[-.])");
    private static final Pattern BLOCK = Pattern.compile("^blk\\.(\\d+)\\.(.+)$");

    /** The entry, its file text, and where it came from. */
    public record Imported(
            String id, ModelEntry entry, String yaml, String quant, long sizeBytes, int tensors, int requests) {}

    private GgufImporter() {}

    /** Reads a local path or an http(s) URL and returns the catalog entry; hints use the neutral spellings. */
    public static Imported importFrom(String location, Optional<String> id, Optional<String> repo)
            throws ProsiException {
        return importFrom(location, id, repo, Setting.Spellings.NEUTRAL);
    }

    /** Reads a local path or an http(s) URL and returns the catalog entry; hints spell settings with {@code spellings}. */
    public static Imported importFrom(
            String location, Optional<String> id, Optional<String> repo, Setting.Spellings spellings)
            throws ProsiException {
        boolean remote = location.startsWith("http://") || location.startsWith("https://");
        try {
            GgufFile gguf;
            int requests = 0;
            String fileName;
            Optional<String> hfRepo = repo;
            Facts facts;
            if (remote) {
                HttpRangeSource source = new HttpRangeSource(URI.create(location));
                gguf = GgufReader.read(source);
                requests = source.requests();
                String path = URI.create(location).getPath();
                fileName = path.substring(path.lastIndexOf('/') + 1);
                Matcher hf = HF_URL.matcher(location);
                Optional<String> revision = Optional.empty();
                Optional<String> blobBase = Optional.empty();
                if (hf.matches()) {
                    hfRepo = hfRepo.or(() -> Optional.of(hf.group(2)));
                    fileName = hf.group(4);
                    revision = Optional.of(hf.group(3))
                            .filter(r -> COMMIT.matcher(r).matches());
                }
                if (revision.isEmpty()) {
                    revision = header(source, "X-Repo-Commit")
                            .filter(r -> COMMIT.matcher(r).matches());
                }
                if (hf.matches() && revision.isPresent()) {
                    blobBase = Optional.of(hf.group(1) + "/" + hf.group(2) + "/blob/" + revision.get() + "/");
                }
                List<ModelSpec.Shard> parts = new ArrayList<>();
                parts.add(remotePart(fileName, source));
                Matcher split = SPLIT.matcher(location.replaceAll("\\?.*$", ""));
                if (split.find() && split.group(1).equals("00001")) {
                    int n = Integer.parseInt(split.group(2));
                    for (int i = 2; i <= n; i++) {
                        String index = "-%05d-of-%s.gguf".formatted(i, split.group(2));
                        String url = location.replaceFirst("-00001-of-" + split.group(2) + "\\.gguf", index);
                        // the shard's own URL at the same revision: a range request of its first bytes for its size
                        // and the hub's headers (its sha256)
                        HttpRangeSource shard = new HttpRangeSource(URI.create(url));
                        parts.add(remotePart(fileName.replaceFirst("-00001-of-\\d{5}\\.gguf$", index), shard));
                        requests += shard.requests();
                    }
                }
                facts = new Facts(revision, parts, blobBase);
            } else {
                Path p = Path.of(location);
                try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
                    gguf = GgufReader.read(GgufSource.of(ch));
                }
                fileName = p.getFileName().toString();
                List<ModelSpec.Shard> parts = new ArrayList<>();
                Matcher split = SPLIT.matcher(fileName);
                int n = split.find() && split.group(1).equals("00001") ? Integer.parseInt(split.group(2)) : 1;
                for (int i = 1; i <= n; i++) {
                    String name = n == 1 ? fileName : fileName.replaceFirst("-00001-of-", "-%05d-of-".formatted(i));
                    Path part = p.resolveSibling(name);
                    parts.add(new ModelSpec.Shard(name, Bytes.of(Files.size(part)), Optional.of(sha256(part))));
                }
                facts = new Facts(Optional.empty(), parts, Optional.empty());
            }
            return entry(gguf, fileName, id, hfRepo, requests, location, facts);
        } catch (NoSuchFileException e) {
            throw new ProsiException("no GGUF file at " + location + "; give a local path or an http(s) URL with "
                    + spellings.of(Setting.GGUF));
        } catch (GgufFormatException e) {
            throw new ProsiException(location + " is not a valid GGUF file: " + e.getMessage()
                    + "; check that the download is complete and the URL points at the file itself (…/resolve/…)");
        } catch (IOException | IllegalArgumentException e) {
            throw new ProsiException("cannot read " + location + ": " + e.getMessage(), e);
        }
    }

    private static Optional<String> header(HttpRangeSource source, String name) throws IOException {
        return source.header(name)
                .map(v -> v.replaceFirst("^W/", "").replace("\"", "").trim());
    }

    /** A remote part: its bytes from Content-Range, its sha256 from the hub's LFS etag where it sends one. */
    private static ModelSpec.Shard remotePart(String path, HttpRangeSource source) throws IOException {
        Optional<String> sha =
                header(source, "X-Linked-Etag").filter(e -> SHA256.matcher(e).matches());
        return new ModelSpec.Shard(path, Bytes.of(source.size()), sha);
    }

    static String sha256(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            for (int r; (r = in.read(buf)) > 0; ) {
                md.update(buf, 0, r);
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Imported entry(
            GgufFile g,
            String fileName,
            Optional<String> idOpt,
            Optional<String> repo,
            int requests,
            String location,
            Facts facts)
            throws ProsiException {
        String arch = Optional.ofNullable(g.architecture())
                .orElseThrow(
                        () -> new ProsiException(location + " has no general.architecture; it is not a model GGUF"));
        String name = str(g, "general.name").orElse(fileName.replaceFirst("\\.gguf$", ""));
        String id = idOpt.orElse(slug(str(g, "general.basename").orElse(name)
                + str(g, "general.size_label").map(s -> "-" + s).orElse("")));
        String quant = quantName(g, fileName);
        int nextn = (int) num(g, arch + ".nextn_predict_layers").orElse(0L).longValue();
        int blocks = (int) num(g, arch + ".block_count")
                .orElseThrow(() -> missing(location, arch + ".block_count"))
                .longValue();
        int embd = (int) num(g, arch + ".embedding_length")
                .orElseThrow(() -> missing(location, arch + ".embedding_length"))
                .longValue();
        int heads = (int) maxOf(g, arch + ".attention.head_count")
                .orElseThrow(() -> missing(location, arch + ".attention.head_count"))
                .longValue();
        int kvHeads = (int)
                maxOf(g, arch + ".attention.head_count_kv").orElse((long) heads).longValue();
        int keyLength = (int) num(g, arch + ".attention.key_length")
                .orElse((long) embd / heads)
                .longValue();
        int valueLength = (int) num(g, arch + ".attention.value_length")
                .orElse((long) keyLength)
                .longValue();
        long vocab = num(g, arch + ".vocab_size").orElseGet(() -> Optional.ofNullable(g.get("tokenizer.ggml.tokens"))
                .map(v -> (long) v.asList().size())
                .orElse(0L));
        GgufTensorInfo embdTensor = g.tensor("token_embd.weight");
        if (vocab == 0 && embdTensor != null) {
            vocab = embdTensor.ne(1);
        }
        boolean tied = g.tensor("output.weight") == null;

        // exact bytes per placement unit
        long[] blockBytes = new long[blocks];
        long[] expertBytes = new long[blocks];
        boolean[] recurrent = new boolean[blocks];
        long tokenEmbedding = 0;
        long output = 0;
        long params = 0;
        for (GgufTensorInfo t : g.tensors()) {
            params += t.elements();
            Matcher m = BLOCK.matcher(t.name());
            if (m.matches()) {
                int il = Integer.parseInt(m.group(1));
                if (il >= blocks) {
                    continue;
                }
                blockBytes[il] += t.bytes();
                if (m.group(2).matches("ffn_(gate|up|down|gate_up)_exps\\.weight")) {
                    expertBytes[il] += t.bytes();
                }
                if (m.group(2).startsWith("ssm_")) {
                    recurrent[il] = true;
                }
            } else if (t.name().startsWith("output")) {
                output += t.bytes();
            } else {
                tokenEmbedding += t.bytes(); // the input layer: token_embd and other non-block tensors stay on the host
            }
        }
        if (tied && embdTensor != null) {
            output += embdTensor.bytes(); // TENSOR_DUPLICATED: the embedding is loaded again as the output
        }
        List<LayerKind> pattern = layerPattern(g, arch, blocks - nextn, recurrent);

        Architecture.Attention attention =
                new Architecture.Attention(heads, kvHeads, keyLength, valueLength, pattern, (int)
                        num(g, arch + ".attention.sliding_window").orElse(0L).longValue());
        Optional<Architecture.Ssm> ssm = num(g, arch + ".ssm.inner_size")
                .map(inner -> new Architecture.Ssm(
                        (int) num(g, arch + ".ssm.conv_kernel").orElse(4L).longValue(),
                        (int) num(g, arch + ".ssm.state_size").orElse(128L).longValue(),
                        (int) num(g, arch + ".ssm.group_count").orElse(1L).longValue(),
                        (int) num(g, arch + ".ssm.time_step_rank").orElse(1L).longValue(),
                        (int) inner.longValue()));
        Optional<Architecture.Moe> moe = num(g, arch + ".expert_count")
                .filter(n -> n > 0)
                .map(n -> new Architecture.Moe(
                        (int) n.longValue(),
                        (int) num(g, arch + ".expert_used_count").orElse(1L).longValue(),
                        (int) num(g, arch + ".expert_feed_forward_length")
                                .orElse(0L)
                                .longValue(),
                        (int) num(g, arch + ".expert_shared_feed_forward_length")
                                .orElse(0L)
                                .longValue()));
        Architecture architecture = new Architecture(
                arch,
                blocks - nextn,
                nextn,
                embd,
                (int) maxOf(g, arch + ".feed_forward_length").orElse(0L).longValue(),
                (int) vocab,
                (int) num(g, arch + ".context_length").orElse(4096L).longValue(),
                tied,
                attention,
                ssm,
                moe);

        long fileSize = facts.size();
        boolean split = facts.parts().size() > 1;
        String source;
        if (facts.blobBase().isPresent() && facts.hashed()) {
            // exact: bytes and sha256 per part from the hub at this revision
            source = facts.blobBase().get() + fileName;
        } else if (location.startsWith("http")) {
            source = "unverified: imported from " + location.replaceAll("\\?.*$", "") + " (the server gave "
                    + (facts.revision().isEmpty()
                            ? "no revision"
                            : "revision " + facts.revision().get())
                    + (facts.hashed() ? "" : ", no sha256") + ")";
        } else {
            source = "computed: size and sha256 of the local file " + fileName + " (no revision: not from a hub)";
        }
        QuantFile q = new QuantFile(
                quant,
                repo.orElse("local/" + id),
                fileName,
                Bytes.of(fileSize),
                split ? Optional.empty() : facts.parts().get(0).sha256(),
                source,
                Optional.of(new TensorLayout(
                        Bytes.of(tokenEmbedding), Bytes.of(output), sizes(blockBytes), sizes(expertBytes))),
                facts.revision(),
                split ? facts.parts() : List.of());
        ModelSpec spec = new ModelSpec(
                id,
                name,
                str(g, "general.basename").map(GgufImporter::slug).orElse(arch),
                List.of(),
                str(g, "general.license").orElse("unknown"),
                "Imported from " + fileName + " (" + arch + ", " + (blocks - nextn) + " blocks).",
                params,
                params,
                // a GGUF header does not say what the chat template supports: the user fills these in
                ModelSpec.Capabilities.unknown(),
                architecture,
                List.of(q));
        ModelEntry entry = new ModelEntry(
                spec,
                new ModelEntry.Sources(
                        "GGUF metadata general.license of " + fileName,
                        "computed: sum of the tensor elements in the GGUF tensor table",
                        "computed: GGUF header of " + fileName + " (prositronic:import)",
                        "computed: sum of ggml_nbytes per tensor in the GGUF tensor table of " + fileName));
        String yaml = "# Imported by prositronic:import from " + location.replaceAll("\\?.*$", "") + "\n"
                + CatalogWriter.model(entry);
        return new Imported(id, entry, yaml, quant, fileSize, g.tensors().size(), requests);
    }

    /** Per-block kinds compressed to the shortest repeating pattern. */
    static List<LayerKind> layerPattern(GgufFile g, String arch, int blocks, boolean[] recurrent) {
        long window = num(g, arch + ".attention.sliding_window").orElse(0L);
        List<LayerKind> kinds = new ArrayList<>();
        for (int il = 0; il < blocks; il++) {
            if (recurrent[il]) {
                kinds.add(LayerKind.RECURRENT);
            } else if (sliding(arch, il, window)) {
                kinds.add(LayerKind.SLIDING);
            } else {
                kinds.add(LayerKind.FULL);
            }
        }
        for (int period = 1; period <= kinds.size(); period++) {
            boolean repeats = true;
            for (int il = period; il < kinds.size() && repeats; il++) {
                repeats = kinds.get(il).equals(kinds.get(il % period));
            }
            if (repeats) {
                return List.copyOf(kinds.subList(0, period));
            }
        }
        return kinds;
    }

    /**
     * Whether block {@code il} uses sliding-window attention. llama.cpp hard-codes the default pattern of some
     * architectures in their {@code load_arch_hparams} (src/models/{@code <arch>}.cpp) with {@code
     * load_swa_pattern(ml, n)} (src/llama-model.cpp), which ends in {@code hparams.set_swa_pattern(n)} and makes every
     * block slide but the last of each {@code n} ({@code il % n < n - 1}, src/llama-hparams.cpp): gemma2 and gpt-oss 2,
     * cohere2 4, gemma3n 5, gemma3 6. Any other architecture with a window slides in every block.
     *
     * <p>Known gap: at the pin {@code load_swa_pattern} first reads the GGUF key {@code
     * <arch>.attention.sliding_window_pattern} (a per-layer array or a period) and uses the hard-coded default only
     * without it, and more architectures have a default (afmoe, exaone4, llama4, olmo2 and others; some dense-first);
     * this method reads neither.
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-model.cpp#L3308-L3314">src/llama-model.cpp L3308-L3314</a>
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-hparams.cpp#L8-L22">src/llama-hparams.cpp L8-L22</a>
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/models/gemma2.cpp#L6-L6">src/models/gemma2.cpp L6</a>
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/models/openai-moe.cpp#L9-L9">src/models/openai-moe.cpp L9</a>
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/models/cohere2.cpp#L5-L5">src/models/cohere2.cpp L5</a>
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/models/gemma3n.cpp#L5-L5">src/models/gemma3n.cpp L5</a>
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/models/gemma3.cpp#L7-L7">src/models/gemma3.cpp L7</a>
     */
    static boolean sliding(String arch, int il, long window) {
        int period =
                switch (arch) {
                    case "gemma2", "gpt-oss" -> 2;
                    case "cohere2" -> 4;
                    case "gemma3n" -> 5;
                    case "gemma3" -> 6;
                    default -> 1;
                };
        if (window <= 0 && period == 1) {
            return false;
        }
        return period == 1 || il % period < period - 1;
    }

    static String quantName(GgufFile g, String fileName) {
        Matcher m = QUANT_IN_NAME.matcher(fileName);
        String found = null;
        while (m.find()) {
            found = m.group().toUpperCase(Locale.ROOT);
        }
        if (found != null) {
            return found;
        }
        return num(g, "general.file_type")
                .flatMap(LlamaFileType::fromId)
                .filter(t -> t != LlamaFileType.GUESSED)
                .map(LlamaFileType::name)
                .orElse("F16");
    }

    static String slug(String s) {
        String out = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        return out.length() > 63 ? out.substring(0, 63).replaceAll("-+$", "") : out;
    }

    private static List<Bytes> sizes(long[] a) {
        List<Bytes> l = new ArrayList<>();
        for (long x : a) {
            l.add(Bytes.of(x));
        }
        return List.copyOf(l);
    }

    private static Optional<String> str(GgufFile g, String key) {
        GgufValue v = g.get(key);
        return v == null ? Optional.empty() : Optional.of(v.asString());
    }

    private static Optional<Long> num(GgufFile g, String key) {
        GgufValue v = g.get(key);
        if (v == null || v.value() instanceof List) {
            return Optional.empty();
        }
        return Optional.of(v.asLong());
    }

    /** A number, or the largest of a per-layer array (e.g. head_count_kv of models with varying heads). */
    private static Optional<Long> maxOf(GgufFile g, String key) {
        GgufValue v = g.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v.value() instanceof List<?> list) {
            return list.stream().map(o -> ((Number) o).longValue()).max(Long::compare);
        }
        return Optional.of(v.asLong());
    }

    private static ProsiException missing(String location, String key) {
        return new ProsiException(
                location + " lacks the metadata key " + key + "; it is not a model llama.cpp can load");
    }

    /** Writes the entry to {@code <catalog>/models/<id>.yaml}; never replaces an existing file. */
    public static Path write(Imported imported, Path catalogDirectory) throws ProsiException {
        return write(imported, catalogDirectory, Setting.Spellings.NEUTRAL);
    }

    /** As {@link #write(Imported, Path)}, with the front end's spellings in the hint. */
    public static Path write(Imported imported, Path catalogDirectory, Setting.Spellings spellings)
            throws ProsiException {
        Path target = catalogDirectory.resolve(CatalogKeys.MODELS_FOLDER).resolve(imported.id() + ".yaml");
        if (Files.exists(target)) {
            throw new ProsiException(
                    target + " already exists; remove it or choose another id with " + spellings.of(Setting.MODEL_ID));
        }
        try {
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), ".import-", ".yaml");
            Files.writeString(tmp, imported.yaml());
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new ProsiException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }
}
