package eu.prositronic.core.catalog;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The hyperparameters the fit engine needs, named after the GGUF keys ({@code <arch>.block_count} …) so a GGUF
 * header maps onto them one to one.
 */
public record Architecture(
        String ggufArchitecture,
        int blockCount,
        int nextnLayers,
        int embeddingLength,
        int feedForwardLength,
        int vocabSize,
        int contextLength,
        boolean tiedEmbeddings,
        Attention attention,
        Optional<Ssm> ssm,
        Optional<Moe> moe) {

    public record Attention(
            int headCount,
            int headCountKv,
            int keyLength,
            int valueLength,
            List<LayerKind> layerPattern,
            int slidingWindow) {}

    /** Gated DeltaNet / Mamba-style state sizes ({@code <arch>.ssm.*}). */
    public record Ssm(int convKernel, int stateSize, int groupCount, int timeStepRank, int innerSize) {}

    public record Moe(
            int expertCount, int expertUsedCount, int expertFeedForwardLength, int sharedExpertFeedForwardLength) {}

    /** The GGUF architectures whose blocks are mixtures of experts: their weights and graph are sized by {@code moe}. */
    public static final Set<String> MIXTURE_OF_EXPERTS = Set.of("gpt-oss", "qwen3moe", "qwen35moe");

    /**
     * All blocks llama.cpp loads: the transformer blocks plus MTP/NextN blocks (n_layer_all).
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-model.cpp#L1259-L1262">src/llama-model.cpp L1259-L1262</a>
     */
    public int allLayers() {
        return blockCount + nextnLayers;
    }

    /** The kind of block {@code il}; the pattern repeats over the blocks ({@code (il+1) % 4 == 0} for Qwen3.5). */
    public LayerKind layerKind(int il) {
        if (il >= blockCount) {
            // MTP/NextN blocks are full-attention blocks (src/models/qwen35.cpp). In the main context llama.cpp gives
            // them no KV cache (create_memory filter il < n_layer()) and skips their tensors unless MTP drafting is on.
            // https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/models/qwen35.cpp#L93-L107
            return LayerKind.FULL;
        }
        List<LayerKind> p = attention.layerPattern();
        return p.get(il % p.size());
    }

    public int countLayers(LayerKind kind) {
        int n = 0;
        for (int il = 0; il < blockCount; il++) {
            if (layerKind(il) == kind) {
                n++;
            }
        }
        return n;
    }

    public boolean isMoe() {
        return moe.isPresent();
    }
}
