package eu.prositronic.core.catalog;

import eu.prositronic.core.catalog.ModelSpec.QuantFile;
import eu.prositronic.core.units.Bytes;
import eu.prositronic.core.yaml.Serializers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes catalog entries in the keys of {@link CatalogKeys}, in their order, so that {@link CatalogLoader} reads back
 * the same records. A key is left out only where the reader's default gives the same value back (no aliases, no
 * sha256, no tensor layout, the default thinking kwarg of a model without thinking). Stable bytes: two-space indents,
 * LF line ends, a final newline, quotes only where YAML needs them.
 */
public final class CatalogWriter {
    private CatalogWriter() {}

    /** The text of {@code models/<id>.yaml}. */
    public static String model(ModelEntry entry) {
        return yaml(modelTree(entry));
    }

    static Map<String, Object> modelTree(ModelEntry entry) {
        ModelSpec m = entry.spec();
        ModelEntry.Sources sources = entry.sources();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(CatalogKeys.Model.ID, m.id());
        out.put(CatalogKeys.Model.NAME, m.name());
        out.put(CatalogKeys.Model.FAMILY, m.family());
        if (!m.aliases().isEmpty()) {
            out.put(CatalogKeys.Model.ALIASES, m.aliases());
        }
        Map<String, Object> license = new LinkedHashMap<>();
        license.put(CatalogKeys.License.ID, m.license());
        license.put(CatalogKeys.SOURCE, sources.license());
        out.put(CatalogKeys.Model.LICENSE, license);
        out.put(CatalogKeys.Model.DESCRIPTION, m.description());
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put(CatalogKeys.Parameters.TOTAL, m.parametersTotal());
        parameters.put(CatalogKeys.Parameters.ACTIVE, m.parametersActive());
        parameters.put(CatalogKeys.SOURCE, sources.parameters());
        out.put(CatalogKeys.Model.PARAMETERS, parameters);
        out.put(CatalogKeys.Model.CAPABILITIES, capabilities(m.capabilities()));
        out.put(CatalogKeys.Model.ARCHITECTURE, architecture(m.architecture(), sources.architecture()));
        out.put(
                CatalogKeys.Model.QUANTIZATIONS,
                m.quantizations().stream().map(q -> quant(q, sources.tensors())).toList());
        return out;
    }

    private static Map<String, Object> capabilities(ModelSpec.Capabilities c) {
        Map<String, Object> thinking = new LinkedHashMap<>();
        thinking.put(CatalogKeys.Thinking.SUPPORTED, c.thinking());
        thinking.put(CatalogKeys.Thinking.DEFAULT_ON, c.thinkingDefaultOn());
        if (c.thinking() || !c.thinkingKwarg().equals(ModelSpec.Capabilities.DEFAULT_THINKING_KWARG)) {
            thinking.put(CatalogKeys.Thinking.TEMPLATE_KWARG, c.thinkingKwarg());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(CatalogKeys.Capabilities.THINKING, thinking);
        out.put(CatalogKeys.Capabilities.TOOL_CALLS, c.toolCalls());
        out.put(CatalogKeys.Capabilities.LANGUAGES, c.languages());
        out.put(CatalogKeys.Capabilities.TAGS, c.tags());
        c.vision().ifPresent(v -> {
            Map<String, Object> vision = new LinkedHashMap<>(file(v.file()));
            v.computeFlashAttn().ifPresent(b -> vision.put(CatalogKeys.Vision.COMPUTE_BYTES, b.value()));
            v.computeNoFlashAttn()
                    .ifPresent(b -> vision.put(CatalogKeys.Vision.COMPUTE_BYTES_NO_FLASH_ATTN, b.value()));
            if (!v.computeSource().isEmpty()) {
                vision.put(CatalogKeys.Vision.COMPUTE_SOURCE, v.computeSource());
            }
            out.put(CatalogKeys.Capabilities.VISION, vision);
        });
        return out;
    }

    private static Map<String, Object> architecture(Architecture a, String source) {
        Map<String, Object> attention = new LinkedHashMap<>();
        Architecture.Attention at = a.attention();
        attention.put(CatalogKeys.Attention.HEAD_COUNT, at.headCount());
        attention.put(CatalogKeys.Attention.HEAD_COUNT_KV, at.headCountKv());
        attention.put(CatalogKeys.Attention.KEY_LENGTH, at.keyLength());
        attention.put(CatalogKeys.Attention.VALUE_LENGTH, at.valueLength());
        attention.put(
                CatalogKeys.Attention.LAYER_PATTERN,
                at.layerPattern().stream().map(LayerKind::key).toList());
        attention.put(CatalogKeys.Attention.SLIDING_WINDOW, at.slidingWindow());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(CatalogKeys.Architecture.GGUF_ARCHITECTURE, a.ggufArchitecture());
        out.put(CatalogKeys.Architecture.BLOCK_COUNT, a.blockCount());
        out.put(CatalogKeys.Architecture.NEXTN_LAYERS, a.nextnLayers());
        out.put(CatalogKeys.Architecture.EMBEDDING_LENGTH, a.embeddingLength());
        out.put(CatalogKeys.Architecture.FEED_FORWARD_LENGTH, a.feedForwardLength());
        out.put(CatalogKeys.Architecture.VOCAB_SIZE, a.vocabSize());
        out.put(CatalogKeys.Architecture.CONTEXT_LENGTH, a.contextLength());
        out.put(CatalogKeys.Architecture.TIED_EMBEDDINGS, a.tiedEmbeddings());
        out.put(CatalogKeys.Architecture.ATTENTION, attention);
        a.ssm().ifPresent(s -> {
            Map<String, Object> ssm = new LinkedHashMap<>();
            ssm.put(CatalogKeys.Ssm.CONV_KERNEL, s.convKernel());
            ssm.put(CatalogKeys.Ssm.STATE_SIZE, s.stateSize());
            ssm.put(CatalogKeys.Ssm.GROUP_COUNT, s.groupCount());
            ssm.put(CatalogKeys.Ssm.TIME_STEP_RANK, s.timeStepRank());
            ssm.put(CatalogKeys.Ssm.INNER_SIZE, s.innerSize());
            out.put(CatalogKeys.Architecture.SSM, ssm);
        });
        a.moe().ifPresent(m -> {
            Map<String, Object> moe = new LinkedHashMap<>();
            moe.put(CatalogKeys.Moe.EXPERT_COUNT, m.expertCount());
            moe.put(CatalogKeys.Moe.EXPERT_USED_COUNT, m.expertUsedCount());
            moe.put(CatalogKeys.Moe.EXPERT_FEED_FORWARD_LENGTH, m.expertFeedForwardLength());
            moe.put(CatalogKeys.Moe.SHARED_EXPERT_FEED_FORWARD_LENGTH, m.sharedExpertFeedForwardLength());
            out.put(CatalogKeys.Architecture.MOE, moe);
        });
        out.put(CatalogKeys.SOURCE, source);
        return out;
    }

    private static Map<String, Object> quant(QuantFile q, String tensorsSource) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(CatalogKeys.Quantization.QUANT, q.quant());
        out.putAll(file(q));
        q.tensors().ifPresent(t -> {
            Map<String, Object> tensors = new LinkedHashMap<>();
            tensors.put(
                    CatalogKeys.Tensors.TOKEN_EMBEDDING_BYTES,
                    t.tokenEmbedding().value());
            tensors.put(CatalogKeys.Tensors.OUTPUT_BYTES, t.output().value());
            tensors.put(CatalogKeys.Tensors.BLOCK_BYTES, values(t.blocks()));
            tensors.put(CatalogKeys.Tensors.BLOCK_EXPERT_BYTES, values(t.blockExperts()));
            tensors.put(CatalogKeys.SOURCE, tensorsSource);
            out.put(CatalogKeys.Quantization.TENSORS, tensors);
        });
        return out;
    }

    /**
     * What a quantization and the mmproj share: repo, revision, file, bytes, sha256, shards and the source (as the reader
     * returned it, so {@code computed: …} stays a prefix of the text).
     */
    private static Map<String, Object> file(QuantFile q) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(CatalogKeys.Quantization.REPO, q.repo());
        q.revision().ifPresent(r -> out.put(CatalogKeys.Quantization.REVISION, r));
        out.put(CatalogKeys.Quantization.FILE, q.file());
        out.put(CatalogKeys.Quantization.SIZE_BYTES, q.size().value());
        q.sha256().ifPresent(s -> out.put(CatalogKeys.Quantization.SHA256, s));
        if (!q.shards().isEmpty()) {
            out.put(
                    CatalogKeys.Quantization.SHARDS,
                    q.shards().stream()
                            .map(s -> {
                                Map<String, Object> shard = new LinkedHashMap<>();
                                shard.put(CatalogKeys.Shard.PATH, s.path());
                                shard.put(CatalogKeys.Shard.SIZE_BYTES, s.size().value());
                                s.sha256().ifPresent(h -> shard.put(CatalogKeys.Shard.SHA256, h));
                                return shard;
                            })
                            .toList());
        }
        out.put(CatalogKeys.SOURCE, q.source());
        return out;
    }

    private static List<Long> values(List<Bytes> sizes) {
        return sizes.stream().map(Bytes::value).toList();
    }

    private static String yaml(Object tree) {
        return Serializers.yaml(tree);
    }
}
