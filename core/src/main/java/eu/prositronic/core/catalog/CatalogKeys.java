package eu.prositronic.core.catalog;

import java.util.ArrayList;
import java.util.List;

/**
 * Every YAML key of the catalog's files ({@code models/<id>.yaml}, {@code hardware/<id>.yaml}, {@code images.yaml}),
 * one nested class per mapping: the one vocabulary the readers (strict key lists) and {@link CatalogWriter} share. Each
 * {@code KEYS} list is in the order a file is written and an error lists the keys.
 */
public final class CatalogKeys {
    private CatalogKeys() {}

    /** Where each kind of file lies in a catalog folder. */
    public static final String MODELS_FOLDER = "models/";

    public static final String HARDWARE_FOLDER = "hardware/";
    public static final String IMAGES_FILE = "images.yaml";

    /** Every number carries its source, under one of these keys. */
    public static final String SOURCE = "source";

    public static final String COMPUTED = "computed";
    public static final String ESTIMATE = "estimate";
    public static final List<String> SOURCES = List.of(SOURCE, COMPUTED, ESTIMATE);

    /**
     * The prefix of a {@code source} whose value was seen in public material but could not be traced to a URL a reader
     * can open at a revision ({@code source: "unverified: …"}); such a file is not verified and the plan says so.
     */
    public static final String UNVERIFIED = "unverified";

    /** {@code keys} followed by the source keys. */
    static List<String> withSources(String... keys) {
        List<String> all = new ArrayList<>(List.of(keys));
        all.addAll(SOURCES);
        return List.copyOf(all);
    }

    /** The top level of {@code models/<id>.yaml}. */
    public static final class Model {
        private Model() {}

        public static final String ID = "id";
        public static final String NAME = "name";
        public static final String FAMILY = "family";
        public static final String ALIASES = "aliases";
        public static final String LICENSE = "license";
        public static final String DESCRIPTION = "description";
        public static final String PARAMETERS = "parameters";
        public static final String CAPABILITIES = "capabilities";
        public static final String ARCHITECTURE = "architecture";
        public static final String QUANTIZATIONS = "quantizations";
        public static final List<String> KEYS = List.of(
                ID, NAME, FAMILY, ALIASES, LICENSE, DESCRIPTION, PARAMETERS, CAPABILITIES, ARCHITECTURE, QUANTIZATIONS);
    }

    /** {@code license}. */
    public static final class License {
        private License() {}

        public static final String ID = "id";
        public static final String NAME = "name";
        public static final List<String> KEYS = List.of(ID, SOURCE, NAME);
    }

    /** {@code parameters}. */
    public static final class Parameters {
        private Parameters() {}

        public static final String TOTAL = "total";
        public static final String ACTIVE = "active";
        public static final String PUBLISHED = "published";
        public static final List<String> KEYS = withSources(TOTAL, ACTIVE, PUBLISHED);
    }

    /** {@code capabilities}. */
    public static final class Capabilities {
        private Capabilities() {}

        public static final String THINKING = "thinking";
        public static final String TOOL_CALLS = "toolCalls";
        public static final String LANGUAGES = "languages";
        public static final String TAGS = "tags";
        public static final String VISION = "vision";
        public static final List<String> KEYS = List.of(THINKING, TOOL_CALLS, LANGUAGES, TAGS, VISION);
    }

    /** {@code capabilities.thinking}. */
    public static final class Thinking {
        private Thinking() {}

        public static final String SUPPORTED = "supported";
        public static final String DEFAULT_ON = "defaultOn";
        public static final String TEMPLATE_KWARG = "templateKwarg";
        public static final List<String> KEYS = List.of(SUPPORTED, DEFAULT_ON, TEMPLATE_KWARG);
    }

    /** {@code capabilities.vision}: the mmproj file. */
    public static final class Vision {
        private Vision() {}

        public static final String REPO = "repo";
        public static final String REVISION = "revision";
        public static final String FILE = "file";
        public static final String SIZE_BYTES = "sizeBytes";
        public static final String SHA256 = "sha256";
        /** The projector's compute buffer with flash attention on, as measured (bytes). */
        public static final String COMPUTE_BYTES = "computeBytes";
        /** The same with flash attention off. */
        public static final String COMPUTE_BYTES_NO_FLASH_ATTN = "computeBytesNoFlashAttn";
        /** Where the compute figures come from. */
        public static final String COMPUTE_SOURCE = "computeSource";

        public static final List<String> KEYS = withSources(
                REPO, REVISION, FILE, SIZE_BYTES, SHA256, COMPUTE_BYTES, COMPUTE_BYTES_NO_FLASH_ATTN, COMPUTE_SOURCE);
    }

    /** {@code architecture}. */
    public static final class Architecture {
        private Architecture() {}

        public static final String GGUF_ARCHITECTURE = "ggufArchitecture";
        public static final String BLOCK_COUNT = "blockCount";
        public static final String NEXTN_LAYERS = "nextnLayers";
        public static final String EMBEDDING_LENGTH = "embeddingLength";
        public static final String FEED_FORWARD_LENGTH = "feedForwardLength";
        public static final String VOCAB_SIZE = "vocabSize";
        public static final String CONTEXT_LENGTH = "contextLength";
        public static final String TIED_EMBEDDINGS = "tiedEmbeddings";
        public static final String ATTENTION = "attention";
        public static final String SSM = "ssm";
        public static final String MOE = "moe";
        public static final List<String> KEYS = withSources(
                GGUF_ARCHITECTURE,
                BLOCK_COUNT,
                NEXTN_LAYERS,
                EMBEDDING_LENGTH,
                FEED_FORWARD_LENGTH,
                VOCAB_SIZE,
                CONTEXT_LENGTH,
                TIED_EMBEDDINGS,
                ATTENTION,
                SSM,
                MOE);
    }

    /** {@code architecture.attention}. */
    public static final class Attention {
        private Attention() {}

        public static final String HEAD_COUNT = "headCount";
        public static final String HEAD_COUNT_KV = "headCountKv";
        public static final String KEY_LENGTH = "keyLength";
        public static final String VALUE_LENGTH = "valueLength";
        public static final String LAYER_PATTERN = "layerPattern";
        public static final String SLIDING_WINDOW = "slidingWindow";
        public static final List<String> KEYS =
                List.of(HEAD_COUNT, HEAD_COUNT_KV, KEY_LENGTH, VALUE_LENGTH, LAYER_PATTERN, SLIDING_WINDOW);
    }

    /** {@code architecture.ssm}. */
    public static final class Ssm {
        private Ssm() {}

        public static final String CONV_KERNEL = "convKernel";
        public static final String STATE_SIZE = "stateSize";
        public static final String GROUP_COUNT = "groupCount";
        public static final String TIME_STEP_RANK = "timeStepRank";
        public static final String INNER_SIZE = "innerSize";
        public static final List<String> KEYS =
                List.of(CONV_KERNEL, STATE_SIZE, GROUP_COUNT, TIME_STEP_RANK, INNER_SIZE);
    }

    /** {@code architecture.moe}. */
    public static final class Moe {
        private Moe() {}

        public static final String EXPERT_COUNT = "expertCount";
        public static final String EXPERT_USED_COUNT = "expertUsedCount";
        public static final String EXPERT_FEED_FORWARD_LENGTH = "expertFeedForwardLength";
        public static final String SHARED_EXPERT_FEED_FORWARD_LENGTH = "sharedExpertFeedForwardLength";
        public static final List<String> KEYS =
                List.of(EXPERT_COUNT, EXPERT_USED_COUNT, EXPERT_FEED_FORWARD_LENGTH, SHARED_EXPERT_FEED_FORWARD_LENGTH);
    }

    /** One entry of {@code quantizations}. */
    public static final class Quantization {
        private Quantization() {}

        public static final String QUANT = "quant";
        public static final String REPO = "repo";
        public static final String REVISION = "revision";
        public static final String FILE = "file";
        public static final String SIZE_BYTES = "sizeBytes";
        public static final String SHA256 = "sha256";
        public static final String SHARDS = "shards";
        public static final String TENSORS = "tensors";
        public static final List<String> KEYS =
                withSources(QUANT, REPO, REVISION, FILE, SIZE_BYTES, SHA256, SHARDS, TENSORS);
    }

    /** {@code quantizations[].shards[]}: one shard of a split file. */
    public static final class Shard {
        private Shard() {}

        public static final String PATH = "path";
        public static final String SIZE_BYTES = "sizeBytes";
        public static final String SHA256 = "sha256";
        public static final List<String> KEYS = List.of(PATH, SIZE_BYTES, SHA256);
    }

    /** {@code quantizations[].tensors}: the exact bytes per placement unit. */
    public static final class Tensors {
        private Tensors() {}

        public static final String TOKEN_EMBEDDING_BYTES = "tokenEmbeddingBytes";
        public static final String OUTPUT_BYTES = "outputBytes";
        public static final String BLOCK_BYTES = "blockBytes";
        public static final String BLOCK_EXPERT_BYTES = "blockExpertBytes";
        public static final List<String> KEYS =
                withSources(TOKEN_EMBEDDING_BYTES, OUTPUT_BYTES, BLOCK_BYTES, BLOCK_EXPERT_BYTES);
    }

    /** The top level of {@code hardware/<id>.yaml}. */
    public static final class Hardware {
        private Hardware() {}

        public static final String ID = "id";
        public static final String NAME = "name";
        public static final String KIND = "kind";
        public static final String VENDOR = "vendor";
        public static final String MEMORY_BYTES = "memoryBytes";
        public static final String USABLE_MEMORY_BYTES = "usableMemoryBytes";
        public static final String MEMORY_BANDWIDTH = "memoryBandwidthBytesPerSecond";
        public static final String FP16_TFLOPS = "fp16Tflops";
        public static final String FP32_TFLOPS = "fp32Tflops";
        public static final String COMPUTE_CAPABILITY = "computeCapability";
        public static final String ARCHITECTURE = "architecture";
        public static final String GFX_TARGET = "gfxTarget";
        public static final String PRODUCT_LABEL = "productLabel";
        public static final String POWER_WATTS = "powerWatts";
        public static final List<String> KEYS = withSources(
                ID,
                NAME,
                KIND,
                VENDOR,
                MEMORY_BYTES,
                USABLE_MEMORY_BYTES,
                MEMORY_BANDWIDTH,
                FP16_TFLOPS,
                FP32_TFLOPS,
                COMPUTE_CAPABILITY,
                ARCHITECTURE,
                GFX_TARGET,
                PRODUCT_LABEL,
                POWER_WATTS);
    }

    /** The top level of {@code images.yaml}. */
    public static final class Images {
        private Images() {}

        public static final String REPOSITORY = "repository";
        public static final String BUILD = "build";
        public static final String BACKENDS = "backends";
        public static final List<String> KEYS = withSources(REPOSITORY, BUILD, BACKENDS);
    }

    /** {@code backends.<backend>} of {@code images.yaml}. */
    public static final class Image {
        private Image() {}

        public static final String TAG = "tag";
        public static final String DIGEST = "digest";
        public static final String MIN_DRIVER = "minDriver";
        public static final String MIN_COMPUTE_CAPABILITY = "minComputeCapability";
        public static final List<String> KEYS = withSources(TAG, DIGEST, MIN_DRIVER, MIN_COMPUTE_CAPABILITY);
    }
}
