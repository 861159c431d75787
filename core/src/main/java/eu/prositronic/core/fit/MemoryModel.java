package eu.prositronic.core.fit;

import eu.prositronic.core.catalog.Architecture;
import eu.prositronic.core.catalog.LayerKind;
import eu.prositronic.core.units.Bytes;
import java.util.ArrayList;
import java.util.List;

/**
 * Pure arithmetic of llama-server's memory per device for one model, settings and layout. Each term names the
 * llama.cpp code it mirrors; see docs/fit-engine.md for the whole model with a worked example.
 */
public final class MemoryModel {
    private final Architecture arch;
    private final WeightModel weights;
    private final ComputeModel compute;

    public MemoryModel(Architecture arch, WeightModel weights) {
        this.arch = arch;
        this.weights = weights;
        this.compute = new ComputeModel(arch);
    }

    public Architecture architecture() {
        return arch;
    }

    public WeightModel weights() {
        return weights;
    }

    /** The -ngl count that offloads everything: all blocks plus the output layer. */
    public int allUnits() {
        return arch.allLayers() + 1;
    }

    /**
     * Memory per device: the GPUs first (in the order of {@code gpuIds}), then the host as kind CPU.
     *
     * @param gpuRuntime what a GPU process costs beyond llama.cpp's buffers (driver context, libraries)
     * @param hostRuntime what the process costs on the host beyond its buffers
     */
    public List<DeviceMemory> devices(
            RunSettings s,
            Layout layout,
            List<String> gpuIds,
            List<Bytes> gpuCapacity,
            Bytes hostCapacity,
            Bytes gpuRuntime,
            Bytes hostRuntime) {
        int nGpu = gpuIds.size();
        int units = allUnits();
        int ngl = nGpu == 0 ? 0 : Math.min(layout.gpuLayers(), units);
        // i_gpu_start, src/llama-model.cpp load_tensors
        // https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-model.cpp#L1521-L1522
        int gpuStart = units - ngl;
        long[] w = new long[nGpu + 1];
        long[] kv = new long[nGpu + 1];
        long[] rs = new long[nGpu + 1];
        boolean[] holdsLayers = new boolean[nGpu + 1];
        int host = nGpu;

        // The input layer never leaves the host: token_embd is CPU_Mapped (load_tensors, "input layer").
        // https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-model.cpp#L1535-L1537
        w[host] += weights.tokenEmbedding().value();
        for (int il = 0; il < arch.allLayers(); il++) {
            int dev = il < gpuStart ? host : gpuOf(il - gpuStart, ngl, layout.split(), nGpu);
            long block = weights.block(il).value();
            long experts = weights.blockExperts().get(il).value();
            if (dev != host && il < layout.nCpuMoe()) {
                // --n-cpu-moe: blk.<il>.ffn_*_exps stay in host memory (common/arg.cpp, override-tensor rule)
                // https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/common/arg.cpp#L2762-L2771
                w[dev] += block - experts;
                w[host] += experts;
            } else {
                w[dev] += block;
            }
            holdsLayers[dev] = true;
            kv[dev] += kvBytesOfLayer(il, s);
            rs[dev] += recurrentBytesOfLayer(il, s);
        }
        int outDev = ngl >= 1 ? gpuOf(ngl - 1, ngl, layout.split(), nGpu) : host;
        w[outDev] += weights.output().value();
        if (weights.cpuRepack()) {
            // the CPU backend keeps a repacked copy of its matmul weights (CPU_REPACK) besides the mapped file;
            // the token embedding is only read by get_rows and the output is Q6_K (QuantMix): neither is repacked.
            // Blocks count whole, an upper bound: a few of their tensors are Q6_K in _M mixes (WeightModel)
            long output = outDev == host ? weights.output().value() : 0;
            w[host] += w[host] - weights.tokenEmbedding().value() - output;
        }

        long tokens = s.graphTokens();
        long nKv = kvCellsPerStream(s, LayerKind.FULL);
        List<DeviceMemory> out = new ArrayList<>();
        for (int d = 0; d < nGpu; d++) {
            long graph = holdsLayers[d] || d == outDev ? compute.graphBytes(s, nKv, d == outDev) : 0;
            out.add(new DeviceMemory(
                    gpuIds.get(d),
                    DeviceMemory.Kind.GPU,
                    gpuCapacity.get(d),
                    Bytes.of(w[d]),
                    Bytes.of(kv[d]),
                    Bytes.of(rs[d]),
                    Bytes.of(graph),
                    gpuRuntime));
        }
        long hostCompute;
        if (nGpu == 0 || ngl == 0) {
            hostCompute = graphBytesCpuOnly(s);
        } else {
            // With the graph on a GPU, the host keeps the F32 inputs: the KQ mask and the input embeddings
            // (llm_graph_input_attn_kv / llm_graph_input_embd, src/llama-graph.cpp; 4 bytes per mask cell is a fit to
            // the logs: the mask tensor itself is F16 under flash attention).
            // https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-graph.cpp#L2362-L2377
            hostCompute = 4L * nKv * tokens + 4L * arch.embeddingLength() * tokens;
            if (holdsLayers[host] && gpuStart > 0) {
                hostCompute += compute.graphBytes(s, nKv, outDev == host);
            }
        }
        // Output buffer: output_reserve(n_seq_max) holds n_vocab floats per sequence in host memory
        // (llama-context.cpp).
        // https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-context.cpp#L374-L377
        hostCompute += outputBufferBytes(s);
        long hostOverhead = hostRuntime.value() + serverHostCaches(s);
        out.add(new DeviceMemory(
                "host",
                DeviceMemory.Kind.CPU,
                hostCapacity,
                Bytes.of(w[host]),
                Bytes.of(kv[host]),
                Bytes.of(rs[host]),
                Bytes.of(hostCompute),
                Bytes.of(hostOverhead)));
        return out;
    }

    /**
     * What one token costs for {@link SpeedModel}: the bytes read per generated token at {@code depth}, split into
     * weights and context (KV cache, recurrent state) on the GPUs and on the host, and the parameters and attention
     * FLOPs one prompt token needs.
     */
    public SpeedModel.Workload speedWorkload(RunSettings s, Layout layout, int nGpu, long depth, String quant) {
        int units = allUnits();
        int ngl = nGpu == 0 ? 0 : Math.min(layout.gpuLayers(), units);
        int gpuStart = units - ngl;
        int used = arch.moe().map(Architecture.Moe::expertUsedCount).orElse(0);
        int count = arch.moe().map(Architecture.Moe::expertCount).orElse(1);
        double usedShare = arch.moe().map(m -> (double) used / count).orElse(1.0);
        long[] weights = new long[2];
        long[] context = new long[2];
        RunSettings atDepth = s.withContext(Math.max(LlamaCpp.CTX_PAD, LlamaCpp.padContext(Math.min(depth, s.nCtx()))));
        int moeBlocks = 0;
        long expertParams = 0;
        double attention = 0;
        Architecture.Attention at = arch.attention();
        for (int il = 0; il < arch.blockCount(); il++) { // MTP blocks only run when drafting
            int dev = il < gpuStart ? 1 : 0;
            long experts = this.weights.blockExperts().get(il).value();
            long dense = this.weights.block(il).value() - experts;
            int expertDev = dev == 0 && il < layout.nCpuMoe() ? 1 : dev;
            weights[dev] += dense;
            weights[expertDev] += Math.round(experts * usedShare);
            context[dev] += kvBytesOfLayer(il, atDepth) / Math.max(1, s.nSeq())
                    + 2 * recurrentBytesPerLayerPerSequence() * (arch.layerKind(il) == LayerKind.RECURRENT ? 1 : 0);
            long routed = WeightModel.blockParams(arch, il)[1];
            if (routed > 0) {
                moeBlocks++;
                expertParams += routed / count * used;
            }
            if (arch.layerKind(il) == LayerKind.FULL) {
                // QK^T and softmax(QK^T)V: 2 FLOPs per multiply-add, per head, per cached token
                attention += 2.0 * at.headCount() * (at.keyLength() + at.valueLength());
            }
        }
        weights[ngl >= 1 ? 0 : 1] += this.weights.output().value();
        int crossings = nGpu == 0 || ngl == 0 ? 0 : (gpuStart > 0 ? 1 : 0) + 2 * Math.min(layout.nCpuMoe(), units);
        String q = quant.toUpperCase(java.util.Locale.ROOT);
        boolean f16 = q.startsWith("F16") || q.startsWith("BF16") || q.startsWith("F32");
        return new SpeedModel.Workload(
                weights[0],
                weights[1],
                context[0],
                context[1],
                arch.blockCount(),
                moeBlocks,
                used,
                count,
                this.weights.activeParamsPerToken() - expertParams,
                expertParams,
                attention,
                f16,
                crossings);
    }

    /**
     * Device of the {@code k}-th offloaded unit, splitting units by the cumulative shares
     * (llama_model_base::load_tensors).
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-model.cpp#L1488-L1529">src/llama-model.cpp L1488-L1529</a>
     */
    private static int gpuOf(int k, int ngl, List<Double> split, int nGpu) {
        if (nGpu <= 1 || split.isEmpty()) {
            return 0;
        }
        double total = split.stream().mapToDouble(Double::doubleValue).sum();
        double pos = (double) k / ngl;
        double cum = 0;
        for (int d = 0; d < nGpu; d++) {
            cum += split.get(d) / total;
            if (pos < cum - 1e-12) {
                return d;
            }
        }
        return nGpu - 1;
    }

    /** The graph buffer of a CPU-only run, output projection included. */
    public long graphBytesCpuOnly(RunSettings s) {
        return compute.graphBytes(s, kvCellsPerStream(s, LayerKind.FULL), true);
    }

    /**
     * The output buffer: {@code output_reserve(n_seq_max)}, n_vocab F32 logits per sequence (llama-context.cpp).
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-context.cpp#L374-L377">src/llama-context.cpp L374-L377</a>
     */
    public long outputBufferBytes(RunSettings s) {
        return (long) arch.vocabSize() * LlamaCpp.LOGIT_BYTES * s.nSeq();
    }

    /** The KV cache over all layers. */
    public long kvBytes(RunSettings s) {
        long total = 0;
        for (int il = 0; il < arch.allLayers(); il++) {
            total += kvBytesOfLayer(il, s);
        }
        return total;
    }

    /** The recurrent state over all layers. */
    public long recurrentBytes(RunSettings s) {
        long total = 0;
        for (int il = 0; il < arch.allLayers(); il++) {
            total += recurrentBytesOfLayer(il, s);
        }
        return total;
    }

    /** Cells of one KV stream ({@code n_ctx_seq}); the KQ mask is this wide. */
    public long kvCellsPerStream(RunSettings s, LayerKind kind) {
        return kvCells(s, kind) / (s.kvUnified() ? 1 : s.nSeq());
    }

    /**
     * Cells of a KV stream times streams: {@code kv_size × n_stream} (src/llama-kv-cache.cpp).
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-kv-cache.cpp#L233-L234">src/llama-kv-cache.cpp L233-L234</a>
     */
    public long kvCells(RunSettings s, LayerKind kind) {
        long streams = s.kvUnified() ? 1 : s.nSeq();
        long perStream = s.kvUnified() ? s.nCtx() : LlamaCpp.padContext(s.nCtx() / s.nSeq());
        if (kind == LayerKind.SLIDING) {
            // SWA cache: min(size_base, GGML_PAD(n_swa * (unified ? n_seq_max : 1) + n_ubatch, 256))
            // (src/llama-kv-cache-iswa.cpp)
            // https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-kv-cache-iswa.cpp#L73-L73
            long swa = LlamaCpp.padContext(
                    (long) arch.attention().slidingWindow() * (s.kvUnified() ? s.nSeq() : 1) + s.nUbatch());
            perStream = Math.min(perStream, swa);
        }
        return perStream * streams;
    }

    /** K and V of one layer: {@code ggml_new_tensor_3d(type, n_embd_{k,v}_gqa, kv_size, n_stream)} for attention layers. */
    public long kvBytesOfLayer(int il, RunSettings s) {
        LayerKind kind = arch.layerKind(il);
        if (kind == LayerKind.RECURRENT) {
            // filter_attn = !is_recr(il): recurrent layers have no KV (src/llama-model.cpp create_memory). For qwen35
            // the filter is il < n_layer() && !is_recr(il), so MTP/NextN layers get none in the main context either;
            // this method still counts them (an over-count for GGUFs with NextN layers when MTP drafting is off).
            // https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-model.cpp#L2576-L2582
            return 0;
        }
        long cells = kvCells(s, kind);
        var a = arch.attention();
        long kRow = s.cacheTypeK().rowBytes((long) a.headCountKv() * a.keyLength());
        long vRow = s.cacheTypeV().rowBytes((long) a.headCountKv() * a.valueLength());
        return cells * (kRow + vRow);
    }

    /** KV bytes per token of context over all attention layers (the slope of memory in the context). */
    public long kvBytesPerToken(RunSettings s) {
        RunSettings one = s.withContext(LlamaCpp.CTX_PAD * (long) s.nSeq() * 16);
        long total = 0;
        for (int il = 0; il < arch.allLayers(); il++) {
            total += kvBytesOfLayer(il, one);
        }
        return total / (LlamaCpp.CTX_PAD * (long) s.nSeq() * 16);
    }

    /**
     * Recurrent state of one layer: r = [n_embd_r, mem_size] and s = [n_embd_s, mem_size], both F32, with n_embd_r =
     * (d_conv-1)(d_inner + 2 n_group d_state) and n_embd_s = d_state d_inner (src/llama-hparams.cpp), mem_size =
     * max(1, n_seq_max) × (1 + n_rs_seq) (src/llama-memory-recurrent.cpp).
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-hparams.cpp#L208-L258">src/llama-hparams.cpp L208-L258</a>
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-memory-recurrent.cpp#L101-L103">src/llama-memory-recurrent.cpp L101-L103</a>
     */
    public long recurrentBytesOfLayer(int il, RunSettings s) {
        if (arch.layerKind(il) != LayerKind.RECURRENT || arch.ssm().isEmpty()) {
            return 0;
        }
        return recurrentBytesPerLayerPerSequence() * Math.max(1, s.nSeq()) * (1L + s.nRsSeq());
    }

    public long recurrentBytesPerLayerPerSequence() {
        if (arch.ssm().isEmpty()) {
            return 0;
        }
        var ssm = arch.ssm().get();
        long r = (long) (ssm.convKernel() - 1) * (ssm.innerSize() + 2L * ssm.groupCount() * ssm.stateSize());
        long st = (long) ssm.stateSize() * ssm.innerSize();
        return (r + st) * LlamaCpp.RECURRENT_STATE_BYTES_PER_ELEMENT;
    }

    /** One sequence's recurrent state over all recurrent layers: what a context checkpoint of a hybrid holds. */
    public long recurrentBytesPerSequence() {
        return recurrentBytesPerLayerPerSequence() * arch.countLayers(LayerKind.RECURRENT);
    }

    /**
     * Host memory llama-server keeps for its prompt cache ({@code --cache-ram}) and context checkpoints ({@code
     * --ctx-checkpoints} per slot; for hybrid models a checkpoint holds the sequence's recurrent state, for SWA models
     * its window of KV), counted at their limits (tools/server/server-context.cpp).
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/tools/server/server-context.cpp#L1351-L1370">tools/server/server-context.cpp L1351-L1370</a>
     */
    long serverHostCaches(RunSettings s) {
        long perCheckpoint = recurrentBytesPerSequence();
        if (arch.attention().layerPattern().contains(LayerKind.SLIDING)) {
            long swaCells = kvCells(s, LayerKind.SLIDING) / (s.kvUnified() ? 1 : s.nSeq());
            var a = arch.attention();
            long row = s.cacheTypeK().rowBytes((long) a.headCountKv() * a.keyLength())
                    + s.cacheTypeV().rowBytes((long) a.headCountKv() * a.valueLength());
            perCheckpoint += swaCells * row * arch.countLayers(LayerKind.SLIDING);
        }
        return s.cacheRam().value() + perCheckpoint * s.ctxCheckpoints() * s.nSeq();
    }
}
