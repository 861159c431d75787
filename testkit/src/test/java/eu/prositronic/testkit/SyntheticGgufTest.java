package eu.prositronic.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import eu.prositronic.TestSupport;
import eu.prositronic.core.catalog.Architecture;
import eu.prositronic.core.catalog.LayerKind;
import eu.prositronic.core.catalog.ModelSpec;
import eu.prositronic.core.ggml.GgmlType;
import eu.prositronic.core.ggml.LlamaFileType;
import eu.prositronic.core.gguf.GgufFile;
import eu.prositronic.core.gguf.GgufReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticGgufTest {
    @TempDir
    Path dir;

    static Architecture arch(String id) {
        return TestSupport.catalog().model(id).orElseThrow().architecture();
    }

    @Test
    void theCatalogShapesGiveTheParameterCountsLlamaCppPrints() {
        // llama.cpp print_info n_params for Qwen3.5-9B (reference id 61338146820)
        assertThat(ModelTensors.parameterCount(arch("qwen3-5-9b"))).isEqualTo(8953803264L);
        assertThat((double) ModelTensors.parameterCount(arch("qwen3-5-0-8b"))).isCloseTo(0.752e9, within(0.001e9));
        assertThat((double) ModelTensors.parameterCount(arch("qwen3-5-2b"))).isCloseTo(1.882e9, within(0.001e9));
        assertThat((double) ModelTensors.parameterCount(arch("qwen3-5-4b"))).isCloseTo(4.206e9, within(0.001e9));
        assertThat((double) ModelTensors.parameterCount(arch("qwen3-5-27b"))).isCloseTo(26.896e9, within(0.001e9));
        assertThat((double) ModelTensors.parameterCount(arch("qwen3-5-35b-a3b")))
                .isCloseTo(34.66e9, within(0.01e9));
        assertThat((double) ModelTensors.parameterCount(arch("qwen3-5-122b-a10b")))
                .isCloseTo(122.11e9, within(0.01e9));
        assertThat((double) ModelTensors.parameterCount(arch("qwen3-5-397b-a17b")))
                .isCloseTo(396.35e9, within(0.01e9));
    }

    @Test
    void everyCatalogModelOfAKnownFamilyHasTheCatalogsParameterCount() {
        List<String> covered = new ArrayList<>();
        for (ModelSpec m : TestSupport.catalog().models().values()) {
            if (!Family.known().contains(m.architecture().ggufArchitecture())) {
                continue;
            }
            long n = ModelTensors.parameterCount(m.architecture());
            if (m.parametersTotal() % 10_000_000 == 0) {
                // a model card's figure, rounded to four digits (gpt-oss: 20.91B, 116.83B)
                assertThat((double) n).as(m.id() + ": parameters.total").isCloseTo(m.parametersTotal(), within(5e6));
            } else {
                assertThat(n).as(m.id() + ": parameters.total").isEqualTo(m.parametersTotal());
            }
            covered.add(m.id());
        }
        assertThat(covered)
                .contains(
                        "qwen3-5-4b",
                        "qwen3-5-35b-a3b",
                        "llama-3-1-8b",
                        "qwen3-30b-a3b",
                        "gemma-3-4b",
                        "gemma-3-27b",
                        "gpt-oss-20b",
                        "gpt-oss-120b");
    }

    @Test
    void fullAttentionWhereTheCatalogsPatternSaysSo() {
        Architecture a = arch("qwen3-5-9b");
        assertThat(a.layerKind(0)).isEqualTo(LayerKind.RECURRENT);
        assertThat(a.layerKind(3)).isEqualTo(LayerKind.FULL);
        assertThat(Qwen35Family.fullAttentionInterval(a)).isEqualTo(4);
        assertThat(ModelTensors.generate(a).stream().filter(s -> s.name.endsWith("attn_q.weight")))
                .hasSize(8);
    }

    @Test
    void writesAFileTheReaderReadsBack() throws Exception {
        ModelSpec m = TestSupport.catalog().model("qwen3-5-35b-a3b").orElseThrow();
        GgufWriter w = SyntheticGguf.writer(m, GgmlType.Q4_0);
        Path p = dir.resolve("moe.gguf");
        w.write(p);
        GgufFile f = GgufReader.read(p);
        assertThat(f.architecture()).isEqualTo("qwen35moe");
        assertThat(f.get("general.file_type").asLong()).isEqualTo(LlamaFileType.Q4_0.id());
        assertThat(f.get("tokenizer.ggml.tokens").asList()).hasSize(248320);
        assertThat(f.get("tokenizer.ggml.tokens").asList().get(0x3c9ff)).isEqualTo("3c9ff");
        assertThat(f.tensor("blk.0.ssm_conv1d.weight").type()).isEqualTo(GgmlType.F32);
        assertThat(f.tensor("blk.3.attn_q.weight").type()).isEqualTo(GgmlType.Q4_0);
        assertThat(f.tensor("blk.3.attn_q.weight").shape()).containsExactly(2048, 8192);
        assertThat(f.tensor("blk.0.ffn_down_exps.weight").nDims()).isEqualTo(3);
        assertThat(f.tensor("blk.3.attn_qkv.weight")).isNull();
        assertThat(f.tensors()).hasSize(ModelTensors.generate(m.architecture()).size());
    }

    @Test
    void theEntryPointWritesAnyCatalogModelOfAKnownFamily() throws Exception {
        Path p = dir.resolve("llama.gguf");
        SyntheticGguf.main(new String[] {"llama-3-1-8b", "q8_0", p.toString(), "none"});
        GgufFile f = GgufReader.read(p);
        assertThat(f.architecture()).isEqualTo("llama");
        assertThat(f.tensor("blk.31.ffn_down.weight").shape()).containsExactly(14336, 4096);
        assertThat(f.tensor("output.weight")).isNotNull();
        assertThatThrownBy(() -> Family.of("cohere2"))
                .hasMessageContaining("no tensor table for GGUF architecture `cohere2`")
                .hasMessageContaining("qwen35, qwen35moe, llama, qwen3moe, gemma3, gpt-oss");
        assertThatThrownBy(() -> SyntheticGguf.catalogModel("qwen9")).hasMessageContaining("no catalog model `qwen9`");
    }

    @Test
    void gemma3IsTiedWithPostNormsAndTheDefaultSlidingPattern() throws Exception {
        Path p = dir.resolve("gemma.gguf");
        SyntheticGguf.writer(TestSupport.catalog().model("gemma-3-4b").orElseThrow(), GgmlType.Q5_0)
                .write(p);
        GgufFile f = GgufReader.read(p);
        assertThat(f.architecture()).isEqualTo("gemma3");
        assertThat(f.get("gemma3.attention.sliding_window").asLong()).isEqualTo(1024);
        assertThat(f.tensor("token_embd.weight").shape()).containsExactly(2560, 262144);
        assertThat(f.tensors().stream().map(t -> t.name())).doesNotContain("output.weight");
        assertThat(f.tensor("blk.33.post_ffw_norm.weight").shape()).containsExactly(2560);
        assertThat(f.tensor("blk.0.attn_q_norm.weight").shape()).containsExactly(256);
        assertThat(f.tensor("blk.0.post_attention_norm.weight")).isNotNull();
    }

    @Test
    void gptOssHasBiasesSinksAndMxfp4Experts() throws Exception {
        Path p = dir.resolve("gpt-oss.gguf");
        ModelSpec m = TestSupport.catalog().model("gpt-oss-20b").orElseThrow();
        SyntheticGguf.writer(
                        m,
                        ModelTensors.withExperts(GgmlType.Q5_0, GgmlType.MXFP4),
                        GgmlType.Q5_0,
                        SyntheticGguf.Vocab.TEST)
                .write(p);
        GgufFile f = GgufReader.read(p);
        assertThat(f.architecture()).isEqualTo("gpt-oss");
        assertThat(f.tensor("blk.0.ffn_gate_exps.weight").shape()).containsExactly(2880, 2880, 32);
        assertThat(f.tensor("blk.0.ffn_gate_exps.weight").type()).isEqualTo(GgmlType.MXFP4);
        assertThat(f.tensor("blk.0.attn_q.weight").type()).isEqualTo(GgmlType.Q5_0);
        assertThat(f.tensor("blk.0.attn_sinks.weight").shape()).containsExactly(64);
        assertThat(f.tensor("blk.23.ffn_down_exps.bias").shape()).containsExactly(2880, 32);
        assertThat(f.tensor("blk.0.attn_q.bias").shape()).containsExactly(4096);
        assertThat(f.tensor("output.weight")).isNotNull();
    }
}
