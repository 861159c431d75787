package eu.prositronic.core.fit;

import eu.prositronic.core.catalog.Architecture;
import eu.prositronic.core.catalog.LayerKind;
import eu.prositronic.core.inventory.CacheType;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The compute buffer llama.cpp reserves: ggml-alloc's high-water mark over the worst-case graph of {@code
 * sched_reserve} (llama-context.cpp: {@code n_tokens = min(n_ctx, n_ubatch)}, {@code n_seqs = n_seq_max}, {@code
 * n_outputs = min(n_tokens, n_outputs_max)}). Buffers are reused between layers, so it is the largest stage that is
 * live at once, not a sum over layers. For the families with one attention and one FFN or MoE block per layer that
 * stage is a closed formula per family (llama, qwen3moe, gpt-oss); where the holes ggml-alloc leaves decide the mark
 * (Qwen3.5's hybrid graph, Gemma 3 without flash attention at several slots), {@link Qwen35Graph} and {@link
 * Gemma3Graph} replay ggml-alloc over the graph's tensors instead. The stages and their sizes were read from the graph builders and are checked
 * against llama.cpp v0.5.0 by RecordedLlamaCppTest: the Qwen3.5 contexts of tools/llama-measure/results/qwen35-cpu.jsonl
 * (log lines; {@code node analyze.mjs} prints the fit) and, in exact bytes from ctxprobe, 45 contexts of every catalog
 * model (results/&lt;arch&gt;-cpu.jsonl, qwen35-ctxprobe-cpu.jsonl; docs/fit-engine.md, "Accuracy per family on CPU").
 *
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-context.cpp#L630-L676">src/llama-context.cpp L630-L676</a>
 */
final class ComputeModel {
    /** The families with one attention block and one FFN or MoE block per layer, modelled by stages. */
    private static final Set<String> FAMILIES = Set.of("llama", "qwen3moe", "gpt-oss");

    /** What a replay depends on; the planner asks for the same graph many times (context search, alternatives). */
    private record Replay(
            Architecture a,
            long tokens,
            int seqs,
            long outputs,
            int rsSeq,
            boolean flashAttn,
            CacheType k,
            CacheType v,
            long nKv,
            long swaKv) {}

    private static final Map<Replay, Long> REPLAYS = new ConcurrentHashMap<>();

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
        return graphBytes(s, nKv, withOutput, false);
    }

    /**
     * The graph buffer on a GPU ({@code gpu}) or on the CPU backend: the same stages, less {@link
     * #cpuBackendOnlyBytesPerToken} on a GPU.
     */
    long graphBytes(RunSettings s, long nKv, boolean withOutput, boolean gpu) {
        // Qwen3.5 and Gemma 3: ggml-alloc's placement over the graph, replayed (the holes decide its high-water mark)
        if (!FAMILIES.contains(a.ggufArchitecture())) {
            boolean gemma = a.ggufArchitecture().equals("gemma3");
            long swaKv = gemma ? new MemoryModel(a, null).kvCellsPerStream(s, LayerKind.SLIDING) : 0;
            // With flash attention the KV width only sizes the masks, inputs allocated first and kept below every
            // block's tensors: the mark moves by their bytes, so one replay (without masks) serves every context.
            boolean fa = s.flashAttn();
            Replay key = new Replay(
                    a,
                    s.graphTokens(),
                    s.nSeq(),
                    s.graphOutputs(),
                    s.nRsSeq(),
                    fa,
                    s.cacheTypeK(),
                    s.cacheTypeV(),
                    fa ? 0 : nKv,
                    fa ? 0 : swaKv);
            Long known = REPLAYS.get(key);
            long blocks;
            if (known != null) {
                blocks = known;
            } else {
                blocks = gemma
                        ? new Gemma3Graph(a).bytes(s, key.nKv(), key.swaKv(), false)
                        : new Qwen35Graph(a).bytes(s, key.nKv(), false);
                if (REPLAYS.size() > 100_000) {
                    REPLAYS.clear();
                }
                REPLAYS.put(key, blocks);
            }
            if (fa) {
                blocks += LlamaCpp.MASK_BYTES_FA * (nKv + swaKv) * GraphInputs.tokens(s);
            }
            if (!withOutput) {
                return blocks;
            }
            return Math.max(blocks, GraphInputs.outputStage(a, s));
        }
        long t = s.graphTokens();
        long embd = a.embeddingLength();
        // KQ mask, live until the last attention layer: F16 with flash attention, F32 without
        // (llama-graph.cpp build_attn_inp_kq_mask); sliding-window models have a second mask over the SWA cache
        // (build_attn_inp_kv_iswa), as wide as that cache's stream
        // https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-graph.cpp#L29-L45
        long maskBytes = s.flashAttn() ? LlamaCpp.MASK_BYTES_FA : LlamaCpp.MASK_BYTES_NO_FA;
        long swaKv = a.attention().layerPattern().contains(LayerKind.SLIDING)
                ? new MemoryModel(a, null).kvCellsPerStream(s, LayerKind.SLIDING)
                : 0;
        long mask = maskBytes * (nKv + swaKv) * t;
        long graph = mask + (familyBodyPerToken(s) - (gpu ? cpuBackendOnlyBytesPerToken(s) : 0)) * t;
        if (!s.flashAttn()) {
            // without flash attention the F32 KQ scores of one full-attention layer: n_head × n_kv × n_tokens, plus
            // Q, K, V and the projections (llama-graph.cpp build_attn_mha: ggml_mul_mat(k, q), ggml_soft_max_ext);
            // the sliding layers' scores are narrower and reuse the same block
            // https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-graph.cpp#L2670-L2706
            var at = a.attention();
            long q = (long) at.headCount() * at.keyLength();
            long kv = (long) at.headCountKv() * at.keyLength();
            // Q, K, V and the projections a token beside its scores; for the measured families (tools/llama-measure
            // results/<arch>-cpu.jsonl, exact for every size at one slot): llama 2·Q + 3·E + 2·KV, qwen3moe 3·Q + 6·KV,
            // gpt-oss 3·Q + 2·E (within 4 %)
            long rows =
                    switch (a.ggufArchitecture()) {
                        case "llama" -> 2 * q + 3 * embd + 2 * kv;
                        case "qwen3moe" -> 3 * q + 6 * kv;
                        case "gpt-oss" -> 3 * q + 2 * embd;
                        default -> throw new IllegalStateException(a.ggufArchitecture());
                    };
            long attention = 4L * (nKv + swaKv) * t + 4L * at.headCount() * nKv * t + 4L * rows * t;
            graph = Math.max(graph, attention);
        }
        if (withOutput) {
            // logits F32 plus the final norm: 4 × n_outputs × (n_vocab + 3 n_embd) (build_lora_mm(model.output, cur))
            // https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/models/llama.cpp#L240-L240
            graph = Math.max(graph, 4L * s.graphOutputs() * (a.vocabSize() + 3L * embd));
        }
        return graph;
    }

    /**
     * Bytes per ubatch token of the largest stage besides the masks, for the families whose graph is one attention
     * block and one FFN or MoE block per layer. Measured with llama.cpp v0.5.0 (tools/llama-measure ctxprobe, exact
     * bytes; results/&lt;arch&gt;-cpu.jsonl, 45 contexts per model) and exact there for every catalog size with flash
     * attention: the compute buffer is {@code A·t + 2·t·(n_kv + n_kv_swa)} with A constant per model to the byte (a
     * quantized K cache adds 64–544 KiB once). What A holds, per graph builder:
     *
     * <ul>
     *   <li>llama (src/models/llama.cpp): the SwiGLU FFN's gate, up and product plus three residual-stream rows, F32,
     *       {@code 4·(3·n_ff + 3·n_embd)}; with flash attention and an unquantized V cache one more row of {@code
     *       n_embd} (a hole best fit leaves; measured for the 8B and the 70B, and with mixed caches: f16 K with q4_0 V
     *       has no such row, q8_0 K with f16 V has it), so {@code 4·(3·n_ff + 4·n_embd)};
     *   <li>qwen3moe (src/models/qwen3moe.cpp, llama-graph.cpp build_moe_ffn): the selected experts' rows {@code
     *       k·n_embd}, their gate/up/product {@code 3·k·n_ff_exp}, and five residual-stream rows;
     *   <li>gpt-oss (src/models/openai-moe.cpp, build_moe_ffn with biases, LLM_FFN_SWIGLU_OAI_MOE): the selected
     *       experts' up and gate outputs with their bias sums {@code 4·k·n_ff_exp} (ggml_add_id makes new tensors),
     *       plus 4,880 bytes a token measured and not attributed (the same for the 20B's 32 and the 120B's 128
     *       experts).
     * </ul>
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-graph.cpp#L1993-L2359">src/llama-graph.cpp build_moe_ffn L1993-L2359</a>
     */
    private long familyBodyPerToken(RunSettings s) {
        long e = a.embeddingLength();
        long ff = a.feedForwardLength();
        var at = a.attention();
        return switch (a.ggufArchitecture()) {
            case "llama" ->
                4L * (3L * ff + 3L * e + (s.flashAttn() && !s.cacheTypeV().quantized() ? e : 0));
            case "qwen3moe" -> {
                var m = a.moe().orElseThrow();
                long k = m.expertUsedCount();
                yield 4L * (k * e + 3L * k * m.expertFeedForwardLength() + 5L * e) - oneRotationBytesPerToken(s);
            }
            case "gpt-oss" -> {
                var m = a.moe().orElseThrow();
                yield 4L * 4L * m.expertUsedCount() * m.expertFeedForwardLength()
                        + GPT_OSS_UNATTRIBUTED
                        - oneRotationBytesPerToken(s);
            }
            default -> throw new IllegalStateException(a.ggufArchitecture());
        };
    }

    /**
     * The MoE families (qwen3moe, gpt-oss) with flash attention when exactly one of K and V is Hadamard-rotated: the
     * hole of the attention's output is gone, {@code 4·(n_head·n_embd_head_v − 2·n_expert)} bytes a token. A quantized K
     * cache turns on {@code attn_rot_k} (Q_cur and K_cur rotated before the store), a quantized V {@code attn_rot_v}
     * (V_cur rotated before the store, kqv_out after flash attention); each needs a head size that is a multiple of 64.
     * Without a rotation, or with both, flash attention's output (F32 {@code n_head·n_embd_head_v} a token) lies
     * low and the output projection (wo) is placed above it; when it is freed, only the router's probabilities and
     * their argsort (two F32/I32 rows of {@code n_expert}) go into its hole, and the MoE stage sits above the
     * projection, so the family formulas count the hole. With one rotation the extra tensors change best fit's
     * order, the projection lands in the low hole and the MoE stage is that much lower. Traced with ggml-alloc's
     * GGML_ALLOCATOR_DEBUG (tools/llama-measure build-ctxprobe-trace.sh, f16/f16 against f16/q4_0, q8_0/f16 and
     * q4_0/f16, flash attention on): exact to the byte for Qwen3 30B-A3B (15,360 B a token), gpt-oss 20B (16,128)
     * and 120B (15,360) at ubatch 64 to 2,048, 1 to 4 slots, 4,096 to 131,072 tokens, less the rotation matrices
     * ({@code attn_inp_k_rot}, {@code attn_inp_v_rot}, 16–64 KiB, not counted here as with equal cache types).
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-kv-cache.cpp#L321-L338">src/llama-kv-cache.cpp attn_rot_k, attn_rot_v L321-L338</a>
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-graph.cpp#L2866-L2904">src/llama-graph.cpp build_attn, the rotations L2866-L2904</a>
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-graph.cpp#L3104-L3159">src/llama-graph.cpp build_attn (iSWA, gpt-oss), the rotations L3104-L3159</a>
     */
    private long oneRotationBytesPerToken(RunSettings s) {
        var at = a.attention();
        boolean rotK = GraphInputs.rotatesK(a, s);
        boolean rotV = GraphInputs.rotatesV(a, s);
        long nExpert = a.moe().orElseThrow().expertCount();
        return s.flashAttn() && rotK != rotV ? 4L * ((long) at.headCount() * at.valueLength() - 2L * nExpert) : 0;
    }

    /** gpt-oss: bytes per ubatch token above the experts' four rows, measured (see familyBodyPerToken). */
    private static final long GPT_OSS_UNATTRIBUTED = 4_880;

    /**
     * What the CPU backend's run of the graph holds per ubatch token beyond a GPU's: Llama's one row of {@code
     * n_embd} with flash attention and an unquantized V cache (familyBodyPerToken, measured on the CPU and not attributed to
     * a tensor). A GPU holds the three rows: the public CUDA log of Llama 3.1 8B Q4_0 (ctx 32768, ubatch 512) shows
     * 140 MiB of compute with every layer on the GPU, {@code 4·(3·n_ff + 3·n_embd)·T + 2·n_kv·T} to the MiB, and so
     * does a CPU build at the pin with an RPC device as the GPU (140.01 MiB; gpu-public-logs.md, "RPC device").
     */
    private long cpuBackendOnlyBytesPerToken(RunSettings s) {
        return a.ggufArchitecture().equals("llama")
                        && s.flashAttn()
                        && !s.cacheTypeV().quantized()
                ? 4L * a.embeddingLength()
                : 0;
    }
}
