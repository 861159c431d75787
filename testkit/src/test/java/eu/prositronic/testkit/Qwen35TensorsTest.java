package eu.prositronic.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.prositronic.core.ggml.GgmlType;
import eu.prositronic.core.gguf.GgufFile;
import eu.prositronic.core.gguf.GgufReader;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Qwen35TensorsTest {
    @TempDir
    Path dir;

    @Test
    void parameterCountsMatchReference() {
        // llama.cpp print_info n_params for Qwen3.5-9B (reference id 61338146820)
        assertEquals(8953803264L, Qwen35Tensors.parameterCount(Qwen35Config.preset("9B")));
        assertEquals(0.752e9, Qwen35Tensors.parameterCount(Qwen35Config.preset("0.8B")), 0.001e9);
        assertEquals(1.882e9, Qwen35Tensors.parameterCount(Qwen35Config.preset("2B")), 0.001e9);
        assertEquals(4.206e9, Qwen35Tensors.parameterCount(Qwen35Config.preset("4B")), 0.001e9);
        assertEquals(26.896e9, Qwen35Tensors.parameterCount(Qwen35Config.preset("27B")), 0.001e9);
        assertEquals(34.66e9, Qwen35Tensors.parameterCount(Qwen35Config.preset("35B-A3B")), 0.01e9);
        assertEquals(122.11e9, Qwen35Tensors.parameterCount(Qwen35Config.preset("122B-A10B")), 0.01e9);
        assertEquals(396.35e9, Qwen35Tensors.parameterCount(Qwen35Config.preset("397B-A17B")), 0.01e9);
    }

    @Test
    void layerPatternAndStateSizes() {
        Qwen35Config c = Qwen35Config.preset("9B");
        assertTrue(c.isRecurrent(0));
        assertFalse(c.isRecurrent(3));
        assertEquals(8, c.attentionLayers());
        assertEquals(24, c.recurrentLayers());
        // 9B log: RS 50.25 MiB for 1 seq: R 2.25 MiB + S 48 MiB
        assertEquals(2.25 * 1024 * 1024, 24 * 4.0 * c.nEmbdR(), 0.0);
        assertEquals(48.0 * 1024 * 1024, 24 * 4.0 * c.nEmbdS(), 0.0);
    }

    @Test
    void writesReadableFile() throws IOException {
        Qwen35Config c = Qwen35Config.preset("35B-A3B");
        GgufWriter w = Qwen35Gguf.writer(c, Qwen35Tensors.uniform(GgmlType.Q4_0), GgmlType.Q4_0);
        Path p = dir.resolve("moe.gguf");
        w.write(p);
        GgufFile f = GgufReader.read(p);
        assertEquals("qwen35moe", f.architecture());
        assertEquals(248320, f.get("tokenizer.ggml.tokens").asList().size());
        assertEquals("3c9ff", f.get("tokenizer.ggml.tokens").asList().get(0x3c9ff));
        assertEquals(GgmlType.F32, f.tensor("blk.0.ssm_conv1d.weight").type());
        assertEquals(GgmlType.Q4_0, f.tensor("blk.3.attn_q.weight").type());
        org.junit.jupiter.api.Assertions.assertArrayEquals(
                new long[] {2048, 8192}, f.tensor("blk.3.attn_q.weight").shape());
        assertEquals(3, f.tensor("blk.0.ffn_down_exps.weight").nDims());
        assertEquals(null, f.tensor("blk.3.attn_qkv.weight"));
        assertEquals(Qwen35Tensors.generate(c).size(), f.tensors().size());
    }
}
