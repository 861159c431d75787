package eu.prositronic.core.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import eu.prositronic.TestSupport;
import eu.prositronic.core.catalog.ModelSpec;
import eu.prositronic.core.catalog.ModelSpec.QuantFile;
import eu.prositronic.core.ggml.GgmlType;
import eu.prositronic.core.importer.GgufImporter;
import eu.prositronic.core.inventory.CacheType;
import eu.prositronic.core.units.Bytes;
import eu.prositronic.testkit.SyntheticGguf;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Host weights of a CPU-only run against what llama.cpp v0.5.0 allocated for the same synthetic Qwen3.5 0.8B files on
 * this project's CI machine (x86-64, AVX2; tools/llama-measure/README.md "CPU_REPACK"): the oracle is the measured
 * buffer sizes, not the engine's formula. Q4_0 weights are memory-mapped and repacked into a second, anonymous copy;
 * Q8_0 weights are only mapped. The tied embedding is loaded once; as the Q4_0 output it gets a repacked copy too.
 */
@Tag("slow") // writes and hashes two 0.8 GB synthetic files: run by scripts/test and CI, not by a plain mvn test
class RepackOracleTest {
    /** llama.cpp's log for the 0.8B at Q4_0: {@code CPU_Mapped model buffer size = 399.34 MiB}. */
    static final double Q4_0_MAPPED_MIB = 399.34;

    /** ... and {@code CPU_REPACK model buffer size = 403.35 MiB}. */
    static final double Q4_0_REPACKED_MIB = 403.35;

    /** The 0.8B at Q8_0: {@code CPU_Mapped model buffer size = 763.78 MiB}, no repacked buffer. */
    static final double Q8_0_MAPPED_MIB = 763.78;

    @Test
    void q4WeightsOnTheCpuAreTheMappedFilePlusTheRepackedCopyAsLlamaCppAllocatesThem(@TempDir Path dir)
            throws Exception {
        assertThat(hostWeightsMiB(dir, GgmlType.Q4_0))
                .isCloseTo(Q4_0_MAPPED_MIB + Q4_0_REPACKED_MIB, withinPercentage(2));
    }

    @Test
    void q8WeightsOnTheCpuAreOnlyMappedAndTheTiedEmbeddingIsLoadedOnce(@TempDir Path dir) throws Exception {
        // a tied model on a CPU-only host maps token_embd once and uses it as the output too (no second buffer)
        assertThat(hostWeightsMiB(dir, GgmlType.Q8_0)).isCloseTo(Q8_0_MAPPED_MIB, withinPercentage(1));
    }

    /** The engine's host weights for a CPU-only run of the synthetic file, its exact tensor table imported. */
    static double hostWeightsMiB(Path dir, GgmlType weights) throws Exception {
        MemoryModel mm = model(dir, weights);
        RunSettings s = RunSettings.server(4096, 512, 2048, 1, CacheType.F16, CacheType.F16, true, 0, Bytes.ZERO);
        DeviceMemory host = mm.devices(
                        s, Layout.cpuOnly(), List.of(), List.of(), Bytes.ofGiB(16), Bytes.ZERO, Bytes.ZERO)
                .get(0);
        return host.weights().mib();
    }

    static MemoryModel model(Path dir, GgmlType weights) throws Exception {
        ModelSpec m = TestSupport.catalog().model("qwen3-5-0-8b").orElseThrow();
        Path file = dir.resolve("qwen35-0.8B-" + weights.name().toLowerCase(java.util.Locale.ROOT) + ".gguf");
        SyntheticGguf.writer(m, weights).write(file);
        ModelSpec imported = GgufImporter.importFrom(file.toString(), Optional.of("synthetic"), Optional.empty())
                .entry()
                .spec();
        QuantFile q = imported.quantizations().get(0);
        WeightModel w = WeightModel.of(m.architecture(), q);
        // the synthetic file is uniform: every matrix, token_embd (the tied output) included, is of one type, unlike
        // a quantizer's mix (QuantMix: the output Q6_K)
        WeightModel uniform = new WeightModel(
                w.tokenEmbedding(),
                w.output(),
                w.blocks(),
                w.blockExperts(),
                w.activeParamsPerToken(),
                new WeightModel.Types(weights, weights, weights));
        return new MemoryModel(m.architecture(), uniform);
    }
}
