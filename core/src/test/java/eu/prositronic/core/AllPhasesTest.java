package eu.prositronic.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import eu.prositronic.TestSupport;
import eu.prositronic.core.problem.InvalidInputException;
import eu.prositronic.core.problem.Problem;
import eu.prositronic.core.write.OutputWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broken catalog file does not hide the inventory's problems: one run reports both phases. */
class AllPhasesTest {
    static final String INVENTORY = """
            cluster: {name: homelab, namespace: llm}
            nodes:
              - name: gpu-01
                address: 192.168.1.21
                ram: 64GiB
                cpu: {cores: 16}
                gpus: [{model: nvidia-rtx3090}]
            deployments:
              - name: chat
                model: qwen3-5-4b
                quant: Q4_K_M
                node: gpu-01
                port: 80
              - name: small
                model: qwen3-5-0-8b
                quant: Q4_K_M
                node: gpu-01
                port: 8081
            """;

    @Test
    void aBrokenCatalogFileAndAnInventoryErrorAreReportedTogether(@TempDir Path dir) throws Exception {
        Path catalog = dir.resolve("catalog");
        Path model = catalog.resolve("models/qwen3-5-0-8b.yaml");
        Files.createDirectories(model.getParent());
        String good = Files.readString(TestSupport.repoRoot()
                .resolve("catalog/src/main/resources/prositronic/catalog/models/qwen3-5-0-8b.yaml"));
        Files.writeString(model, good.replace("blockCount:", "blokCount:"));
        Path inventory = dir.resolve("inventory.yaml");
        Files.writeString(inventory, INVENTORY);
        Throwable t = catchThrowable(() -> Compiler.compile(
                new Compiler.Request(
                        inventory, Optional.of(catalog), dir.resolve("out"), "test", OutputWriter.Writer.ANONYMOUS),
                s -> {}));
        assertThat(t).isInstanceOf(InvalidInputException.class);
        List<String> problems = ((InvalidInputException) t)
                .problems().stream().map(Problem::format).toList();
        assertThat(problems).anyMatch(p -> p.startsWith(model + ":") && p.contains("unknown key `blokCount`"));
        assertThat(problems).anyMatch(p -> p.startsWith(inventory + ":") && p.contains("below 1024"));
        assertThat(problems)
                .as("the broken model is the catalog's problem, not an unknown model")
                .noneMatch(p -> p.contains("unknown model"));
        assertThat(dir.resolve("out")).doesNotExist();
    }
}
