package eu.prositronic.core.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.prositronic.TestSupport;
import eu.prositronic.core.catalog.Architecture;
import eu.prositronic.core.inventory.CacheType;
import eu.prositronic.core.units.Bytes;
import org.junit.jupiter.api.Test;

/**
 * The replay of ggml-alloc: its best-fit rule and merging by hand, and the Qwen3.5 and Gemma 3 graphs against the
 * buffers llama.cpp v0.5.0 reserved (exact bytes from tools/llama-measure ctxprobe, results/*-cpu.jsonl; every
 * recorded context is replayed by RecordedLlamaCppTest).
 */
class GgmlAllocatorTest {
    @Test
    void bestFitAmongTheHolesElseTheEnd() {
        GgmlAllocator m = new GgmlAllocator();
        m.alloc("a", 100); // 0..128 (32-byte aligned)
        m.alloc("b", 64); // 128..192
        m.alloc("c", 320); // 192..512
        m.alloc("d", 32); // 512..544
        m.free("a"); // hole of 128
        m.free("c"); // hole of 320
        m.alloc("e", 96); // best fit: the 128 hole, not the 320 one
        assertThat(m.maxSize()).isEqualTo(544);
        m.alloc("f", 352); // fits no hole: the end grows
        assertThat(m.maxSize()).isEqualTo(544 + 352);
        m.alloc("g", 320); // the 320 hole
        assertThat(m.maxSize()).isEqualTo(896);
    }

    @Test
    void freedNeighboursMergeIntoOneBlock() {
        GgmlAllocator m = new GgmlAllocator();
        m.alloc("a", 64);
        m.alloc("b", 64);
        m.alloc("c", 64);
        m.alloc("end", 32);
        m.free("a");
        m.free("c");
        m.free("b"); // a + b + c: one block of 192
        m.alloc("d", 192);
        assertThat(m.maxSize()).isEqualTo(224);
        m.inPlace("d", "e");
        assertThatThrownBy(() -> m.free("d")).isInstanceOf(IllegalStateException.class);
        m.free("e");
    }

    @Test
    void qwen35HolesAsLlamaCppReservesThem() {
        // Qwen3.5 9B, 4 slots of 1,024 cells, ubatch 512, flash attention off: 115,357,760 B (110.01 MiB; the stage
        // formula before gave 98 MiB), ctxprobe 4096,512,2048,4,f16,f16,off,0
        Architecture a = arch("qwen3-5-9b");
        RunSettings s = RunSettings.server(4096, 512, 2048, 4, CacheType.F16, CacheType.F16, false, 0, Bytes.ZERO);
        assertThat(new Qwen35Graph(a).bytes(s, 1024, true)).isEqualTo(115_357_760L);
        // Qwen3.5 122B-A10B, 4 slots, flash attention on: the gated delta net's output above the conv stage's holes,
        // 135,874,624 B (the stage formula: −6.6 %)
        RunSettings fa = RunSettings.server(4096, 512, 2048, 4, CacheType.F16, CacheType.F16, true, 0, Bytes.ZERO);
        assertThat(new Qwen35Graph(arch("qwen3-5-122b-a10b")).bytes(fa, 1024, true))
                .isEqualTo(135_874_624L);
    }

    @Test
    void gemma3WithoutFlashAttentionAtSeveralSlots() {
        // Gemma 3 12B and 4B, 4 slots of 1,024 cells (SWA cache 1,024 too), ubatch 512, flash attention off: the hole
        // before the FFN is one residual row for the 12B, n_embd + 2·n_head·head_dim for the 4B
        RunSettings s = RunSettings.server(4096, 512, 2048, 4, CacheType.F16, CacheType.F16, false, 0, Bytes.ZERO);
        assertThat(new Gemma3Graph(arch("gemma-3-12b")).bytes(s, 1024, 1024, true))
                .isEqualTo(138_948_640L);
        assertThat(new Gemma3Graph(arch("gemma-3-4b")).bytes(s, 1024, 1024, true))
                .isEqualTo(99_627_040L);
    }

    private static Architecture arch(String id) {
        return TestSupport.catalog().model(id).orElseThrow().architecture();
    }
}
