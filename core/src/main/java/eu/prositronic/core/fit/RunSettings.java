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
 * @param nOutputsMax outputs the graph is reserved for: llama-server reserves one per slot ({@code
 *     server_n_outputs_max}, tools/server), the library default is {@code n_batch}
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

    /** llama-server's settings: one output per slot. */
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

    /** Tokens of the worst-case graph llama.cpp reserves: {@code min(n_ctx, n_ubatch)} (llama-context.cpp sched_reserve). */
    public long graphTokens() {
        return Math.min(nCtx, nUbatch);
    }

    /** Outputs of the worst-case graph: {@code min(n_tokens, n_outputs_max)} (llama-context.cpp sched_reserve). */
    public long graphOutputs() {
        return Math.min(graphTokens(), nOutputsMax);
    }
}
