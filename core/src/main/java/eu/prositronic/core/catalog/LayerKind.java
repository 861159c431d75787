package eu.prositronic.core.catalog;

import java.util.List;
import java.util.Locale;

/**
 * What a transformer block holds for its sequence memory. llama.cpp gives KV cache only to attention layers ({@code
 * filter_attn = !is_recr(il)} in src/llama-model.cpp create_memory) and a fixed-size recurrent state to the others.
 */
public enum LayerKind {
    /** Full attention: KV cache over the whole context. */
    FULL,
    /** Sliding-window attention: KV cache over the window only (llama-kv-cache-iswa.cpp). */
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
