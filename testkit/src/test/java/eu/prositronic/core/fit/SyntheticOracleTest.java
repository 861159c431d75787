package eu.prositronic.core.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import eu.prositronic.TestSupport;
import eu.prositronic.core.catalog.Architecture;
import eu.prositronic.core.catalog.ModelSpec;
import eu.prositronic.core.catalog.ModelSpec.QuantFile;
import eu.prositronic.core.ggml.GgmlType;
import eu.prositronic.core.gguf.GgufTensorInfo;
import eu.prositronic.core.units.Bytes;
import eu.prositronic.testkit.GgufWriter;
import eu.prositronic.testkit.ModelTensors;
import eu.prositronic.testkit.SyntheticGguf;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The synthetic files are an oracle for the engine: their tensors per block have exactly the parameters {@link
 * WeightModel} counts for the same catalog model, so an F32 file has exactly four bytes per counted parameter in every
 * block and in its routed experts.
 */
class SyntheticOracleTest {
    private static final Pattern BLOCK = Pattern.compile("^blk\\.(\\d+)\\.(.+)$");

    @Test
    void theSyntheticFilesBlocksHoldTheBytesTheEngineCounts() {
        for (String id : new String[] {
            "qwen3-5-0-8b",
            "qwen3-5-4b",
            "qwen3-5-9b",
            "qwen3-5-27b",
            "qwen3-5-35b-a3b",
            "qwen3-5-397b-a17b",
            "qwen3-30b-a3b"
        }) {
            ModelSpec m = TestSupport.catalog().model(id).orElseThrow();
            long[][] file = blockBytes(m, GgmlType.F32);
            for (int il = 0; il < m.architecture().blockCount(); il++) {
                long[] engine = WeightModel.blockParams(m.architecture(), il);
                assertThat(file[il][0]).as(id + " block " + il).isEqualTo(4 * engine[0]);
                assertThat(file[il][1]).as(id + " experts of block " + il).isEqualTo(4 * engine[1]);
            }
        }
    }

    @Test
    void llamaBlocksHaveNoQkNormsAndTheEngineCountsNone() {
        // Llama's attention has no attn_q_norm / attn_k_norm (src/models/llama.cpp load_arch_tensors): the engine's
        // block parameters equal the synthetic file's tensors exactly
        ModelSpec m = TestSupport.catalog().model("llama-3-1-8b").orElseThrow();
        Architecture a = m.architecture();
        long[][] file = blockBytes(m, GgmlType.F32);
        for (int il = 0; il < a.blockCount(); il++) {
            assertThat(file[il][0] / 4).isEqualTo(WeightModel.blockParams(a, il)[0]);
        }
    }

    @Test
    void withoutATensorTableTheEnginesEstimateIsWithinAPercentOfEachBlock(@TempDir Path dir) throws Exception {
        for (String id : new String[] {"qwen3-5-4b", "qwen3-5-35b-a3b"}) {
            ModelSpec m = TestSupport.catalog().model(id).orElseThrow();
            long size = SyntheticGguf.writer(m, GgmlType.Q8_0).write(dir.resolve(id + ".gguf"));
            WeightModel estimate = WeightModel.of(
                    m.architecture(),
                    new QuantFile(
                            "Q8_0",
                            "local/" + id,
                            id + ".gguf",
                            Bytes.of(size),
                            Optional.empty(),
                            "",
                            Optional.empty()));
            long[][] file = blockBytes(m, GgmlType.Q8_0);
            for (int il = 0; il < m.architecture().blockCount(); il++) {
                assertThat((double) estimate.block(il).value())
                        .as(id + " block " + il)
                        .isCloseTo(file[il][0], withinPercentage(1));
            }
        }
    }

    /** {bytes, routed-expert bytes} per block of the synthetic file's tensor table. */
    static long[][] blockBytes(ModelSpec m, GgmlType weights) {
        GgufWriter w = SyntheticGguf.writer(m, ModelTensors.uniform(weights), weights, SyntheticGguf.Vocab.NONE);
        long[][] out = new long[m.architecture().blockCount()][2];
        for (GgufTensorInfo t : w.layout()) {
            Matcher b = BLOCK.matcher(t.name());
            if (b.matches()) {
                int il = Integer.parseInt(b.group(1));
                out[il][0] += t.bytes();
                if (b.group(2).matches("ffn_(gate|up|down)_exps\\.weight")) {
                    out[il][1] += t.bytes();
                }
            }
        }
        return out;
    }
}
