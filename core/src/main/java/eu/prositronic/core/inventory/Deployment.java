package eu.prositronic.core.inventory;

import eu.prositronic.core.catalog.ModelSpec;
import eu.prositronic.core.catalog.ModelSpec.QuantFile;
import java.util.OptionalLong;

/**
 * What to run: a catalog model and one of its quantized files on a node, with the llama-server settings asked for.
 * Resolved once by the inventory loader; an empty {@code context} is {@code context: max}. {@code pins} are the parts
 * of the layout the inventory fixes ({@code gpuLayers}, {@code nCpuMoe}, {@code tensorSplit}); {@code kvUnified} asks
 * for one KV stream shared by all slots ({@code --kv-unified}) instead of one per slot; {@code vision} whether the
 * model's vision projector (mmproj) is loaded, and where; {@code draft} a draft model for speculative decoding.
 */
public record Deployment(
        String name,
        ModelSpec model,
        QuantFile quant,
        Node node,
        OptionalLong context,
        CacheType cacheTypeK,
        CacheType cacheTypeV,
        FlashAttn flashAttn,
        int parallel,
        int batchSize,
        int ubatchSize,
        boolean thinking,
        int port,
        boolean metrics,
        LayoutPins pins,
        boolean kvUnified,
        VisionSetting vision,
        java.util.Optional<DraftSetting> draft) {

    /** llama-server's listening port when the inventory names none. */
    public static final int DEFAULT_PORT = 8080;

    /**
     * llama-server's defaults for -b and -ub (common/common.h: n_batch 2048, n_ubatch 512).
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/common/common.h#L451-L452">common/common.h L451-L452</a>
     */
    public static final int DEFAULT_BATCH = 2048;

    public static final int DEFAULT_UBATCH = 512;

    /**
     * The catalog page's deployment: the model × quant alone with every setting at its default (context max, f16 cache,
     * flash attention auto, one slot, the model's thinking default), named after the model and quantization.
     */
    public static Deployment catalogDefault(ModelSpec model, QuantFile quant, Node node) {
        return new Deployment(
                model.id() + "-" + quant.slug().replace('_', '-'),
                model,
                quant,
                node,
                OptionalLong.empty(),
                CacheType.F16,
                CacheType.F16,
                FlashAttn.AUTO,
                1,
                DEFAULT_BATCH,
                DEFAULT_UBATCH,
                model.capabilities().thinkingDefaultOn(),
                DEFAULT_PORT,
                false,
                LayoutPins.NONE,
                false,
                VisionSetting.NONE,
                java.util.Optional.empty());
    }

    /** {@code context: max}: the largest context that fits, up to the trained maximum. */
    public boolean maxContext() {
        return context.isEmpty();
    }

    /** {@code values/<model>/<quant>/<hardware>.yaml}: the catalog page of this model × quant on this hardware. */
    public String valuesFile() {
        return "values/" + model.id() + "/" + quant.slug() + "/" + node.hardwareSlug() + ".yaml";
    }

    public Deployment withQuant(QuantFile q) {
        return copy(name, q, node, context, cacheTypeK, cacheTypeV);
    }

    public Deployment withContext(OptionalLong ctx) {
        return copy(name, quant, node, ctx, cacheTypeK, cacheTypeV);
    }

    public Deployment withCache(CacheType k, CacheType v) {
        return copy(name, quant, node, context, k, v);
    }

    /**
     * The same deployment under another name, on {@code other}: the same machine under another name (for work shared by
     * deployments alike but for their names).
     */
    public Deployment renamed(String otherName, Node other) {
        return copy(otherName, quant, other, context, cacheTypeK, cacheTypeV);
    }

    public Deployment on(Node other) {
        return copy(name, quant, other, context, cacheTypeK, cacheTypeV);
    }

    /**
     * The same deployment with the parts a no-fit alternative changes (file, node, context, cache types) or a name; the
     * layout pins hold on the same hardware only.
     */
    private Deployment copy(String named, QuantFile q, Node n, OptionalLong ctx, CacheType k, CacheType v) {
        return new Deployment(
                named,
                model,
                q,
                n,
                ctx,
                k,
                v,
                flashAttn,
                parallel,
                batchSize,
                ubatchSize,
                thinking,
                port,
                metrics,
                n.hardwareSlug().equals(node.hardwareSlug()) ? pins : LayoutPins.NONE,
                kvUnified,
                vision,
                draft);
    }
}
