package eu.prositronic.core.fit;

import static org.assertj.core.api.Assertions.assertThat;

import eu.prositronic.TestSupport;
import eu.prositronic.core.catalog.Architecture;
import eu.prositronic.core.catalog.LayerKind;
import eu.prositronic.core.catalog.ModelSpec;
import eu.prositronic.core.ggml.GgmlType;
import eu.prositronic.core.inventory.CacheType;
import eu.prositronic.core.inventory.CpuIsa;
import eu.prositronic.core.units.Bytes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The host's part: tied embeddings, the CPU backend's repacked copies, MTP blocks, checkpoints and prompt cache. */
class HostMemoryTest {
    static MemoryModel model(String id, String quant) {
        ModelSpec m = TestSupport.catalog().model(id).orElseThrow();
        return new MemoryModel(
                m.architecture(),
                WeightModel.of(m.architecture(), m.quant(quant).orElseThrow()));
    }

    static RunSettings settings(long ctx, int slots) {
        return RunSettings.server(ctx, 512, 2048, slots, CacheType.F16, CacheType.F16, true, 32, Bytes.ofMiB(1024));
    }

    static DeviceMemory cpuOnly(MemoryModel mm, RunSettings s, CpuIsa isa) {
        return mm.devices(s, Layout.cpuOnly(), List.of(), List.of(), Bytes.ofGiB(64), Bytes.ZERO, Bytes.ZERO, isa)
                .get(0);
    }

    @Test
    void aTiedEmbeddingIsLoadedOnceOnACpuOnlyHost() {
        MemoryModel mm = model("gemma-3-4b", "Q5_K_M"); // tied; Q5_K is not repacked on x86
        WeightModel w = mm.weights();
        DeviceMemory host = cpuOnly(mm, settings(4096, 1), CpuIsa.AVX2);
        assertThat(host.weights()).isEqualTo(w.tokenEmbedding().plus(w.blocksTotal()));
    }

    @Test
    void aTiedEmbeddingOffloadedWithTheOutputLayerIsCopiedToTheGpu() {
        MemoryModel mm = model("gemma-3-4b", "Q5_K_M");
        WeightModel w = mm.weights();
        List<DeviceMemory> d = mm.devices(
                settings(4096, 1),
                new Layout(mm.allUnits(), 0, List.of()),
                List.of("gpu:0"),
                List.of(Bytes.ofGiB(24)),
                Bytes.ofGiB(64),
                Bytes.ZERO,
                Bytes.ZERO);
        assertThat(d.get(0).weights()).isEqualTo(w.blocksTotal().plus(w.output()));
        assertThat(d.get(1).weights()).isEqualTo(w.tokenEmbedding());
    }

    @Test
    void theRepackedCopyDependsOnTheCpuAndDisappearsWithAGpu() {
        MemoryModel q4 = model("llama-3-1-8b", "Q4_K_M"); // blocks Q4_K, output Q6_K
        WeightModel w = q4.weights();
        RunSettings s = settings(4096, 1);
        Bytes mapped = w.tokenEmbedding().plus(w.blocksTotal()).plus(w.output());
        assertThat(cpuOnly(q4, s, CpuIsa.AVX2).weights()).isEqualTo(mapped.plus(w.blocksTotal()));
        // AMX also takes Q6_K: the output gets its copy too
        assertThat(cpuOnly(q4, s, CpuIsa.AMX).weights())
                .isEqualTo(mapped.plus(w.blocksTotal()).plus(w.output()));
        MemoryModel q5 = model("llama-3-1-8b", "Q5_K_M");
        WeightModel w5 = q5.weights();
        Bytes mapped5 = w5.tokenEmbedding().plus(w5.blocksTotal()).plus(w5.output());
        assertThat(cpuOnly(q5, s, CpuIsa.AVX2).weights()).isEqualTo(mapped5);
        assertThat(cpuOnly(q5, s, CpuIsa.NEON).weights())
                .isEqualTo(mapped5.plus(w5.blocksTotal()).plus(w5.output()));
        // with a GPU backend the host's layers are only mapped, whatever the CPU
        List<DeviceMemory> partial = q4.devices(
                s,
                new Layout(10, 0, List.of()),
                List.of("gpu:0"),
                List.of(Bytes.ofGiB(24)),
                Bytes.ofGiB(64),
                Bytes.ZERO,
                Bytes.ZERO,
                CpuIsa.AMX);
        assertThat(partial.get(0).weights().plus(partial.get(1).weights())).isEqualTo(mapped);
    }

    @Test
    void mxfp4ExpertsAreRepackedOnX86ButTheQ8DenseTensorsAreNot() {
        assertThat(CpuRepack.isRepacked(GgmlType.MXFP4, CpuIsa.AVX2, false)).isTrue();
        assertThat(CpuRepack.isRepacked(GgmlType.Q8_0, CpuIsa.AVX2, false)).isFalse();
        assertThat(CpuRepack.isRepacked(GgmlType.Q2_K, CpuIsa.AVX2, false)).isFalse();
        assertThat(CpuRepack.isRepacked(GgmlType.Q2_K, CpuIsa.AVX512, false)).isTrue();
        MemoryModel oss = model("gpt-oss-20b", "MXFP4");
        WeightModel w = oss.weights();
        Bytes experts = w.blockExperts().stream().reduce(Bytes.ZERO, Bytes::plus);
        Bytes mapped = w.tokenEmbedding().plus(w.blocksTotal()).plus(w.output());
        assertThat(cpuOnly(oss, settings(4096, 1), CpuIsa.AVX2).weights()).isEqualTo(mapped.plus(experts));
    }

    @Test
    void mtpBlocksAreNeitherLoadedNorCachedUnlessDraftingWithThem() {
        ModelSpec m = TestSupport.catalog().model("qwen3-5-4b").orElseThrow();
        Architecture a = m.architecture();
        Architecture withMtp = new Architecture(
                a.ggufArchitecture(),
                a.blockCount(),
                1,
                a.embeddingLength(),
                a.feedForwardLength(),
                a.vocabSize(),
                a.contextLength(),
                a.tiedEmbeddings(),
                a.attention(),
                a.ssm(),
                a.moe());
        MemoryModel plain = new MemoryModel(a, WeightModel.of(a, m.quant("Q8_0").orElseThrow()));
        MemoryModel mtp =
                new MemoryModel(withMtp, WeightModel.of(withMtp, m.quant("Q8_0").orElseThrow()));
        RunSettings s = settings(32768, 1);
        assertThat(mtp.kvBytes(s)).isEqualTo(plain.kvBytes(s));
        WeightModel w = mtp.weights();
        Bytes nextn = w.block(a.blockCount());
        assertThat(nextn.value()).isPositive();
        assertThat(cpuOnly(mtp, s, CpuIsa.AVX2).weights())
                .isEqualTo(w.tokenEmbedding().plus(w.blocksTotal()).minus(nextn));
    }

    @Test
    void aSlidingWindowCheckpointHoldsTheWindowOfEverySlidingLayer() {
        MemoryModel mm = model("gemma-3-27b", "Q4_K_M");
        Architecture a = mm.architecture();
        RunSettings s = settings(131072, 4);
        long row = 2L * 2 * a.attention().headCountKv() * a.attention().keyLength(); // K and V, f16
        assertThat(mm.bytesPerCheckpoint(s))
                .isEqualTo(a.attention().slidingWindow() * row * a.countLayers(LayerKind.SLIDING));
        // 32,768 tokens a slot: four spaced 8,192 apart plus three near the prompt's end
        assertThat(s.checkpointsPerSlot()).isEqualTo(7);
        assertThat(mm.checkpointBytes(s)).isEqualTo(mm.bytesPerCheckpoint(s) * 7 * 4);
        assertThat(settings(1_048_576, 1).checkpointsPerSlot()).isEqualTo(32); // the limit asked
    }

    @Test
    void aHybridCheckpointHoldsOneSequencesRecurrentState() {
        MemoryModel mm = model("qwen3-5-9b", "Q4_K_M");
        RunSettings s = settings(65536, 2);
        assertThat(mm.bytesPerCheckpoint(s))
                .isEqualTo(mm.recurrentBytesPerSequence())
                .isPositive();
    }

    @Test
    void fullAttentionModelsKeepNoCheckpoints() {
        MemoryModel mm = model("llama-3-1-8b", "Q4_K_M");
        assertThat(mm.usesCheckpoints()).isFalse();
        assertThat(mm.checkpointBytes(settings(131072, 4))).isZero();
    }

    @Test
    void theServingCachesAreTheirOwnPartsOfHostMemoryAndNotPartOfTheLoad() {
        MemoryModel mm = model("qwen3-5-4b", "Q4_K_M");
        RunSettings s = settings(65536, 1);
        DeviceMemory host = cpuOnly(mm, s, CpuIsa.AVX2);
        assertThat(host.promptCache()).isEqualTo(Bytes.ofMiB(1024));
        assertThat(host.checkpoints().value()).isEqualTo(mm.checkpointBytes(s)).isPositive();
        assertThat(host.used()).isEqualTo(host.atLoad().plus(host.checkpoints()).plus(host.promptCache()));
    }

    static DeploymentPlan cpuNode(String ram) throws Exception {
        return PlannerTest.plan("", ram, "- {name: big, model: qwen3-5-9b, quant: Q5_K_M, node: n1, context: 16384}")
                .deployments()
                .get(0);
    }

    @Test
    void whenRamIsShortThePromptCacheGoesFirstThenTheCheckpointsAndThePlanSaysSo() throws Exception {
        DeploymentPlan roomy = cpuNode("10240MiB");
        assertThat(roomy.settings().cacheRam()).isEqualTo(Bytes.ofMiB(512));
        assertThat(roomy.settings().checkpointsPerSlot()).isEqualTo(5);

        DeploymentPlan tight = cpuNode("9728MiB");
        assertThat(tight.settings().cacheRam()).isEqualTo(Bytes.ZERO);
        assertThat(tight.settings().checkpointsPerSlot()).isEqualTo(5);
        assertThat(tight.notes()).anyMatch(n -> n.startsWith("the prompt cache is off (--cache-ram 0)"));
        assertThat(eu.prositronic.core.emit.ServerArgs.of(tight)).containsSequence("--cache-ram", "0");

        DeploymentPlan tighter = cpuNode("9216MiB");
        assertThat(tighter.settings().checkpointsPerSlot()).isZero();
        assertThat(eu.prositronic.core.emit.ServerArgs.of(tighter)).containsSequence("--ctx-checkpoints", "0");
        assertThat(tighter.notes()).anyMatch(n -> n.contains("context checkpoints are off"));
    }

    static List<DeviceMemory> onOneGpu(MemoryModel mm, RunSettings s, int ngl) {
        return mm.devices(
                s,
                new Layout(ngl, 0, List.of()),
                List.of("gpu:0"),
                List.of(Bytes.ofGiB(6)),
                Bytes.ofGiB(64),
                Bytes.ZERO,
                Bytes.ZERO,
                CpuIsa.AVX2);
    }

    @Test
    void withOpOffloadTheFirstGpuRunsTheHostsLayersWithACopyOfTheirFfnAndTheHostKeepsOnlyTheInputs() {
        // the shape of a public CUDA log (Llama 3.1 8B Q4_0, ctx 32768, ub 512, one slot): GPU compute grows from the
        // all-offloaded figure and is the same at 15 and at 0 layers; the host's compute stays at the inputs
        MemoryModel mm = model("llama-3-1-8b", "Q4_0");
        RunSettings s = settings(32768, 1);
        DeviceMemory gpuAll = onOneGpu(mm, s, 33).get(0);
        DeviceMemory gpu15 = onOneGpu(mm, s, 15).get(0);
        DeviceMemory gpu0 = onOneGpu(mm, s, 0).get(0);
        long ffn = mm.largestHostFfn(new Layout(15, 0, List.of()), 18, s);
        assertThat(gpu15.compute().value()).isEqualTo(gpuAll.compute().value() + ffn);
        assertThat(gpu0.compute()).isEqualTo(gpu15.compute());
        assertThat(Bytes.of(ffn).mib()).isBetween(90.0, 100.0); // gate, up and down of one block at Q4_0
        long inputs = 2L * 32768 * 512 + 2L * 4 * 4096 * 512; // F16 mask + two F32 n_embd x n_tokens: 48 MiB
        DeviceMemory host15 = onOneGpu(mm, s, 15).get(1);
        assertThat(host15.compute().value()).isEqualTo(inputs + mm.outputBufferBytes(s));
        assertThat(onOneGpu(mm, s, 33).get(1).compute()).isEqualTo(host15.compute());
    }

    @Test
    void aRecurrentBlockOnTheHostSendsOneFfnMatrixAtATimeAnAttentionBlockItsWholeFfn() {
        // the shape of a public Vulkan log (Qwen3.5 9B UD-Q4_K_XL, ctx 8192, ub 2048, 4 slots): blocks 0 and 1 (gated
        // delta net) on the host grow GPU 0's compute by 31.22 MiB, one of its FFN's three matrices; 15 blocks on the
        // host, three of them attention blocks, by 81.84 MiB, as much as with none on the GPU
        MemoryModel mm = model("qwen3-5-9b", "UD-Q4_K_XL");
        RunSettings s = RunSettings.server(8192, 2048, 2048, 4, CacheType.F16, CacheType.F16, true, 32, Bytes.ZERO);
        long all = onOneGpu(mm, s, 33).get(0).compute().value();
        long recurrentOnly = onOneGpu(mm, s, 31).get(0).compute().value() - all;
        long withAttention = onOneGpu(mm, s, 18).get(0).compute().value() - all;
        assertThat(mm.architecture().layerKind(0)).isEqualTo(eu.prositronic.core.catalog.LayerKind.RECURRENT);
        assertThat(mm.architecture().layerKind(3)).isEqualTo(eu.prositronic.core.catalog.LayerKind.FULL);
        assertThat(withAttention).isBetween(3 * recurrentOnly - 3, 3 * recurrentOnly + 3);
        assertThat(Bytes.of(recurrentOnly).mib()).isBetween(447.38 * 0.95 - 416.16, 447.38 * 1.05 - 416.16);
        assertThat(onOneGpu(mm, s, 0).get(0).compute().value() - all).isEqualTo(withAttention);
    }

    @Test
    void withOpOffloadTheHostComputeIsTheRpcDevicesRecordsToATenthOfAMiB() throws Exception {
        // llama.cpp at the pin with an RPC device that offloads ops as CUDA and Vulkan do (tools/llama-measure/
        // rpc-offload): the host's compute buffer at full and partial offload, with and without gated delta net
        // blocks on the host (the conv-state copy), at 1 and 4 slots and ubatch 512 and 2048
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<String> lines = java.nio.file.Files.readAllLines(
                TestSupport.repoRoot().resolve("tools/llama-measure/results/rpc-op-offload-cpu.jsonl"));
        assertThat(lines).hasSizeGreaterThanOrEqualTo(11);
        for (String line : lines) {
            var r = json.readTree(line);
            var st = r.get("settings");
            MemoryModel mm =
                    model(r.get("model").asText(), r.get("model").asText().startsWith("qwen") ? "Q4_K_M" : "Q4_0");
            RunSettings s = RunSettings.server(
                            st.get("ctx").asLong(),
                            st.get("ub").asInt(),
                            2048,
                            st.get("np").asInt(),
                            CacheType.F16,
                            CacheType.F16,
                            true,
                            32,
                            Bytes.ZERO)
                    .withKvUnified(st.get("kv_unified").asBoolean());
            DeviceMemory host = onOneGpu(mm, s, st.get("ngl").asInt()).get(1);
            double predicted =
                    Bytes.of(host.compute().value() - mm.outputBufferBytes(s)).mib();
            double logged = r.get("buffers_mib").get("CPU").get("compute").asDouble();
            assertThat(predicted).as(line).isCloseTo(logged, org.assertj.core.data.Offset.offset(0.15));
        }
    }

    @Test
    void atLongContextGpuZeroHoldsTheKAndVOfAHostAttentionLayerAsCopies() {
        // an RPC device at the pin (tools/llama-measure/results/rpc-op-offload-cpu.jsonl): Qwen3.5 9B, 15 blocks on
        // the host, ctx 65536, ubatch 512: 387.00 MiB of GPU compute, more than the whole-FFN rule gives (255 MiB)
        MemoryModel mm = model("qwen3-5-9b", "Q4_K_M");
        RunSettings s = RunSettings.server(65536, 512, 2048, 1, CacheType.F16, CacheType.F16, true, 32, Bytes.ZERO);
        long gpu = onOneGpu(mm, s, 18).get(0).compute().value();
        long kvOfOneLayer = mm.kvBytesOfLayer(3, s);
        assertThat(Bytes.of(kvOfOneLayer).mib()).isEqualTo(256.0);
        assertThat(gpu).isEqualTo(mm.hostAttentionStage(15, s, 65536));
        assertThat(Bytes.of(gpu).mib()).isCloseTo(387.0, org.assertj.core.data.Percentage.withPercentage(10));
        // with only recurrent blocks on the host there is no such copy
        assertThat(mm.hostAttentionStage(2, s, 65536)).isZero();
    }

    @Test
    void belowTheOpOffloadBatchTheHostRunsItsOwnLayers() {
        MemoryModel mm = model("llama-3-1-8b", "Q4_0");
        RunSettings s = RunSettings.server(32768, 16, 2048, 1, CacheType.F16, CacheType.F16, true, 32, Bytes.ZERO);
        DeviceMemory gpuAll = onOneGpu(mm, s, 33).get(0);
        List<DeviceMemory> partial = onOneGpu(mm, s, 15);
        assertThat(partial.get(0).compute()).isEqualTo(gpuAll.compute());
        assertThat(partial.get(1).compute().value())
                .isGreaterThan(onOneGpu(mm, s, 33).get(1).compute().value());
    }
}
