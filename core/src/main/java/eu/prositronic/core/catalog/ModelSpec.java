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
            Optional<QuantFile> vision) {
        /** The chat-template kwarg of the thinking switch when a file names none. */
        public static final String DEFAULT_THINKING_KWARG = "enable_thinking";

        /** What a GGUF header says about a model's chat template: nothing; the user fills it in. */
        public static Capabilities unknown() {
            return new Capabilities(false, false, DEFAULT_THINKING_KWARG, false, 0, List.of(), Optional.empty());
        }
    }

    /** One GGUF file; {@code source} says where the size comes from (a URL, or "computed: …"). */
    public record QuantFile(
            String quant,
            String repo,
            String file,
            Bytes size,
            Optional<String> sha256,
            String source,
            Optional<TensorLayout> tensors) {
        /** The values-path slug: {@code Q5_K_M} → {@code q5_k_m}. */
        public String slug() {
            return quant.toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Exact bytes per placement unit from a GGUF tensor table: the token embedding (host), the output layer (last
     * device; for tied models the duplicated embedding), each block, and the routed-expert part of each block.
     */
    public record TensorLayout(Bytes tokenEmbedding, Bytes output, List<Bytes> blocks, List<Bytes> blockExperts) {}
}
