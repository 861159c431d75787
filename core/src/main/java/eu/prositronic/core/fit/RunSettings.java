package eu.prositronic.core.fit;

import eu.prositronic.core.inventory.CacheType;
import eu.prositronic.core.units.Bytes;

/**
 * The llama-server settings that decide its memory, resolved (flash attention is on or off, the context is a number).
 *
 * @param nCtx total context ({@code --ctx-size}), a multiple of 256
 * @param kvUnified one KV stream shared by all slots ({@code --kv-unified}); llama-server's default for an explicit
 *     {@code --parallel} is one stream per slot
 * @param nRsSeq recurrent-state snapshots kept per sequence for speculative decoding (0 without MTP drafting)
 * @param nOutputsMax outputs the graph is reserved for: llama-server reserves {@code min(n_batch, n_parallel × (1 +
 *     n_draft))} ({@code server_output_limits()}, tools/server/server-context.cpp; {@code n_batch} for embedding
 *     servers), which is one per slot without speculative decoding; the library default is {@code n_batch}
 *     (src/llama-context.cpp)
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/tools/server/server.cpp#L156-L161">tools/server/server.cpp L156-L161</a>
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/tools/server/server-context.cpp#L41-L53">tools/server/server-context.cpp L41-L53</a>
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-context.cpp#L250-L252">src/llama-context.cpp L250-L252</a>
 */
public record RunSettings(
        long nCtx,
        int nUbatch,
        int nBatch,
        int nSeq,
        CacheType cacheTypeK,
        CacheType cacheTypeV,
        boolean flashAttn,
        boolean kvUnified,
        int nRsSeq,
        int ctxCheckpoints,
        Bytes cacheRam,
        int nOutputsMax) {

    /** llama-server's settings: one output per slot ({@code server_output_limits()} without speculative decoding). */
    public static RunSettings server(
            long nCtx,
            int nUbatch,
            int nBatch,
            int nSeq,
            CacheType k,
            CacheType v,
            boolean flashAttn,
            int ctxCheckpoints,
            Bytes cacheRam) {
        return new RunSettings(nCtx, nUbatch, nBatch, nSeq, k, v, flashAttn, false, 0, ctxCheckpoints, cacheRam, nSeq);
    }

    public RunSettings withContext(long ctx) {
        return new RunSettings(
                ctx,
                nUbatch,
                nBatch,
                nSeq,
                cacheTypeK,
                cacheTypeV,
                flashAttn,
                kvUnified,
                nRsSeq,
                ctxCheckpoints,
                cacheRam,
                nOutputsMax);
    }

    /**
     * Tokens of the worst-case graph llama.cpp reserves: {@code min(n_ctx, n_ubatch)} (llama-context.cpp sched_reserve).
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-context.cpp#L631-L631">src/llama-context.cpp L631</a>
     */
    public long graphTokens() {
        return Math.min(nCtx, nUbatch);
    }

    /**
     * Outputs of the worst-case graph: {@code min(n_tokens, n_outputs_max)} (llama-context.cpp sched_reserve).
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-context.cpp#L672-L672">src/llama-context.cpp L672</a>
     */
    public long graphOutputs() {
        return Math.min(graphTokens(), nOutputsMax);
    }
}
