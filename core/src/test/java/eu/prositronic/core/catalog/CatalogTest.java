package eu.prositronic.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import eu.prositronic.TestSupport;
import eu.prositronic.core.catalog.CatalogLoader.CatalogFile;
import eu.prositronic.core.fit.WeightModel;
import eu.prositronic.core.ggml.QuantMix;
import eu.prositronic.core.problem.InvalidInputException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CatalogTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void everyEmbeddedFileValidatesAgainstItsSchema() throws Exception {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (CatalogFile f : CatalogLoader.embeddedFiles()) {
            String kind = f.relativePath().startsWith("models/")
                    ? "model"
                    : f.relativePath().startsWith("hardware/")
                            ? "hardware"
                            : f.relativePath().equals("images.yaml") ? "images" : null;
            if (kind == null) {
                continue;
            }
            JsonSchema schema;
            try (InputStream in = getClass()
                    .getClassLoader()
                    .getResourceAsStream(CatalogLoader.RESOURCE_ROOT + "schema/" + kind + ".schema.json")) {
                schema = factory.getSchema(in);
            }
            JsonNode doc = YAML.readTree(f.text());
            Set<ValidationMessage> errors = schema.validate(doc);
            errors.forEach(e -> failures.add(f.relativePath() + ": " + e.getMessage()));
            checked++;
        }
        assertThat(checked).isGreaterThanOrEqualTo(35);
        assertThat(failures).isEmpty();
    }

    @Test
    void holdsTheModelsAndGpusTheProductPromises() {
        Catalog c = TestSupport.catalog();
        for (String size : List.of("0-8b", "2b", "4b", "9b", "27b", "35b-a3b", "122b-a10b", "397b-a17b")) {
            ModelSpec m = c.model("qwen3-5-" + size).orElseThrow();
            // the MoE models publish MXFP4_MOE, not Q4_0 (no listing shows a Q4_0 of them)
            String fourBit = m.architecture().moe().isPresent() ? "MXFP4_MOE" : "Q4_0";
            for (String q : List.of("Q3_K_M", fourBit, "Q4_K_M", "Q5_K_M", "Q6_K", "Q8_0")) {
                assertThat(m.quant(q)).as(m.id() + " " + q).isPresent();
            }
            if (m.architecture().moe().isPresent()) {
                assertThat(m.quant("Q4_0"))
                        .as(m.id() + " has no published Q4_0")
                        .isEmpty();
            }
        }
        assertThat(c.model("qwen3.5-4b")).map(ModelSpec::id).hasValue("qwen3-5-4b");
        for (String gpu : List.of(
                "nvidia-gtx1080ti",
                "nvidia-rtx2080ti",
                "nvidia-rtx3060",
                "nvidia-rtx3090",
                "nvidia-rtx4060ti-16gb",
                "nvidia-rtx4090",
                "nvidia-rtx5090",
                "nvidia-t4",
                "nvidia-v100-32gb",
                "nvidia-a10",
                "nvidia-l4",
                "nvidia-l40s",
                "nvidia-a100-40gb",
                "nvidia-a100-80gb",
                "nvidia-h100-80gb",
                "nvidia-h200",
                "nvidia-b200",
                "amd-rx7900xtx",
                "amd-mi300x")) {
            assertThat(c.hardware(gpu)).as(gpu).isPresent();
        }
        assertThat(c.images().byBackend()).hasSize(Backend.values().length);
    }

    @Test
    void parameterCountsMatchTheArchitectureWithinOnePercent() {
        for (ModelSpec m : TestSupport.catalog().models().values()) {
            long computed = WeightModel.totalParams(m.architecture());
            assertThat((double) computed)
                    .as(m.id() + ": catalog says " + m.parametersTotal() + ", the architecture gives " + computed)
                    .isCloseTo(m.parametersTotal(), org.assertj.core.data.Percentage.withPercentage(1));
        }
    }

    @Test
    void fileSizesGrowWithBitsPerWeight() {
        for (ModelSpec m : TestSupport.catalog().models().values()) {
            List<ModelSpec.QuantFile> plain = m.quantizations().stream()
                    .filter(q -> !q.quant().startsWith("UD-"))
                    .sorted((a, b) -> Double.compare(
                            QuantMix.baseBitsPerWeight(a.quant()), QuantMix.baseBitsPerWeight(b.quant())))
                    .toList();
            for (int i = 1; i < plain.size(); i++) {
                ModelSpec.QuantFile lo = plain.get(i - 1);
                ModelSpec.QuantFile hi = plain.get(i);
                if (QuantMix.baseBitsPerWeight(lo.quant()) < QuantMix.baseBitsPerWeight(hi.quant())) {
                    assertThat(hi.size())
                            .as(m.id() + ": " + hi.quant() + " should be larger than " + lo.quant())
                            .isGreaterThan(lo.size());
                }
            }
        }
    }

    @Test
    void aUserCatalogOverridesAndAddsAndItsErrorsNameTheFile() throws Exception {
        List<CatalogFile> embedded = CatalogLoader.embeddedFiles();
        String rtx3090 = embedded.stream()
                .filter(f -> f.relativePath().equals("hardware/nvidia-rtx3090.yaml"))
                .findFirst()
                .orElseThrow()
                .text();
        CatalogFile mine = new CatalogFile(
                Path.of("catalog/hardware/my-gpu.yaml"),
                "hardware/my-gpu.yaml",
                rtx3090.replace("id: nvidia-rtx3090", "id: my-gpu"));
        Catalog merged = CatalogLoader.load(embedded, List.of(mine));
        assertThat(merged.hardware("my-gpu")).isPresent();

        CatalogFile typo = new CatalogFile(
                Path.of("catalog/hardware/nvidia-rtx3090.yaml"),
                "hardware/nvidia-rtx3090.yaml",
                rtx3090.replace("memoryBytes:", "memoryByte:"));
        assertThatThrownBy(() -> CatalogLoader.load(embedded, List.of(typo)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("catalog/hardware/nvidia-rtx3090.yaml:")
                .hasMessageContaining("unknown key `memoryByte`")
                .hasMessageContaining("perhaps you meant `memoryBytes`");
    }
}
