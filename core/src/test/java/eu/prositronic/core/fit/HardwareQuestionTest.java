package eu.prositronic.core.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.prositronic.TestSupport;
import eu.prositronic.core.console.QuantTable;
import eu.prositronic.core.problem.ProsiException;
import eu.prositronic.core.units.Bytes;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** `prositronic:fit`: every quantization of a model alone on one hardware, as the catalog pages fit it. */
class HardwareQuestionTest {
    @Test
    void everyQuantizationIsAnsweredAsItsCatalogPageIs() throws Exception {
        var catalog = TestSupport.catalog();
        List<HardwareQuestion.Answer> answers =
                HardwareQuestion.ask(catalog, "qwen3-5-27b", "nvidia-rtx3090", Optional.empty());
        var model = catalog.model("qwen3-5-27b").orElseThrow();
        assertThat(answers).hasSameSizeAs(model.quantizations());
        for (HardwareQuestion.Answer a : answers) {
            DeploymentPlan answer = a.plan().orElseThrow();
            DeploymentPlan page =
                    Planner.catalogPage(answer.deployment(), catalog).orElseThrow();
            assertThat(answer.ctxSize()).as(a.quant().quant()).isEqualTo(page.ctxSize());
            assertThat(answer.gpuLayers()).isEqualTo(page.gpuLayers());
            assertThat(answer.memory().vramUsed()).isEqualTo(page.memory().vramUsed());
        }
        // a smaller file never gets a smaller context on the same card
        long q3 = answers.stream()
                .filter(a -> a.quant().quant().equals("Q3_K_M"))
                .findFirst()
                .orElseThrow()
                .plan()
                .orElseThrow()
                .ctxSize();
        long q8 = answers.stream()
                .filter(a -> a.quant().quant().equals("Q8_0"))
                .findFirst()
                .orElseThrow()
                .plan()
                .orElseThrow()
                .ctxSize();
        assertThat(q3).isGreaterThanOrEqualTo(q8);
        List<String> table = QuantTable.lines("qwen3-5-27b", "nvidia-rtx3090", answers);
        assertThat(table.get(1)).startsWith("quant").contains("context").contains("tok/s*");
        assertThat(table).anyMatch(l -> l.startsWith("Q8_0 "));
    }

    @Test
    void severalGpusAndACpuWithItsRamAreHardwareToo() throws Exception {
        var catalog = TestSupport.catalog();
        var two = HardwareQuestion.ask(catalog, "qwen3-5-27b", "2x-nvidia-rtx3090", Optional.empty());
        assertThat(two.get(0).plan().orElseThrow().memory().gpus()).hasSize(2);
        var cpu = HardwareQuestion.ask(catalog, "qwen3-5-4b", "cpu", Optional.of(Bytes.ofGiB(8)));
        for (HardwareQuestion.Answer a : cpu) {
            a.plan().ifPresent(p -> assertThat(p.memory().ramUsed()).isLessThanOrEqualTo(Bytes.ofGiB(6)));
        }
        var tiny = HardwareQuestion.ask(catalog, "qwen3-5-27b", "cpu", Optional.of(Bytes.ofGiB(4)));
        assertThat(tiny).allMatch(a -> a.plan().isEmpty());
        assertThat(QuantTable.lines("qwen3-5-27b", "cpu", tiny)).anyMatch(l -> l.contains("does not fit"));
    }

    @Test
    void unknownNamesAreErrorsWithTheClosestKnownOne() {
        var catalog = TestSupport.catalog();
        assertThatThrownBy(() -> HardwareQuestion.ask(catalog, "qwen3-5-4", "nvidia-rtx3090", Optional.empty()))
                .isInstanceOf(ProsiException.class)
                .hasMessageContaining("unknown model `qwen3-5-4`")
                .hasMessageContaining("qwen3-5-4b");
        assertThatThrownBy(() -> HardwareQuestion.ask(catalog, "qwen3-5-4b", "nvidia-rtx390", Optional.empty()))
                .isInstanceOf(ProsiException.class)
                .hasMessageContaining("unknown hardware `nvidia-rtx390`")
                .hasMessageContaining("nvidia-rtx3090");
        assertThatThrownBy(() -> HardwareQuestion.ask(catalog, "qwen3-5-4b", "two rtx3090s", Optional.empty()))
                .isInstanceOf(ProsiException.class)
                .hasMessageContaining("not a hardware id");
    }
}
