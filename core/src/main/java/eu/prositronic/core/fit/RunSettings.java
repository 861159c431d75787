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
 * @param ctxCheckpoints the most context checkpoints a slot may keep ({@code --ctx-checkpoints} as asked; what is
 *     passed and kept is {@link #checkpointsPerSlot()})
 * @param nDraft tokens drafted per step by speculative decoding ({@code --spec-draft-n-max}), 0 without
 * @param mtp drafting with the model's own MTP/NextN layers ({@code --spec-type draft-mtp}): only then does llama.cpp
 *     load those layers
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
        int nOutputsMax,
        int nDraft,
        boolean mtp) {

    /** Without speculative decoding. */
    public RunSettings(
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
        this(
                nCtx,
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
                nOutputsMax,
                0,
                false);
    }

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
                nOutputsMax,
                nDraft,
                mtp);
    }

    /** One KV stream for all slots ({@code --kv-unified}) or one per slot. */
    public RunSettings withKvUnified(boolean unified) {
        return new RunSettings(
                nCtx,
                nUbatch,
                nBatch,
                nSeq,
                cacheTypeK,
                cacheTypeV,
                flashAttn,
                unified,
                nRsSeq,
                ctxCheckpoints,
                cacheRam,
                nOutputsMax,
                nDraft,
                mtp);
    }

    /**
     * Speculative decoding with a draft model drafting {@code n} tokens a step ({@code --spec-type draft-simple}): the
     * target's graph is reserved for {@code min(n_batch, n_parallel × (1 + n))} outputs ({@code server_output_limits},
     * {@code common_speculative_get_output_limits}); a draft model keeps no recurrent snapshots ({@code
     * need_n_rs_seq()} is 0 for draft-simple). 0 = none.
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/tools/server/server-context.cpp#L41-L53">tools/server/server-context.cpp L41-L53</a>
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/common/common.h#L394-L400">common/common.h L394-L400 (need_n_rs_seq)</a>
     */
    public RunSettings withDraft(int n) {
        return new RunSettings(
                nCtx,
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
                (int) Math.min(nBatch, (long) nSeq * (1 + n)),
                n,
                mtp);
    }

    /** The prompt cache's limit ({@code --cache-ram}) and the checkpoints a slot may keep. */
    public RunSettings withServerCaches(Bytes ram, int checkpoints) {
        return new RunSettings(
                nCtx,
                nUbatch,
                nBatch,
                nSeq,
                cacheTypeK,
                cacheTypeV,
                flashAttn,
                kvUnified,
                nRsSeq,
                checkpoints,
                ram,
                nOutputsMax,
                nDraft,
                mtp);
    }

    /** The context each slot gets: all of it with one unified KV stream, else an equal part. */
    public long ctxPerSlot() {
        return kvUnified ? nCtx : nCtx / nSeq;
    }

    /**
     * The context checkpoints a slot keeps, and so the {@code --ctx-checkpoints} passed: at most the limit asked, and
     * no more than the spacing rule makes over one slot's whole context. llama-server creates an ordinary checkpoint
     * only {@code checkpoint_min_step} (8192) tokens after the previous one, plus up to three near a prompt's end (at
     * the last user message and {@code 4 + n_ubatch} and 4 tokens before the end); more would only hold near
     * duplicates. With the limit passed, llama-server evicts the oldest beyond it, so the memory is bounded by it.
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/tools/server/server-context.cpp#L3550-L3634">tools/server/server-context.cpp L3550-L3634</a>
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/tools/server/server-context.cpp#L2309-L2340">tools/server/server-context.cpp L2309-L2340 (create_checkpoint: evicts beyond the limit)</a>
     */
    public int checkpointsPerSlot() {
        long spaced = ctxPerSlot() / LlamaCpp.CHECKPOINT_MIN_STEP + LlamaCpp.CHECKPOINTS_NEAR_PROMPT_END;
        return (int) Math.min(ctxCheckpoints, spaced);
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
