package eu.prositronic.core.catalog;

import eu.prositronic.core.units.Bytes;
import java.util.List;
import java.util.Optional;

/** A model of the catalog with its architecture and its published quantized files. */
public record ModelSpec(
        String id,
        String name,
        String family,
        List<String> aliases,
        String license,
        String description,
        long parametersTotal,
        long parametersActive,
        Capabilities capabilities,
        Architecture architecture,
        List<QuantFile> quantizations) {

    public Optional<QuantFile> quant(String quant) {
        return quantizations.stream()
                .filter(q -> q.quant().equalsIgnoreCase(quant))
                .findFirst();
    }

    public List<String> quantNames() {
        return quantizations.stream().map(QuantFile::quant).toList();
    }

    public record Capabilities(
            boolean thinking,
            boolean thinkingDefaultOn,
            String thinkingKwarg,
            boolean toolCalls,
            int languages,
            List<String> tags,
            Optional<Vision> vision) {
        /** The chat-template kwarg of the thinking switch when a file names none. */
        public static final String DEFAULT_THINKING_KWARG = "enable_thinking";

        /** What a GGUF header says about a model's chat template: nothing; the user fills it in. */
        public static Capabilities unknown() {
            return new Capabilities(false, false, DEFAULT_THINKING_KWARG, false, 0, List.of(), Optional.empty());
        }
    }

    /**
     * One GGUF file at a pinned revision of its repository. {@code source} says where its bytes and hash come from: a URL
     * at that revision, or {@code unverified: …}, {@code computed: …}, {@code estimate: …} (see {@link #verified}).
     *
     * @param file the file's path in the repository; for a split file its first shard
     * @param size the exact bytes of the whole file (every shard together)
     * @param sha256 the file's sha256; empty for a split file (each shard carries its own) or where none is published
     * @param revision the repository commit (40 hex digits) the size and hash belong to
     * @param shards every shard of a split file, in order (the first is {@code file}); empty for a single file
     */
    public record QuantFile(
            String quant,
            String repo,
            String file,
            Bytes size,
            Optional<String> sha256,
            String source,
            Optional<TensorLayout> tensors,
            Optional<String> revision,
            List<Shard> shards) {
        public QuantFile {
            shards = List.copyOf(shards);
        }

        /** A file without revision or shards (a local import, a test's fixture). */
        public QuantFile(
                String quant,
                String repo,
                String file,
                Bytes size,
                Optional<String> sha256,
                String source,
                Optional<TensorLayout> tensors) {
            this(quant, repo, file, size, sha256, source, tensors, Optional.empty(), List.of());
        }

        /** The values-path slug: {@code Q5_K_M} → {@code q5_k_m}. */
        public String slug() {
            return quant.toLowerCase(java.util.Locale.ROOT);
        }

        /**
         * Whether the bytes and hash are exact and sourced: a source that is a URL (not {@code unverified:},
         * {@code computed:} or {@code estimate:}), a revision, and a sha256 for the file or for every shard.
         */
        public boolean verified() {
            return unverified().isEmpty();
        }

        /** Why the file is not {@link #verified}, in a few words; empty when it is. */
        public Optional<String> unverified() {
            if (marked(source)) {
                return Optional.of(source);
            }
            if (revision.isEmpty()) {
                return Optional.of("unverified: no revision");
            }
            boolean hashed = shards.isEmpty()
                    ? sha256.isPresent()
                    : shards.stream().allMatch(s -> s.sha256().isPresent());
            return hashed ? Optional.empty() : Optional.of("unverified: no sha256");
        }

        /** Whether a source says itself that it is no URL at a revision: {@code unverified:}, {@code computed:}, … */
        public static boolean marked(String source) {
            return List.of(CatalogKeys.UNVERIFIED, CatalogKeys.COMPUTED, CatalogKeys.ESTIMATE).stream()
                    .anyMatch(prefix -> source.startsWith(prefix + ":"));
        }

        /** The files to download: every shard, or the one file. */
        public List<Shard> parts() {
            return shards.isEmpty() ? List.of(new Shard(file, size, sha256)) : shards;
        }
    }

    /**
     * The vision projector of a multimodal model: the mmproj GGUF that llama-server loads with {@code --mmproj}, and
     * the compute buffer its warmup graph reserves, as measured (clip.cpp sizes it by running its graph builder on a
     * dummy image of {@code warmup_image_size}; the figure depends on the tower's shapes and on flash attention, so the
     * catalog records it per model, with its source).
     *
     * @param computeFlashAttn the compute buffer with flash attention on (clip's default where the backend supports it)
     * @param computeNoFlashAttn the compute buffer with flash attention off (one layer's attention scores are live)
     * @param computeSource where the two figures come from ({@code measured: …} or a public log)
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/tools/mtmd/clip.cpp#L3669-L3691">tools/mtmd/clip.cpp L3669-L3691 (get_dummy_batch)</a>
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/tools/mtmd/clip.cpp#L3774-L3789">tools/mtmd/clip.cpp L3774-L3789 (reserve_compute_meta)</a>
     */
    public record Vision(
            QuantFile file,
            Optional<Bytes> computeFlashAttn,
            Optional<Bytes> computeNoFlashAttn,
            String computeSource) {

        /** A projector file without a measured compute buffer (a deployment cannot ask for it then). */
        public static Vision fileOnly(QuantFile file) {
            return new Vision(file, Optional.empty(), Optional.empty(), "");
        }

        /** The compute buffer at the deployment's flash-attention setting, when the catalog has it. */
        public Optional<Bytes> compute(boolean flashAttn) {
            return flashAttn ? computeFlashAttn : computeNoFlashAttn;
        }
    }

    /** One shard of a split GGUF: its path in the repository, exact bytes and sha256. */
    public record Shard(String path, Bytes size, Optional<String> sha256) {}

    /**
     * Exact bytes per placement unit from a GGUF tensor table: the token embedding (host), the output layer (last
     * device; for tied models the duplicated embedding), each block, and the routed-expert part of each block.
     */
    public record TensorLayout(Bytes tokenEmbedding, Bytes output, List<Bytes> blocks, List<Bytes> blockExperts) {}
}
