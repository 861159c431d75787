package eu.prositronic.core.importer;

import static eu.prositronic.core.emit.Serializers.ordered;

import eu.prositronic.core.emit.Serializers;
import eu.prositronic.core.ggml.LlamaFileType;
import eu.prositronic.core.gguf.GgufFile;
import eu.prositronic.core.gguf.GgufReader;
import eu.prositronic.core.gguf.GgufSource;
import eu.prositronic.core.gguf.GgufTensorInfo;
import eu.prositronic.core.gguf.GgufValue;
import eu.prositronic.core.gguf.HttpRangeSource;
import eu.prositronic.core.problem.ProsiException;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a GGUF file's header into a catalog entry: the architecture from its metadata, the exact bytes per placement
 * unit from its tensor table, the file size. A remote file is read with HTTP range requests, header only.
 */
public final class GgufImporter {
    private static final Pattern HF_URL =
            Pattern.compile("^https://huggingface\\.co/([^/]+/[^/]+)/(?:resolve|blob)/[^/]+/(.+\\.gguf)(?:\\?.*)?$");
    private static final Pattern QUANT_IN_NAME = Pattern.compile(
            "(?i)(UD-)?(F32|F16|BF16|MXFP4|Q[1-8]_[01]|Q[2-8]_K(?:_[SMLX]{1,2})?|IQ[1-4]_(?:XXS|XS|S|M|NL)|TQ[12]_0)(_XL)?(?=\\.gguf$|[-.])");
    private static final Pattern BLOCK = Pattern.compile("^blk\\.(\\d+)\\.(.+)$");

    /** The entry and where it came from. */
    public record Imported(String id, String yaml, String quant, long sizeBytes, int tensors, int requests) {}

    private GgufImporter() {}

    /** Reads a local path or an http(s) URL and returns the catalog entry. */
    public static Imported importFrom(String location, Optional<String> id, Optional<String> repo)
            throws ProsiException {
        boolean remote = location.startsWith("http://") || location.startsWith("https://");
        try {
            GgufFile gguf;
            int requests = 0;
            String fileName;
            Optional<String> hfRepo = repo;
            if (remote) {
                HttpRangeSource source = new HttpRangeSource(URI.create(location));
                gguf = GgufReader.read(source);
                requests = source.requests();
                String path = URI.create(location).getPath();
                fileName = path.substring(path.lastIndexOf('/') + 1);
                Matcher hf = HF_URL.matcher(location);
                if (hfRepo.isEmpty() && hf.matches()) {
                    hfRepo = Optional.of(hf.group(1));
                    fileName = hf.group(2);
                }
            } else {
                Path p = Path.of(location);
                try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
                    gguf = GgufReader.read(GgufSource.of(ch));
                }
                fileName = p.getFileName().toString();
            }
            return entry(gguf, fileName, id, hfRepo, requests, location);
        } catch (NoSuchFileException e) {
            throw new ProsiException("no GGUF file at " + location + "; give a local path or an http(s) URL with"
                    + " -Dprositronic.gguf=…");
        } catch (eu.prositronic.core.gguf.GgufFormatException e) {
            throw new ProsiException(location + " is not a valid GGUF file: " + e.getMessage()
                    + "; check that the download is complete and the URL points at the file itself (…/resolve/…)");
        } catch (IOException | IllegalArgumentException e) {
            throw new ProsiException("cannot read " + location + ": " + e.getMessage(), e);
        }
    }

    static Imported entry(
            GgufFile g, String fileName, Optional<String> idOpt, Optional<String> repo, int requests, String location)
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
        List<String> pattern = layerPattern(g, arch, blocks - nextn, recurrent);

        Map<String, Object> attention = new LinkedHashMap<>();
        attention.put("headCount", heads);
        attention.put("headCountKv", kvHeads);
        attention.put("keyLength", keyLength);
        attention.put("valueLength", valueLength);
        attention.put("layerPattern", pattern);
        attention.put(
                "slidingWindow", num(g, arch + ".attention.sliding_window").orElse(0L));
        Map<String, Object> architecture = new LinkedHashMap<>();
        architecture.put("ggufArchitecture", arch);
        architecture.put("blockCount", blocks - nextn);
        architecture.put("nextnLayers", nextn);
        architecture.put("embeddingLength", embd);
        architecture.put(
                "feedForwardLength", maxOf(g, arch + ".feed_forward_length").orElse(0L));
        architecture.put("vocabSize", vocab);
        architecture.put("contextLength", num(g, arch + ".context_length").orElse(4096L));
        architecture.put("tiedEmbeddings", tied);
        architecture.put("attention", attention);
        if (num(g, arch + ".ssm.inner_size").isPresent()) {
            Map<String, Object> ssm = new LinkedHashMap<>();
            ssm.put("convKernel", num(g, arch + ".ssm.conv_kernel").orElse(4L));
            ssm.put("stateSize", num(g, arch + ".ssm.state_size").orElse(128L));
            ssm.put("groupCount", num(g, arch + ".ssm.group_count").orElse(1L));
            ssm.put("timeStepRank", num(g, arch + ".ssm.time_step_rank").orElse(1L));
            ssm.put("innerSize", num(g, arch + ".ssm.inner_size").get());
            architecture.put("ssm", ssm);
        }
        if (num(g, arch + ".expert_count").orElse(0L) > 0) {
            Map<String, Object> moe = new LinkedHashMap<>();
            moe.put("expertCount", num(g, arch + ".expert_count").get());
            moe.put("expertUsedCount", num(g, arch + ".expert_used_count").orElse(1L));
            moe.put(
                    "expertFeedForwardLength",
                    num(g, arch + ".expert_feed_forward_length").orElse(0L));
            moe.put(
                    "sharedExpertFeedForwardLength",
                    num(g, arch + ".expert_shared_feed_forward_length").orElse(0L));
            architecture.put("moe", moe);
        }
        architecture.put("source", "computed: GGUF header of " + fileName + " (prositronic:import)");

        long fileSize = g.fileSize();
        Map<String, Object> tensors = new LinkedHashMap<>();
        tensors.put("tokenEmbeddingBytes", tokenEmbedding);
        tensors.put("outputBytes", output);
        tensors.put("blockBytes", toList(blockBytes));
        tensors.put("blockExpertBytes", toList(expertBytes));
        tensors.put("source", "computed: sum of ggml_nbytes per tensor in the GGUF tensor table of " + fileName);
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("quant", quant);
        q.put("repo", repo.orElse("local/" + id));
        q.put("file", fileName);
        q.put("sizeBytes", fileSize);
        q.put("source", location.startsWith("http") ? location : "computed: size of the local file " + fileName);
        q.put("tensors", tensors);

        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("id", id);
        entry.put("name", name);
        entry.put("family", str(g, "general.basename").map(GgufImporter::slug).orElse(arch));
        entry.put(
                "license",
                ordered(
                        "id",
                        str(g, "general.license").orElse("unknown"),
                        "source",
                        "GGUF metadata general.license of " + fileName));
        entry.put("description", "Imported from " + fileName + " (" + arch + ", " + (blocks - nextn) + " blocks).");
        entry.put(
                "parameters",
                ordered(
                        "total",
                        params,
                        "active",
                        params,
                        "source",
                        "computed: sum of the tensor elements in the GGUF tensor table"));
        // a GGUF header does not say what the chat template supports: the user fills these in
        entry.put(
                "capabilities",
                ordered(
                        "thinking",
                        ordered("supported", false, "defaultOn", false),
                        "toolCalls",
                        false,
                        "languages",
                        0,
                        "tags",
                        List.of()));
        entry.put("architecture", architecture);
        entry.put("quantizations", List.of(q));
        String yaml = "# Imported by prositronic:import from " + location.replaceAll("\\?.*$", "") + "\n"
                + Serializers.yaml(entry);
        return new Imported(id, yaml, quant, fileSize, g.tensors().size(), requests);
    }

    /** Per-block kinds compressed to the shortest repeating pattern. */
    static List<String> layerPattern(GgufFile g, String arch, int blocks, boolean[] recurrent) {
        long window = num(g, arch + ".attention.sliding_window").orElse(0L);
        List<String> kinds = new ArrayList<>();
        for (int il = 0; il < blocks; il++) {
            if (recurrent[il]) {
                kinds.add("recurrent");
            } else if (sliding(arch, il, window)) {
                kinds.add("sliding");
            } else {
                kinds.add("full");
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
     * Whether block {@code il} uses sliding-window attention. llama.cpp hard-codes the pattern of some architectures in
     * load_hparams with {@code hparams.set_swa_pattern(n)} (src/llama-model.cpp), which makes every block slide but
     * the last of each {@code n} ({@code il % n < n - 1}, src/llama-hparams.cpp): gemma2 and gpt-oss 2, cohere2 4,
     * gemma3n 5, gemma3 6. Any other architecture with a window slides in every block.
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

    private static List<Long> toList(long[] a) {
        List<Long> l = new ArrayList<>();
        for (long x : a) {
            l.add(x);
        }
        return l;
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
        Path target = catalogDirectory.resolve("models").resolve(imported.id() + ".yaml");
        if (Files.exists(target)) {
            throw new ProsiException(
                    target + " already exists; remove it or choose another id with -Dprositronic.modelId=…");
        }
        try {
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), ".import-", ".yaml");
            Files.writeString(tmp, imported.yaml());
            Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new ProsiException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }
}
