package eu.prositronic.core.fit;

import eu.prositronic.core.catalog.Architecture;
import eu.prositronic.core.catalog.LayerKind;
import eu.prositronic.core.inventory.CpuIsa;
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
    private final java.util.Optional<Projector> projector;
    private final java.util.Optional<DraftModel> draft;

    public MemoryModel(Architecture arch, WeightModel weights) {
        this(arch, weights, java.util.Optional.empty(), java.util.Optional.empty());
    }

    private MemoryModel(
            Architecture arch,
            WeightModel weights,
            java.util.Optional<Projector> projector,
            java.util.Optional<DraftModel> draft) {
        this.arch = arch;
        this.weights = weights;
        this.compute = new ComputeModel(arch);
        this.projector = projector;
        this.draft = draft;
    }

    /** The same model with llama-server also loading a vision projector ({@code --mmproj}), or without one. */
    public MemoryModel withProjector(java.util.Optional<Projector> p) {
        return new MemoryModel(arch, weights, p, draft);
    }

    /** The same model with a draft model for speculative decoding ({@code --spec-draft-model}), or without one. */
    public MemoryModel withDraft(java.util.Optional<DraftModel> d) {
        return new MemoryModel(arch, weights, projector, d);
    }

    public java.util.Optional<DraftModel> draft() {
        return draft;
    }

    public java.util.Optional<Projector> projector() {
        return projector;
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

    /** Memory per device on an x86-64 AVX2 host (the images' CPU baseline). */
    public List<DeviceMemory> devices(
            RunSettings s,
            Layout layout,
            List<String> gpuIds,
            List<Bytes> gpuCapacity,
            Bytes hostCapacity,
            Bytes gpuRuntime,
            Bytes hostRuntime) {
        return devices(s, layout, gpuIds, gpuCapacity, hostCapacity, gpuRuntime, hostRuntime, CpuIsa.AVX2);
    }

    /**
     * Memory per device: the GPUs first (in the order of {@code gpuIds}), then the host as kind CPU.
     *
     * @param gpuRuntime what a GPU process costs beyond llama.cpp's buffers (driver context, libraries)
     * @param hostRuntime what the process costs on the host beyond its buffers
     * @param cpuIsa the host CPU's instruction set: it decides which weights get a repacked copy (CpuRepack)
     */
    public List<DeviceMemory> devices(
            RunSettings s,
            Layout layout,
            List<String> gpuIds,
            List<Bytes> gpuCapacity,
            Bytes hostCapacity,
            Bytes gpuRuntime,
            Bytes hostRuntime,
            CpuIsa cpuIsa) {
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
        long hostDense = 0; // the host's share of block weights, apart by type for the repack rule
        long hostExperts = 0;

        // The input layer never leaves the host: token_embd is CPU_Mapped (load_tensors, "input layer").
        // https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-model.cpp#L1535-L1537
        w[host] += weights.tokenEmbedding().value();
        for (int il = 0; il < arch.allLayers(); il++) {
            if (!loaded(il, s)) {
                continue;
            }
            int dev = il < gpuStart ? host : gpuOf(il - gpuStart, ngl, layout.split(), nGpu);
            long block = weights.block(il).value();
            long experts = weights.blockExperts().get(il).value();
            int expertDev = dev != host && il < layout.nCpuMoe() ? host : dev;
            // --n-cpu-moe: blk.<il>.ffn_*_exps stay in host memory (common/arg.cpp, override-tensor rule)
            // https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/common/arg.cpp#L2762-L2771
            w[dev] += block - experts;
            w[expertDev] += experts;
            if (dev == host) {
                hostDense += block - experts;
            }
            if (expertDev == host) {
                hostExperts += experts;
            }
            holdsLayers[dev] = true;
            kv[dev] += kvBytesOfLayer(il, s);
            rs[dev] += recurrentBytesOfLayer(il, s);
        }
        int outDev = ngl >= 1 ? gpuOf(ngl - 1, ngl, layout.split(), nGpu) : host;
        if (outDev != host || !arch.tiedEmbeddings()) {
            // A tied output is token_embd again (TENSOR_DUPLICATED): a second copy only in another buffer type, as on
            // a GPU; on the host it is the same mapped tensor.
            // https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-model-loader.cpp#L1370-L1376
            w[outDev] += weights.output().value();
        }
        // The CPU backend's repacked copy of CPU-resident matmul weights (CpuRepack): blocks by their types and the
        // output projection; token_embd is only read by get_rows and never repacked.
        var repacked = CpuRepack.repacked(cpuIsa, nGpu > 0);
        WeightModel.Types types = weights.types();
        long repackCopy = (repacked.contains(types.dense()) ? hostDense : 0)
                + (repacked.contains(types.experts()) ? hostExperts : 0)
                + (outDev == host && repacked.contains(types.output())
                        ? weights.output().value()
                        : 0);
        w[host] += repackCopy;

        long tokens = s.graphTokens();
        long nKv = kvCellsPerStream(s, LayerKind.FULL);
        // Op offload: with a GPU present and a batch of at least 32 tokens, the first GPU runs the matmuls of the
        // host's layers too, copying their weights into its compute buffer: the host then runs no graph of its own,
        // and GPU 0 holds the whole graph plus the largest FFN copy in flight, however many layers stay on the host.
        boolean opOffload = nGpu > 0 && tokens >= LlamaCpp.OP_OFFLOAD_MIN_BATCH;
        long offloadCopy = opOffload ? largestHostFfn(layout, gpuStart, s) : 0;
        // The vision projector: clip puts its weights and its compute buffer on one backend, the first GPU unless
        // --no-mmproj-offload (Projector); with the projector on a GPU the scheduler's CPU buffer is counted as zero.
        long[] projW = new long[nGpu + 1];
        long[] projC = new long[nGpu + 1];
        projector.ifPresent(p -> {
            int dev = p.offload() && nGpu > 0 ? 0 : host;
            projW[dev] += p.weights().value();
            projC[dev] += p.compute(s.flashAttn()).value();
        });
        // The draft model: a second model and context in the same process, computed by the same engine on the same
        // devices (DraftModel), without a second runtime.
        long[] dr = new long[nGpu + 1];
        draft.ifPresent(dm -> {
            List<DeviceMemory> dd = dm.model()
                    .devices(
                            dm.settings(s),
                            new Layout(dm.gpuLayers(), 0, layout.split()),
                            gpuIds,
                            gpuCapacity,
                            hostCapacity,
                            Bytes.ZERO,
                            Bytes.ZERO,
                            cpuIsa);
            for (int d = 0; d <= nGpu; d++) {
                dr[d] = dd.get(d).atLoad().value();
            }
        });
        List<DeviceMemory> out = new ArrayList<>();
        for (int d = 0; d < nGpu; d++) {
            boolean runsGraph = holdsLayers[d] || d == outDev || (d == 0 && opOffload);
            long graph = runsGraph ? compute.graphBytes(s, nKv, d == outDev, true) : 0;
            if (d == 0 && opOffload) {
                graph = Math.max(graph + offloadCopy, hostAttentionStage(gpuStart, s, nKv));
            }
            out.add(new DeviceMemory(
                    gpuIds.get(d),
                    DeviceMemory.Kind.GPU,
                    gpuCapacity.get(d),
                    Bytes.of(w[d]),
                    Bytes.of(kv[d]),
                    Bytes.of(rs[d]),
                    Bytes.of(graph),
                    Bytes.of(projW[d]),
                    Bytes.of(projC[d]),
                    Bytes.of(dr[d]),
                    gpuRuntime,
                    Bytes.ZERO,
                    Bytes.ZERO));
        }
        long hostCompute;
        if (nGpu == 0 || (ngl == 0 && !opOffload)) {
            hostCompute = graphBytesCpuOnly(s);
        } else {
            // With the graph on a GPU the host keeps the graph inputs: the KQ mask (F16 under flash attention, F32
            // without; llm_graph_input_attn_kv) and two F32 n_embd × n_tokens tensors of the input embedding
            // (llm_graph_input_embd and the get_rows of token_embd, which stays on the host). Public CUDA and Vulkan
            // logs: 48.01 MiB (Llama 3.1 8B, ctx 32768, ub 512) and 96.07 MiB (Qwen3.5 9B, ctx 8192, ub 2048), both
            // exactly this (tools/llama-measure/results/gpu-public-logs.md).
            // https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-graph.cpp#L29-L46
            long maskBytes = s.flashAttn() ? LlamaCpp.MASK_BYTES_FA : LlamaCpp.MASK_BYTES_NO_FA;
            // a sliding-window model has a second mask, over the SWA cache, also a graph input on the host
            // (build_attn_inp_kv_iswa); Gemma 3 4B on an RPC device at the pin: 43.52 MiB = 32 + 1.5 + 2 × 5
            // https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-graph.cpp#L3391-L3412
            long masks = maskBytes
                    * tokens
                    * (nKv
                            + (arch.attention().layerPattern().contains(LayerKind.SLIDING)
                                    ? kvCellsPerStream(s, LayerKind.SLIDING)
                                    : 0));
            hostCompute = masks + 2L * 4L * arch.embeddingLength() * tokens;
            if (opOffload && hostHoldsRecurrentBlock(gpuStart, s)) {
                // a gated delta net block on the host: its conv-state update (ggml_cpy into the host's recurrent
                // state) runs on the host, so the scheduler copies it the source view, which keeps the strides of the
                // whole conv input; it is allocated once the token embedding's rows have gone to the GPU
                hostCompute =
                        Math.max(hostCompute, masks + 4L * arch.embeddingLength() * tokens + convStateCopyBytes(s));
            }
            if (outDev == host) {
                // the output projection runs on the host (one output per slot is below the op-offload batch), after
                // the token embedding's rows have gone to the GPU: beside the mask and one n_embd × T tensor (the
                // logs: 48.01 MiB of host compute with 0 layers on the GPU as with all)
                hostCompute = Math.max(
                        hostCompute,
                        masks
                                + 4L * arch.embeddingLength() * tokens
                                + 4L * s.graphOutputs() * (arch.vocabSize() + 3L * arch.embeddingLength()));
            }
            if (!opOffload && holdsLayers[host]) {
                hostCompute += compute.graphBytes(s, nKv, outDev == host);
            }
        }
        // Output buffer: output_reserve(n_seq_max) holds n_vocab floats per sequence in host memory
        // (llama-context.cpp).
        // https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-context.cpp#L374-L377
        hostCompute += outputBufferBytes(s);
        out.add(new DeviceMemory(
                "host",
                DeviceMemory.Kind.CPU,
                hostCapacity,
                Bytes.of(w[host]),
                Bytes.of(kv[host]),
                Bytes.of(rs[host]),
                Bytes.of(hostCompute),
                Bytes.of(projW[host]),
                Bytes.of(projC[host]),
                Bytes.of(dr[host]),
                hostRuntime,
                Bytes.of(checkpointBytes(s)),
                s.cacheRam()));
        return out;
    }

    /**
     * What op offload adds to GPU 0's compute buffer for the blocks that stay on the host: the largest over those
     * blocks of what one of them puts in flight, by its kind. The scheduler moves an op whose weight sits in a host
     * buffer to the first GPU once its batch is at least {@code GGML_OP_OFFLOAD_MIN_BATCH} (ggml-backend.cpp L961-L981)
     * and copies the weight in as a split input, allocated in that GPU's compute buffer at the start of the split
     * (L1398-L1419, L1497-L1515); it starts a new split at every such weight "so that the memory of the previously
     * offloaded weights can be reused" (L1325-L1338), so the copies of a block come one matrix at a time, never all at
     * once. The buffer grows by what does not fit beside the graph's own tensors:
     *
     * <ul>
     *   <li>a recurrent (gated delta net) block: one matrix of its FFN, a third of the FFN's bytes (routed experts
     *       for MoE). Public Vulkan log, Qwen3.5 9B UD-Q4_K_XL at ub 2048: +31.22 MiB with blocks 0 and 1 (both
     *       recurrent) on the host, about +26 MiB with block 0 alone (its --fit test allocation at 32 units, if the
     *       two blocks weigh the same), for 31.6 MiB a matrix;
     *   <li>a block with attention (full or sliding): its whole FFN, gate, up and down (routed and shared experts for
     *       MoE). Public CUDA log, Llama 3.1 8B Q4_0 at ub 512: +108 MiB for 94.8 MiB of FFN at 15, 16 and 0 blocks
     *       on the GPU; the Vulkan Qwen3.5 9B log: +81.84 MiB for 94.7 MiB with three attention blocks among the 15
     *       on the host. Not attributed to a tensor: such a block also sends the K and V views of its host KV cache
     *       to the GPU as split inputs of its flash-attention split (FLASH_ATTN_EXT is exempt from the weight rule,
     *       L957, and takes the GPU from its neighbours), and ggml-alloc's best fit places the later weight copies
     *       around what they leave;
     *   <li>the routed experts that {@code --n-cpu-moe} keeps on the host for a block on the GPU: all of them.
     * </ul>
     *
     * It does not depend on how many blocks stay on the host once there is one of a kind (the logs: 0, 15 and 16
     * blocks on the GPU give the same buffer). tools/llama-measure/results/gpu-public-logs.md lists the records.
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/ggml/src/ggml-backend.cpp#L1325-L1338">ggml/src/ggml-backend.cpp L1325-L1338 (a new split at each host weight)</a>
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/ggml/src/ggml-backend.cpp#L1398-L1419">ggml/src/ggml-backend.cpp L1398-L1419 (host weights as split inputs)</a>
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/ggml/src/ggml-backend.cpp#L951-L981">ggml/src/ggml-backend.cpp L951-L981 (op offload; FLASH_ATTN_EXT exempt)</a>
     */
    long largestHostFfn(Layout layout, int gpuStart, RunSettings s) {
        long largest = 0;
        for (int il = 0; il < arch.allLayers(); il++) {
            if (!loaded(il, s)) {
                continue;
            }
            long experts = weights.blockExperts().get(il).value();
            if (il < gpuStart) {
                long[] params = WeightModel.blockParams(arch, il);
                long ffnParams = arch.isMoe() ? params[1] : 3L * arch.embeddingLength() * arch.feedForwardLength();
                long ffn = params[0] == 0 ? 0 : Math.round(weights.block(il).value() * (double) ffnParams / params[0]);
                // a recurrent block: one FFN matrix in flight at a time (gate, up or down: a third)
                largest = Math.max(largest, arch.layerKind(il) == LayerKind.RECURRENT ? ffn / 3 : ffn);
            } else if (il < layout.nCpuMoe()) {
                largest = Math.max(largest, experts);
            }
        }
        return largest;
    }

    /**
     * GPU 0's flash-attention split for an attention block on the host, with op offload: the attention op takes the
     * GPU from its neighbours (FLASH_ATTN_EXT is exempt from the weight rule), so the K and V views of that layer's
     * host KV cache (every cell of every stream) are copied in as split inputs, beside the mask, the layer's Q and
     * attention output and the residual stream. A CPU build at the pin with an RPC device as the GPU
     * (GGML_SCHED_DEBUG=1) shows the split, {@code RPC0 # 3 inputs: [cache_k_l0 (view) (permuted) (64M)]
     * [cache_v_l0 (view) (permuted) (64M)] [attn_inp_kq_mask (32M)]} for Llama 3.1 8B at ctx 32768, and a compute
     * buffer of 185.00 MiB (this stage: 184.5 MiB); Qwen3.5 9B with 15 blocks on the host at ctx 65536, ubatch 512:
     * 387.00 MiB (this stage: 352 MiB, the whole FFN rule 255). It grows with the context: at long context it is what
     * GPU 0 holds.
     * Zero without an attention block on the host.
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/ggml/src/ggml-backend.cpp#L951-L960">ggml/src/ggml-backend.cpp L951-L960 (FLASH_ATTN_EXT exempt from the weight rule)</a>
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/ggml/src/ggml-backend.cpp#L1398-L1419">ggml/src/ggml-backend.cpp L1398-L1419 (inputs on another backend are copied)</a>
     */
    long hostAttentionStage(int gpuStart, RunSettings s, long nKv) {
        long largestKv = 0;
        for (int il = 0; il < Math.min(gpuStart, arch.allLayers()); il++) {
            if (loaded(il, s) && arch.layerKind(il) != LayerKind.RECURRENT) {
                largestKv = Math.max(largestKv, kvBytesOfLayer(il, s));
            }
        }
        if (largestKv == 0) {
            return 0;
        }
        long t = s.graphTokens();
        var at = arch.attention();
        long swaKv = at.layerPattern().contains(LayerKind.SLIDING) ? kvCellsPerStream(s, LayerKind.SLIDING) : 0;
        long maskBytes = s.flashAttn() ? LlamaCpp.MASK_BYTES_FA : LlamaCpp.MASK_BYTES_NO_FA;
        long mask = maskBytes * (nKv + swaKv) * t;
        // Q and the attention output (n_head × head_dim each), the output gate of a gated-Q block (Qwen3.5: the
        // gate half of Q, made contiguous before the attention) and the residual stream, F32
        boolean gatedQ = arch.ggufArchitecture().startsWith("qwen35")
                || arch.ggufArchitecture().equals("qwen3next");
        long q = (long) at.headCount() * at.keyLength();
        long rows = 4L * t * ((gatedQ ? 2 : 1) * q + (long) at.headCount() * at.valueLength() + arch.embeddingLength());
        // without flash attention the layer's F32 scores are live too
        long scores = s.flashAttn() ? 0 : 4L * at.headCount() * nKv * t;
        return mask + largestKv + rows + scores;
    }

    /** Whether a gated delta net block (one with a recurrent state) stays on the host. */
    private boolean hostHoldsRecurrentBlock(int gpuStart, RunSettings s) {
        for (int il = 0; il < Math.min(gpuStart, arch.allLayers()); il++) {
            if (loaded(il, s) && recurrentBytesOfLayer(il, s) > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * The host's copy of {@code conv_state_last} for a gated delta net block on the host with op offload: a view
     * {@code [d_conv - 1, conv_dim, n_seqs]} of the conv input {@code [n_seq_tokens + d_conv - 1, conv_dim, n_seqs]}
     * (F32) that {@code ggml_cpy} writes into the host-resident conv state. The copy is made with {@code
     * ggml_dup_tensor_layout}, which keeps the view's strides, so it is as large as the view's extent, nearly the
     * whole conv input: 64.37 MiB for Qwen3.5 9B at ubatch 2048 and 4 slots. Public Vulkan logs: host compute 128.44
     * MiB with 2 or 15 blocks on the host against 96.07 with none; a CPU build with an RPC device that offloads ops as
     * the GPU backends do (GGML_SCHED_DEBUG=2) shows the split and the copy: {@code CPU # 1 inputs: [conv_state_last-0
     * (64M)]} (docs/fit-engine.md, "Partial offload and op offload").
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/models/delta-net-base.cpp#L479-L496">src/models/delta-net-base.cpp L479-L496 (conv_state_last and its ggml_cpy)</a>
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/ggml/src/ggml-backend.cpp#L749-L755">ggml/src/ggml-backend.cpp L749-L755 (ggml_dup_tensor_layout keeps the strides)</a>
     */
    long convStateCopyBytes(RunSettings s) {
        var x = arch.ssm().orElseThrow();
        long convDim = 2L * x.groupCount() * x.stateSize() + x.innerSize();
        long k = x.convKernel();
        long seqs = Math.max(1, s.nSeq());
        long seqTokens = s.graphTokens() / seqs;
        long nb1 = 4L * (seqTokens + k - 1);
        long nb2 = nb1 * convDim;
        // ggml_nbytes of a strided F32 view: the element size plus (ne[i] - 1) × nb[i] over the dimensions
        return 4L + (k - 2) * 4L + (convDim - 1) * nb1 + (seqs - 1) * nb2;
    }

    /**
     * Whether llama.cpp loads block {@code il}: MTP/NextN blocks only when drafting with them. Otherwise their tensors
     * are TENSOR_SKIP (left in the file, never read) and they get no KV cache in the main context.
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/models/qwen35.cpp#L34-L38">src/models/qwen35.cpp L34-L38</a>
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-model-loader.cpp#L1177-L1185">src/llama-model-loader.cpp L1177-L1185</a>
     */
    boolean loaded(int il, RunSettings s) {
        return il < arch.blockCount() || s.mtp();
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
            total += loaded(il, s) ? kvBytesOfLayer(il, s) : 0;
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
            total += loaded(il, one) ? kvBytesOfLayer(il, one) : 0;
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
     * What one context checkpoint holds: {@code llama_state_seq_get_data_ext(PARTIAL_ONLY)} of the slot's sequence,
     * that is the sequence's recurrent state (one snapshot row per recurrent layer) and, for sliding-window models, the
     * SWA cache cells still inside the window ({@code n_swa} cells: older ones are SWA-masked and not written). Full
     * attention layers are not part of it. Held in host RAM by the slot.
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/common/common.cpp#L2282-L2298">common/common.cpp L2282-L2298</a>
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-memory-hybrid.cpp#L190-L195">src/llama-memory-hybrid.cpp L190-L195</a>
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-kv-cache-iswa.cpp#L259-L265">src/llama-kv-cache-iswa.cpp L259-L265</a>
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-kv-cache.cpp#L2076-L2087">src/llama-kv-cache.cpp L2076-L2087 (SWA-masked cells are not written)</a>
     */
    public long bytesPerCheckpoint(RunSettings s) {
        long perCheckpoint = recurrentBytesPerSequence();
        if (arch.attention().layerPattern().contains(LayerKind.SLIDING)) {
            var a = arch.attention();
            long cells = Math.min(a.slidingWindow(), s.ctxPerSlot());
            long row = s.cacheTypeK().rowBytes((long) a.headCountKv() * a.keyLength())
                    + s.cacheTypeV().rowBytes((long) a.headCountKv() * a.valueLength());
            perCheckpoint += cells * row * arch.countLayers(LayerKind.SLIDING);
        }
        return perCheckpoint;
    }

    /** Whether llama-server takes context checkpoints for this model: recurrent or sliding-window layers. */
    public boolean usesCheckpoints() {
        return recurrentBytesPerSequence() > 0
                || arch.attention().layerPattern().contains(LayerKind.SLIDING);
    }

    /**
     * The context checkpoints of every slot at what llama-server keeps: {@link RunSettings#checkpointsPerSlot()} per
     * slot (the limit passed with {@code --ctx-checkpoints}), each {@link #bytesPerCheckpoint}. They live outside the
     * prompt cache's {@code --cache-ram} limit.
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/tools/server/server-context.cpp#L2309-L2372">tools/server/server-context.cpp L2309-L2372</a>
     */
    public long checkpointBytes(RunSettings s) {
        return bytesPerCheckpoint(s) * s.checkpointsPerSlot() * s.nSeq();
    }
}
