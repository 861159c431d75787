package eu.prositronic.core.fit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import eu.prositronic.TestSupport;
import eu.prositronic.core.catalog.ModelSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The vision projectors' figures against what llama.cpp's clip reserved at the pin: {@code
 * tools/llama-measure/results/mmproj-cpu.jsonl} holds one line per catalog model and flash-attention setting, each
 * measured by {@code mmprobe} ({@code mtmd_get_memory_usage}, the call llama-server makes) on a shape-exact synthetic
 * mmproj ({@code mmproj_stub.py}), with the command that produced it. The plan's projector compute is that figure to
 * the byte; its weights (the catalog's file size) are the synthetic file's tensor bytes plus the GGUF header.
 */
class RecordedProjectorTest {
    static final Path RECORDS = TestSupport.repoRoot().resolve("tools/llama-measure/results/mmproj-cpu.jsonl");

    static List<JsonNode> records() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(RECORDS)) {
            if (!line.isBlank()) {
                out.add(json.readTree(line));
            }
        }
        return out;
    }

    @Test
    void everyRecordedProjectorComputeBufferIsTheCatalogsToTheByte() throws Exception {
        List<JsonNode> records = records();
        assertThat(records).hasSizeGreaterThanOrEqualTo(16);
        Set<String> covered = new HashSet<>();
        for (JsonNode r : records) {
            ModelSpec m = TestSupport.catalog().model(r.path("model").asText()).orElseThrow();
            ModelSpec.Vision v = m.capabilities().vision().orElseThrow();
            boolean fa = r.path("flashAttn").asText().equals("on");
            assertThat(v.compute(fa)).as(r.path("command").asText()).hasValueSatisfying(b -> assertThat(b.value())
                    .isEqualTo(r.path("computeBytes").asLong()));
            assertThat(r.path("command").asText()).contains("mmprobe").contains("mmproj_stub.py");
            covered.add(m.id());
        }
        // every catalog model with a projector has a measured record of its tower (the 1152-wide Qwen3.5 tower of
        // the MoE models is the 9B's: the compute buffer does not depend on the projection width, see the records of
        // qwen3-5-9b and qwen3-5-27b, which differ only in it)
        for (ModelSpec m : TestSupport.catalog().models().values()) {
            if (m.capabilities().vision().isPresent() && !covered.contains(m.id())) {
                assertThat(m.capabilities().vision().get().computeSource())
                        .as(m.id())
                        .contains("mmproj_stub.py qwen3vl_merger 1152 4304 27 16");
                assertThat(m.capabilities().vision().get().compute(true))
                        .isEqualTo(TestSupport.catalog()
                                .model("qwen3-5-9b")
                                .orElseThrow()
                                .capabilities()
                                .vision()
                                .orElseThrow()
                                .compute(true));
            }
        }
    }

    @Test
    void theSyntheticFilesAreTheCatalogsFilesWhereTheCatalogPinsThem() throws Exception {
        for (JsonNode r : records()) {
            ModelSpec m = TestSupport.catalog().model(r.path("model").asText()).orElseThrow();
            ModelSpec.QuantFile f = m.capabilities().vision().orElseThrow().file();
            if (f.verified()) {
                long header = f.size().value() - r.path("weightsBytes").asLong();
                if (m.architecture().ggufArchitecture().equals("gemma3")) {
                    // Gemma 3's published projector holds 10,817,216 B more than the stub's SigLIP tower, header
                    // included
                    // (the same for every size): the catalog says its compute figure is not yet checked against the
                    // real file
                    assertThat(header).as(m.id()).isEqualTo(10_817_216L);
                    assertThat(m.capabilities().vision().get().computeSource())
                            .contains("10,817,216 B larger than the synthetic tower");
                } else {
                    // the real file = the synthetic tensors + a header of some KiB (metadata, tensor infos, padding)
                    assertThat(header).as(m.id()).isBetween(1L, 64L * 1024);
                }
            }
        }
    }

    @Test
    void theMeasuredFiguresAreThoseOfPublicLogsOfTheRealFiles() throws Exception {
        for (JsonNode r : records()) {
            if (!r.path("flashAttn").asText().equals("on")) {
                continue;
            }
            double mib = r.path("computeBytes").asLong() / 1048576.0;
            switch (r.path("nEmbd").asInt()) {
                // Qwen3.5-4B mmproj, CUDA0 (llama.cpp PR #22673) and Qwen3.5-2B mmproj, CPU: 223.30 MiB
                case 1024 ->
                    assertThat(String.format(java.util.Locale.ROOT, "%.2f", mib))
                            .isEqualTo("223.30");
                // a 1152-wide tower, Vulkan0 (llama.cpp PR #23269): 248.10 MiB
                case 1152 ->
                    assertThat(String.format(java.util.Locale.ROOT, "%.2f", mib))
                            .isEqualTo(r.path("tower").asText().equals("gemma3") ? "121.25" : "248.10");
                default -> assertThat(mib).isPositive();
            }
        }
    }
}
