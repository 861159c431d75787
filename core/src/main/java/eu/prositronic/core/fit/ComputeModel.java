package eu.prositronic.core.fit;

import eu.prositronic.core.catalog.Architecture;
import eu.prositronic.core.catalog.LayerKind;

/**
 * The compute buffer llama.cpp reserves: ggml-alloc's high-water mark over the worst-case graph of {@code
 * sched_reserve} (llama-context.cpp: {@code n_tokens = min(n_ctx, n_ubatch)}, {@code n_seqs = n_seq_max}, {@code
 * n_outputs = min(n_tokens, n_outputs_max)}). Buffers are reused between layers, so it is the largest stage that is
 * live at once, not a sum over layers. The stages and their sizes were read from the graph builders and are checked
 * against the 1,278 contexts logged by llama.cpp v0.5.0 that RecordedLlamaCppTest replays (of the 1,342 lines of
 * tools/llama-measure/results/qwen35-cpu.jsonl it skips the 16 contexts llama.cpp refused and the 48 with automatic
 * slots; {@code node analyze.mjs} prints the fit).
 *
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-context.cpp#L630-L676">src/llama-context.cpp L630-L676</a>
 */
final class ComputeModel {
    private final Architecture a;

    ComputeModel(Architecture a) {
        this.a = a;
    }

    /**
     * Bytes of the graph buffer of a device that runs the layers; with {@code withOutput} also the output projection.
     *
     * @param nKv KV cells of one stream ({@code n_ctx_seq}): the width of the KQ mask
     */
    long graphBytes(RunSettings s, long nKv, boolean withOutput) {
        long t = s.graphTokens();
        long embd = a.embeddingLength();
        // KQ mask, live until the last attention layer: F16 with flash attention, F32 without
        // (llama-graph.cpp build_attn_inp_kq_mask)
        // https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-graph.cpp#L29-L45
        long mask = (s.flashAttn() ? LlamaCpp.MASK_BYTES_FA : LlamaCpp.MASK_BYTES_NO_FA) * nKv * t;
        long convDim = a.ssm()
                .map(x -> 2L * x.groupCount() * x.stateSize() + x.innerSize())
                .orElse(0L);
        // dense FFN (gate, up, down) or the linear-attention input projections, F32 (qwen35.cpp build_layer_ffn)
        // https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/models/qwen35.cpp#L470-L483
        long perToken = 4L * (3L * Math.max(a.feedForwardLength(), convDim) + 3L * embd);
        if (a.moe().isPresent()) {
            // routed experts: the selected experts' gate/up/down activations (llama-graph.cpp build_moe_ffn)
            // https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-graph.cpp#L1993-L2359
            var m = a.moe().get();
            long k = m.expertUsedCount();
            perToken = Math.max(perToken, 4L * (k * embd + 3L * k * m.expertFeedForwardLength() + 4L * embd));
        }
        long body = perToken * t;
        if (a.ssm().isPresent() && a.attention().layerPattern().contains(LayerKind.RECURRENT)) {
            // gated delta net: conv input, q/k/v and the state read and written (delta-net-base.cpp)
            // https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/models/delta-net-base.cpp#L449-L606
            var x = a.ssm().get();
            long gdn = 4L * (2L * convDim + x.innerSize() + 3L * embd) * t;
            long nEmbdR = (long) (x.convKernel() - 1) * convDim;
            long nEmbdS = (long) x.stateSize() * x.innerSize();
            gdn += 8L * (nEmbdR + nEmbdS) * s.nSeq();
            body = Math.max(body, gdn);
        }
        long graph = mask + body;
        if (!s.flashAttn()) {
            // without flash attention the F32 KQ scores of one layer: n_head × n_kv × n_tokens, plus Q, K, V and the
            // projections (llama-graph.cpp build_attn_mha: ggml_mul_mat(k, q), ggml_soft_max_ext)
            // https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-graph.cpp#L2670-L2706
            var at = a.attention();
            long hd = at.keyLength();
            long attention = 4L * nKv * t
                    + 4L * at.headCount() * nKv * t
                    + 4L
                            * (3L * at.headCount() * hd
                                    + 3L * embd
                                    + 2L * at.headCountKv() * hd
                                    + (a.isMoe() ? embd : 0))
                            * t;
            graph = Math.max(graph, attention);
        }
        if (withOutput) {
            // logits F32 plus the final norm: 4 × n_outputs × (n_vocab + 3 n_embd) (build_lora_mm(model.output, cur))
            // https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/models/qwen35.cpp#L219-L219
            graph = Math.max(graph, 4L * s.graphOutputs() * (a.vocabSize() + 3L * embd));
        }
        return graph;
    }
}
