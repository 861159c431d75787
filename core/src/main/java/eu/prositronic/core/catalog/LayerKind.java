package eu.prositronic.core.catalog;

import java.util.List;
import java.util.Locale;

/**
 * What a transformer block holds for its sequence memory. llama.cpp gives KV cache only to attention layers ({@code
 * filter_attn = !is_recr(il)} in src/llama-model.cpp create_memory; for qwen35 {@code il < n_layer() && !is_recr(il)},
 * so MTP/NextN layers get none in the main context either; applied in the llama_kv_cache constructor,
 * src/llama-kv-cache.cpp) and a fixed-size recurrent state to the others.
 *
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-model.cpp#L2576-L2582">src/llama-model.cpp L2576-L2582</a>
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-kv-cache.cpp#L171-L174">src/llama-kv-cache.cpp L171-L174</a>
 */
public enum LayerKind {
    /** Full attention: KV cache over the whole context. */
    FULL,
    /**
     * Sliding-window attention: KV cache over the window only (llama-kv-cache-iswa.cpp).
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-kv-cache-iswa.cpp#L69-L81">src/llama-kv-cache-iswa.cpp L69-L81</a>
     */
    SLIDING,
    /** Linear attention / SSM (e.g. Gated DeltaNet): recurrent state, no KV cache. */
    RECURRENT;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static List<String> keys() {
        return List.of("full", "sliding", "recurrent");
    }
}
