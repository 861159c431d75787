package eu.prositronic.core.fit;

import eu.prositronic.core.catalog.Architecture;
import eu.prositronic.core.catalog.LayerKind;
import eu.prositronic.core.catalog.ModelSpec.QuantFile;
import eu.prositronic.core.ggml.GgmlType;
import eu.prositronic.core.ggml.QuantMix;
import eu.prositronic.core.units.Bytes;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a GGUF's bytes are: the token embedding, the output projection and each block, with the routed-expert part of
 * each block apart (what {@code --n-cpu-moe} moves). Parameter counts come from the tensor shapes llama.cpp creates in
 * src/llama-model.cpp load_tensors; the file's bytes are spread over the blocks in proportion to their parameters after
 * the embedding and output are taken out at the types of {@link QuantMix}. The blocks' bytes therefore add up to the
 * published file size exactly; the split between blocks is computed, not read from a tensor table.
 *
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-model.cpp#L1561-L1564">src/llama-model.cpp L1561-L1564</a>
 */
public record WeightModel(
        Bytes tokenEmbedding,
        Bytes output,
        List<Bytes> blocks,
        List<Bytes> blockExperts,
        long activeParamsPerToken,
        Types types) {

    /**
     * The weights' ggml types as far as placement needs them: a block's dense tensors, its routed experts and the
     * output projection (QuantMix); the CPU backend repacks by type (CpuRepack).
     */
    public record Types(GgmlType dense, GgmlType experts, GgmlType output) {
        static Types of(String quant) {
            return new Types(QuantMix.denseType(quant), QuantMix.baseType(quant), QuantMix.outputType(quant));
        }
    }

    /** GGUF header, metadata and tokenizer (about 40 bytes a vocabulary entry: token, score, type, merges). */
    static long metadataBytes(Architecture a) {
        return 40L * a.vocabSize() + 1_000_000L;
    }

    public static WeightModel of(Architecture a, QuantFile q) {
        if (q.tensors().isPresent() && q.tensors().get().blocks().size() == a.allLayers()) {
            return exact(a, q.tensors().get(), Types.of(q.quant()));
        }
        long embdParams = (long) a.vocabSize() * a.embeddingLength();
        Bytes tokenEmbd = Bytes.of(
                Math.round(embdParams * QuantMix.tokenEmbeddingBitsPerWeight(q.quant(), a.tiedEmbeddings()) / 8));
        // Tied models load token_embd a second time as the output (TENSOR_DUPLICATED, src/llama-model-loader.cpp).
        // https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-model-loader.cpp#L1370-L1389
        Bytes output = a.tiedEmbeddings()
                ? tokenEmbd
                : Bytes.of(Math.round(embdParams * QuantMix.outputBitsPerWeight(q.quant()) / 8));
        long inFile =
                q.size().value() - tokenEmbd.value() - (a.tiedEmbeddings() ? 0 : output.value()) - metadataBytes(a);
        List<long[]> params = new ArrayList<>(); // {all, routed experts}
        long sum = 0;
        for (int il = 0; il < a.allLayers(); il++) {
            long[] p = blockParams(a, il);
            params.add(p);
            sum += p[0];
        }
        List<Bytes> blocks = new ArrayList<>();
        List<Bytes> experts = new ArrayList<>();
        long active = 0;
        for (int il = 0; il < a.allLayers(); il++) {
            long[] p = params.get(il);
            double bytesPerParam = Math.max(0, inFile) / (double) sum;
            blocks.add(Bytes.of(Math.round(p[0] * bytesPerParam)));
            experts.add(Bytes.of(Math.round(p[1] * bytesPerParam)));
            if (il < a.blockCount()) {
                long routed = p[1];
                long used = a.moe()
                        .map(m -> routed / m.expertCount() * m.expertUsedCount())
                        .orElse(0L);
                active += p[0] - routed + used;
            }
        }
        active += embdParams; // the output projection is a full matmul per token
        return new WeightModel(
                tokenEmbd, output, List.copyOf(blocks), List.copyOf(experts), active, Types.of(q.quant()));
    }

    /** The GGUF's own tensor table, as prositronic:import recorded it: no estimate involved. */
    static WeightModel exact(Architecture a, eu.prositronic.core.catalog.ModelSpec.TensorLayout t, Types types) {
        long active = (long) a.vocabSize() * a.embeddingLength();
        for (int il = 0; il < a.blockCount(); il++) {
            long[] p = blockParams(a, il);
            long routed = p[1];
            active += p[0]
                    - routed
                    + a.moe()
                            .map(m -> routed / m.expertCount() * m.expertUsedCount())
                            .orElse(0L);
        }
        return new WeightModel(t.tokenEmbedding(), t.output(), t.blocks(), t.blockExperts(), active, types);
    }

    /** Parameters of block {@code il}: {all, routed-expert part}. */
    static long[] blockParams(Architecture a, int il) {
        long e = a.embeddingLength();
        Architecture.Attention at = a.attention();
        long p = 2 * e; // attn_norm + ffn (post-attention) norm
        LayerKind kind = a.layerKind(il);
        if (kind == LayerKind.RECURRENT && a.ssm().isPresent()) {
            // Gated DeltaNet (src/models/qwen35.cpp load_arch_tensors): in_proj_qkv, in_proj_z, in_proj_ba (beta,
            // alpha), conv1d, dt_bias, A_log, norm, out_proj.
            // https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/models/qwen35.cpp#L75-L85
            Architecture.Ssm s = a.ssm().get();
            long keyDim = (long) s.stateSize() * s.groupCount();
            long valueDim = s.innerSize();
            long conv = 2 * keyDim + valueDim;
            p += e * conv
                    + e * valueDim
                    + e * 2L * s.timeStepRank()
                    + conv * s.convKernel()
                    + 2L * s.timeStepRank()
                    + s.stateSize()
                    + valueDim * e;
        } else {
            boolean gatedQ = a.ggufArchitecture().startsWith("qwen35")
                    || a.ggufArchitecture().equals("qwen3next");
            long q = (long) at.headCount() * at.keyLength() * (gatedQ ? 2 : 1);
            long k = (long) at.headCountKv() * at.keyLength();
            long v = (long) at.headCountKv() * at.valueLength();
            long o = (long) at.headCount() * at.valueLength();
            p += e * (q + k + v) + o * e + (hasQkNorm(a) ? 2L * at.keyLength() : 0);
            if (isGptOss(a)) {
                // q, k, v and o biases and the attention sinks (src/models/openai-moe.cpp load_arch_tensors)
                // https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/models/openai-moe.cpp#L36-L54
                p += q + k + v + e + at.headCount();
            }
        }
        long routed = 0;
        if (a.moe().isPresent()) {
            Architecture.Moe m = a.moe().get();
            routed = 3L * e * m.expertFeedForwardLength() * m.expertCount();
            if (isGptOss(a)) {
                // gate/up/down expert biases, and the router's bias
                routed += (2L * m.expertFeedForwardLength() + e) * m.expertCount();
                p += m.expertCount();
            }
            p += e * m.expertCount() + routed; // router + experts
            if (m.sharedExpertFeedForwardLength() > 0) {
                p += 3L * e * m.sharedExpertFeedForwardLength() + e; // shared expert + its gate
            }
        } else {
            p += 3L * e * a.feedForwardLength();
        }
        if (il >= a.blockCount()) {
            // MTP/NextN: eh_proj and its norms (src/models/qwen35.cpp)
            // https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/models/qwen35.cpp#L110-L115
            p += 2L * e * e + 2 * e;
        }
        return new long[] {p, routed};
    }

    /**
     * Whether the family's attention blocks have {@code attn_q_norm} and {@code attn_k_norm}: Qwen3, Qwen3.5 and Gemma
     * 3 do; Llama and gpt-oss do not (src/models/llama.cpp, src/models/openai-moe.cpp).
     */
    static boolean hasQkNorm(Architecture a) {
        String g = a.ggufArchitecture();
        return !g.equals("llama") && !g.equals("gpt-oss");
    }

    private static boolean isGptOss(Architecture a) {
        return a.ggufArchitecture().equals("gpt-oss");
    }

    /** Parameters of the text model, for the catalog's consistency check. */
    public static long totalParams(Architecture a) {
        long embd = (long) a.vocabSize() * a.embeddingLength();
        long sum = embd * (a.tiedEmbeddings() ? 1 : 2) + a.embeddingLength(); // + output_norm
        for (int il = 0; il < a.blockCount(); il++) {
            sum += blockParams(a, il)[0];
        }
        return sum;
    }

    public Bytes block(int il) {
        return blocks.get(il);
    }

    public Bytes blocksTotal() {
        return blocks.stream().reduce(Bytes.ZERO, Bytes::plus);
    }
}
