package eu.prositronic.core.fit;

import static org.assertj.core.api.Assertions.assertThat;

import eu.prositronic.TestSupport;
import eu.prositronic.core.catalog.ModelSpec;
import eu.prositronic.core.inventory.CacheType;
import eu.prositronic.core.units.Bytes;
import org.junit.jupiter.api.Test;

/** The KV and recurrent terms against figures llama.cpp logged (shared/reference/llama-cpp-memory.md §2). */
class MemoryModelTest {
    static MemoryModel model(String id, String quant) {
        ModelSpec m = TestSupport.catalog().model(id).orElseThrow();
        return new MemoryModel(
                m.architecture(),
                WeightModel.of(m.architecture(), m.quant(quant).orElseThrow()));
    }

    static RunSettings settings(long ctx, int nSeq, CacheType k, CacheType v) {
        return RunSettings.server(ctx, 512, 2048, nSeq, k, v, true, 0, Bytes.ZERO);
    }

    static long kvTotal(MemoryModel mm, RunSettings s) {
        long total = 0;
        for (int il = 0; il < mm.architecture().allLayers(); il++) {
            total += mm.kvBytesOfLayer(il, s);
        }
        return total;
    }

    @Test
    void kvCacheOfQwen35_9bMatchesTheLoggedSizes() {
        MemoryModel mm = model("qwen3-5-9b", "Q4_K_M");
        // "KV 4352 MiB, K 2176 + V 2176" at 262144 tokens with q8_0 (log id 61338146820)
        assertThat(kvTotal(mm, settings(262144, 1, CacheType.Q8_0, CacheType.Q8_0)))
                .isEqualTo(4352L * Bytes.MIB);
        // 256.00 MiB at 8192 tokens with f16
        assertThat(kvTotal(mm, settings(8192, 1, CacheType.F16, CacheType.F16))).isEqualTo(256L * Bytes.MIB);
    }

    @Test
    void onlyAttentionLayersHoldKv() {
        MemoryModel mm = model("qwen3-5-4b", "Q5_K_M");
        // 8 of 32 layers, 4 KV heads of 256, K+V f16: 32 KiB per token; 8 GiB at 262144
        assertThat(mm.kvBytesPerToken(settings(4096, 1, CacheType.F16, CacheType.F16)))
                .isEqualTo(32 * 1024);
        assertThat(kvTotal(mm, settings(262144, 1, CacheType.F16, CacheType.F16)))
                .isEqualTo(8L * Bytes.GIB);
    }

    @Test
    void recurrentStateMatchesTheLoggedSizes() {
        // 9B: "50.25 MiB (1 cells, 32 layers) R 2.25, S 48.00"
        assertThat(model("qwen3-5-9b", "Q4_K_M").recurrentBytesPerSequence())
                .isEqualTo(Bytes.ofMiB(50.25).value());
        // 27B: "448.88 MiB (3 cells …)" = 3 x 149.62
        MemoryModel mm27 = model("qwen3-5-27b", "Q4_K_M");
        long three = 0;
        for (int il = 0; il < mm27.architecture().allLayers(); il++) {
            three += mm27.recurrentBytesOfLayer(il, settings(4096, 3, CacheType.F16, CacheType.F16));
        }
        assertThat(Bytes.of(three).mib()).isCloseTo(448.88, org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void theTokenEmbeddingStaysOnTheHostAndTiedModelsPayTwice() {
        MemoryModel mm = model("qwen3-5-4b", "Q5_K_M");
        var devices = mm.devices(
                settings(4096, 1, CacheType.F16, CacheType.F16),
                new Layout(mm.allUnits(), 0, java.util.List.of()),
                java.util.List.of("gpu:0"),
                java.util.List.of(Bytes.ofGiB(24)),
                Bytes.ofGiB(64),
                Bytes.ZERO,
                Bytes.ZERO);
        long host = devices.get(1).weights().value();
        long gpu = devices.get(0).weights().value();
        assertThat(host).isEqualTo(mm.weights().tokenEmbedding().value());
        // the file's bytes plus the duplicated output, minus the GGUF metadata
        long file = TestSupport.catalog()
                .model("qwen3-5-4b")
                .orElseThrow()
                .quant("Q5_K_M")
                .orElseThrow()
                .size()
                .value();
        // each block's share is rounded to a whole byte
        assertThat(host + gpu)
                .isCloseTo(
                        file
                                - WeightModel.metadataBytes(mm.architecture())
                                + mm.weights().output().value(),
                        org.assertj.core.data.Offset.offset(
                                (long) mm.architecture().allLayers()));
    }
}
