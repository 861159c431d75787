package eu.prositronic.core.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import eu.prositronic.TestSupport;
import eu.prositronic.core.verify.VerifyReport.Part;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifierTest {
    static final long MIB = 1024L * 1024;
    static final Path FIXTURES = TestSupport.repoRoot().resolve("core/src/test/resources/verify");
    static final Path CPU_LOG = FIXTURES.resolve("node-llama-cpp-qwen35-0.8B-q8_0-cpu.log");
    static final Path CUDA_LOG = FIXTURES.resolve("composed-cuda-qwen35-4b-rtx3090.log");
    static final Path CUDA_VISION_LOG = FIXTURES.resolve("composed-cuda-qwen35-4b-rtx3090-vision.log");

    /** The chat deployment with its vision projector on GPU 0: the catalog's mmproj and its measured compute. */
    static ObjectNode chatWithVision() throws Exception {
        ObjectNode d = chat();
        ObjectNode gpu = (ObjectNode) d.path("memory").path("devices").get(0);
        gpu.put("projectorWeightsBytes", 672_423_616L);
        gpu.put("projectorComputeBytes", 234_148_096L);
        gpu.put("atLoadBytes", gpu.path("atLoadBytes").asLong() + 672_423_616L + 234_148_096L);
        return d;
    }

    static final Path PLAN = FIXTURES.resolve("example-homelab-plan.json");
    static final Path SMI_BEFORE = FIXTURES.resolve("smi-rtx3090-before.csv");
    static final Path SMI_AFTER = FIXTURES.resolve("smi-rtx3090-after.csv");

    static LlamaLog log(Path p) throws IOException {
        return LlamaLog.parse(Files.readAllLines(p));
    }

    static GpuMemory smi(Path p) throws Exception {
        return GpuMemory.parse(Files.readAllLines(p));
    }

    static ObjectNode chat() throws Exception {
        return (ObjectNode) VerifyMain.deployment(PLAN, "chat").deepCopy();
    }

    static Part part(VerifyReport r, String device, String name) {
        return r.devices().stream().filter(d -> d.id().equals(device)).findFirst().orElseThrow().parts().stream()
                .filter(p -> p.part().equals(name))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void theRealCpuLogOfLlamaCppIsReadBufferByBuffer() throws Exception {
        LlamaLog l = log(CPU_LOG);
        assertThat(l.model())
                .containsEntry("AMX", LlamaLog.mibToBytes("850.84"))
                .containsEntry("CPU_Mapped", LlamaLog.mibToBytes("752.62"))
                .hasSize(2);
        assertThat(l.kv()).containsExactlyEntriesOf(java.util.Map.of("CPU", 96 * MIB));
        assertThat(l.recurrent()).containsExactlyEntriesOf(java.util.Map.of("CPU", LlamaLog.mibToBytes("38.53")));
        // the debug line "~llama_context: CPU compute buffer size is 491.0020 MiB" is not a second compute buffer
        assertThat(l.compute()).containsExactlyEntriesOf(java.util.Map.of("CPU", 491 * MIB));
        assertThat(l.output()).containsExactlyEntriesOf(java.util.Map.of("CPU", LlamaLog.mibToBytes("1.89")));
        assertThat(l.nCtx()).contains(8192L);
        assertThat(l.nSeqMax()).contains(2L);
        assertThat(l.loads()).isEqualTo(1);
    }

    @Test
    void theBuildAndLlamaCppsOwnBreakdownAreRead() throws Exception {
        LlamaLog l = log(CUDA_LOG);
        assertThat(l.build()).contains("b1 (de3ff81)");
        assertThat(l.breakdown()).hasSize(2);
        assertThat(l.breakdown().get(0))
                .isEqualTo(
                        new LlamaLog.BreakdownRow("CUDA0 (RTX 3090)", 24576L, 11699L, 11554, 2987, 8242, 325, 1323L));
        assertThat(l.breakdown().get(1))
                .isEqualTo(new LlamaLog.BreakdownRow("Host", null, null, 763, 497, 0, 266, null));
    }

    @Test
    void aLoadThatMatchesItsPlanPassesOnEveryDeviceAndPart() throws Exception {
        VerifyReport r =
                Verifier.verify(chat(), log(CUDA_LOG), smi(SMI_BEFORE), smi(SMI_AFTER), Verifier.DEFAULT_TOLERANCE);
        assertThat(r.pass()).as(r.toString()).isTrue();
        assertThat(r.devices()).extracting(VerifyReport.Device::id).containsExactly("nvidia-rtx3090:0", "host");
        assertThat(r.devices().get(0).buffers()).containsExactly("CUDA0");
        assertThat(r.devices().get(1).buffers()).containsExactly("CPU_Mapped", "CUDA_Host");
        Part atLoad = part(r, "nvidia-rtx3090:0", "atLoad");
        assertThat(atLoad.measuredBytes()).isEqualTo((12500 - 305) * MIB);
        Part overhead = part(r, "nvidia-rtx3090:0", "overhead");
        long logged = LlamaLog.mibToBytes("2987.60") + 8192 * MIB + LlamaLog.mibToBytes("50.25") + 325 * MIB;
        assertThat(overhead.measuredBytes()).isEqualTo((12500 - 305) * MIB - logged);
        assertThat(part(r, "host", "compute").measuredBytes())
                .isEqualTo(LlamaLog.mibToBytes("266.01") + LlamaLog.mibToBytes("0.94"));
        assertThat(part(r, "host", "overhead").result()).isEqualTo(VerifyReport.NOT_MEASURED);
        assertThat(r.settings()).extracting(VerifyReport.Setting::result).containsOnly(VerifyReport.PASS);
        assertThat(r.notes()).anyMatch(n -> n.contains("CUDA0 (RTX 3090)") && n.contains("unaccounted 1323"));
    }

    @Test
    void aPartOffByFourPercentFailsAndOneOffByOnePercentPasses() throws Exception {
        long measuredKv = 8192 * MIB;
        ObjectNode four = chat();
        ((ObjectNode) four.path("memory").path("devices").get(0)).put("kvCacheBytes", measuredKv * 100 / 104);
        VerifyReport r4 = Verifier.verify(four, log(CUDA_LOG), null, null, Verifier.DEFAULT_TOLERANCE);
        Part kv4 = part(r4, "nvidia-rtx3090:0", "kvCache");
        assertThat(kv4.differencePercent()).isEqualTo(4.0);
        assertThat(kv4.result()).isEqualTo(VerifyReport.FAIL);
        assertThat(r4.pass()).isFalse();

        ObjectNode one = chat();
        ((ObjectNode) one.path("memory").path("devices").get(0)).put("kvCacheBytes", measuredKv * 100 / 101);
        VerifyReport r1 = Verifier.verify(one, log(CUDA_LOG), null, null, Verifier.DEFAULT_TOLERANCE);
        Part kv1 = part(r1, "nvidia-rtx3090:0", "kvCache");
        assertThat(kv1.differencePercent()).isEqualTo(1.0);
        assertThat(kv1.result()).isEqualTo(VerifyReport.PASS);
        assertThat(r1.pass()).isTrue();
        assertThat(part(r1, "nvidia-rtx3090:0", "overhead").result()).isEqualTo(VerifyReport.NOT_MEASURED);
        assertThat(r1.notes()).anyMatch(n -> n.startsWith("no nvidia-smi readings"));
    }

    @Test
    void smallPartsAreHeldTo256MiBNotToThreePercent() throws Exception {
        ObjectNode plan = chat();
        // the GPU compute buffer is 325 MiB in the log: a plan of 125 MiB is 160 % off but only 200 MiB
        ((ObjectNode) plan.path("memory").path("devices").get(0)).put("computeBytes", 125 * MIB);
        Part small = part(
                Verifier.verify(plan, log(CUDA_LOG), null, null, Verifier.DEFAULT_TOLERANCE),
                "nvidia-rtx3090:0",
                "compute");
        assertThat(small.toleranceBytes()).isEqualTo(256 * MIB);
        assertThat(small.result()).isEqualTo(VerifyReport.PASS);
        ((ObjectNode) plan.path("memory").path("devices").get(0)).put("computeBytes", 68 * MIB);
        Part off = part(
                Verifier.verify(plan, log(CUDA_LOG), null, null, Verifier.DEFAULT_TOLERANCE),
                "nvidia-rtx3090:0",
                "compute");
        assertThat(off.differenceBytes()).isEqualTo(257 * MIB);
        assertThat(off.result()).isEqualTo(VerifyReport.FAIL);
    }

    @Test
    void aBufferOnAGpuThePlanDoesNotHaveFails() throws Exception {
        JsonNode cpu = VerifyMain.deployment(PLAN, "cpu-chat");
        VerifyReport r = Verifier.verify(cpu, log(CUDA_LOG), null, null, Verifier.DEFAULT_TOLERANCE);
        assertThat(r.pass()).isFalse();
        assertThat(r.notes()).anyMatch(n -> n.startsWith("buffer CUDA0 is on a GPU the plan does not use"));
    }

    @Test
    void theLastOfSeveralLoadsIsCompared() {
        LlamaLog l = LlamaLog.parse(List.of(
                "load_tensors:          CPU model buffer size =   100.00 MiB",
                "llama_kv_cache:        CPU KV buffer size =    10.00 MiB",
                "llama_kv_cache:        CPU KV buffer size =     6.00 MiB",
                "sched_reserve:        CPU compute buffer size =    50.00 MiB",
                "load_tensors:          CPU model buffer size =   200.00 MiB",
                "load_tensors:          CPU model buffer size =    20.00 MiB",
                "llama_kv_cache:        CPU KV buffer size =    30.00 MiB"));
        assertThat(l.loads()).isEqualTo(2);
        assertThat(l.model()).containsEntry("CPU", 220 * MIB);
        assertThat(l.kv()).containsEntry("CPU", 30 * MIB);
        assertThat(l.compute()).isEmpty();
    }

    @Test
    void nvidiaSmiCsvIsReadWithOrWithoutHeaderAndUnits() throws Exception {
        assertThat(smi(SMI_AFTER).gpu(0)).isEqualTo(new GpuMemory.Gpu(0, 12500 * MIB, 24576 * MIB, 11699 * MIB));
        GpuMemory bare = GpuMemory.parse(List.of("0, 1000", "1, 2000"));
        assertThat(bare.gpu(1).usedBytes()).isEqualTo(2000 * MIB);
        assertThat(GpuMemory.parse(List.of("memory.used [MiB]", "7")).gpu(0).usedBytes())
                .isEqualTo(7 * MIB);
        assertThat(org.assertj.core.api.Assertions.catchThrowable(
                        () -> GpuMemory.parse(List.of("index, memory.used [MiB]", "0, [N/A]"))))
                .hasMessage("line 2: `[N/A]` is not a number of MiB (nvidia-smi prints `[N/A]` when the driver cannot"
                        + " read the memory; verify needs a GPU that reports it)");
    }

    @Test
    void theEntryPointWritesTheVerifyFileAndExitsNonZeroOnAFailure(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = VerifyMain.run(
                new String[] {
                    "--plan",
                    PLAN.toString(),
                    "--deployment",
                    "chat",
                    "--log",
                    CUDA_LOG.toString(),
                    "--gpu-before",
                    SMI_BEFORE.toString(),
                    "--gpu-after",
                    SMI_AFTER.toString(),
                    "--out",
                    dir.toString()
                },
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(rc).as(err.toString(StandardCharsets.UTF_8)).isZero();
        JsonNode written = new ObjectMapper().readTree(dir.resolve("chat.json").toFile());
        assertThat(written.path("pass").asBoolean()).isTrue();
        assertThat(written.path("devices")
                        .get(0)
                        .path("parts")
                        .get(1)
                        .path("part")
                        .asText())
                .isEqualTo("kvCache");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("PASS chat: wrote");

        int failed = VerifyMain.run(
                new String[] {
                    "--plan",
                    PLAN.toString(),
                    "--deployment",
                    "cpu-chat",
                    "--log",
                    CUDA_LOG.toString(),
                    "--out",
                    dir.toString()
                },
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(failed).isEqualTo(1);
        assertThat(dir.resolve("cpu-chat.json")).exists();
    }

    @Test
    void anUnknownDeploymentIsAnInputErrorThatNamesThePlansDeployments(@TempDir Path dir) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = VerifyMain.run(
                new String[] {
                    "--plan",
                    PLAN.toString(),
                    "--deployment",
                    "chta",
                    "--log",
                    CUDA_LOG.toString(),
                    "--out",
                    dir.toString()
                },
                new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(rc).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).strip())
                .isEqualTo(
                        "error: " + PLAN + ": no deployment `chta`; the plan has chat, extract, cpu-chat, cpu-small");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void collectedVerifyFilesBecomeOneTablePerBuildAndBackend(@TempDir Path dir) throws Exception {
        VerifyReport r =
                Verifier.verify(chat(), log(CUDA_LOG), smi(SMI_BEFORE), smi(SMI_AFTER), Verifier.DEFAULT_TOLERANCE);
        VerifyMain.write(dir, r);
        String md = Accuracy.markdown(dir);
        assertThat(md).startsWith("### llama.cpp b1 (de3ff81), backend cuda13\n\n10 of 10 parts within tolerance");
        assertThat(md)
                .contains(
                        "| chat | qwen3-5-4b Q5_K_M | nvidia-rtx3090:0 | kvCache | 8192.00 | 8192.00 | +0.00 % | pass |");
        assertThat(md).doesNotContain("| host | overhead");
        assertThat(Accuracy.markdown(dir)).isEqualTo(md);
    }

    @Test
    void theVisionProjectorsLinesAreItsOwnPartsOnTheBackendClipLogs() throws Exception {
        LlamaLog l = log(CUDA_VISION_LOG);
        assertThat(l.projectorWeights())
                .containsExactlyEntriesOf(java.util.Map.of("CUDA0", LlamaLog.mibToBytes("644.26")));
        assertThat(l.projectorCompute())
                .containsExactlyEntriesOf(java.util.Map.of("CUDA0", LlamaLog.mibToBytes("223.30")));
        // clip's compute line is not the text model's compute buffer
        assertThat(l.compute()).containsEntry("CUDA0", 325 * MIB);

        VerifyReport r = Verifier.verify(chatWithVision(), l, null, null, Verifier.DEFAULT_TOLERANCE);
        assertThat(r.pass()).as(r.toString()).isTrue();
        Part weights = part(r, "nvidia-rtx3090:0", "projectorWeights");
        assertThat(weights.result()).isEqualTo(VerifyReport.PASS);
        assertThat(weights.measuredBytes()).isEqualTo(LlamaLog.mibToBytes("644.26"));
        Part compute = part(r, "nvidia-rtx3090:0", "projectorCompute");
        assertThat(compute.measuredBytes()).isEqualTo(LlamaLog.mibToBytes("223.30"));
        assertThat(compute.differencePercent()).isEqualTo(0.0);
        assertThat(r.devices().get(1).parts()).extracting(Part::part).doesNotContain("projectorWeights");
    }

    @Test
    void aProjectorThePlanDoesNotHaveFailsTheVerify() throws Exception {
        VerifyReport r = Verifier.verify(chat(), log(CUDA_VISION_LOG), null, null, Verifier.DEFAULT_TOLERANCE);
        assertThat(part(r, "nvidia-rtx3090:0", "projectorWeights").result()).isEqualTo(VerifyReport.FAIL);
        assertThat(r.pass()).isFalse();
    }

    @Test
    void aDraftModelsBuffersAreTheDraftPartNotASecondLoadOfTheModel() throws Exception {
        LlamaLog l = log(FIXTURES.resolve("composed-cuda-qwen35-4b-rtx3090-draft.log"));
        assertThat(l.loads()).isEqualTo(1);
        assertThat(l.model()).containsEntry("CUDA0", LlamaLog.mibToBytes("2987.60"));
        assertThat(l.nCtx()).contains(262144L);
        long gpuDraft = LlamaLog.mibToBytes("300.00") + 3072 * MIB + LlamaLog.mibToBytes("19.27") + 275 * MIB;
        assertThat(l.draft()).containsEntry("CUDA0", gpuDraft);
        ObjectNode d = chat();
        ObjectNode gpu = (ObjectNode) d.path("memory").path("devices").get(0);
        gpu.put("draftBytes", gpuDraft);
        ObjectNode host = (ObjectNode) d.path("memory").path("devices").get(1);
        long hostDraft = LlamaLog.mibToBytes("203.50") + LlamaLog.mibToBytes("0.95") + LlamaLog.mibToBytes("260.01");
        host.put("draftBytes", hostDraft);
        VerifyReport r = Verifier.verify(d, l, null, null, Verifier.DEFAULT_TOLERANCE);
        assertThat(r.pass()).as(r.toString()).isTrue();
        assertThat(part(r, "nvidia-rtx3090:0", "draft").measuredBytes()).isEqualTo(gpuDraft);
        assertThat(part(r, "host", "draft").measuredBytes()).isEqualTo(hostDraft);
        assertThat(part(r, "nvidia-rtx3090:0", "weights").result()).isEqualTo(VerifyReport.PASS);
    }
}
