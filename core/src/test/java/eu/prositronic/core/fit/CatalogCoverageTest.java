package eu.prositronic.core.fit;

import static org.assertj.core.api.Assertions.assertThat;

import eu.prositronic.TestSupport;
import eu.prositronic.core.catalog.Hardware;
import eu.prositronic.core.catalog.ModelSpec;
import eu.prositronic.core.console.NoFitMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every model × quantization of the catalog plans on every GPU of the catalog (and on CPU) when the node is large. */
class CatalogCoverageTest {
    static final Map<String, String> EXPECTED_BACKEND = Map.of(
            "nvidia-gtx1080ti", "cuda12",
            "nvidia-v100-32gb", "cuda12",
            "amd-rx7900xtx", "rocm",
            "amd-mi300x", "rocm");

    @Test
    void everyModelAndQuantizationPlansOnEveryGpu() throws Exception {
        var catalog = TestSupport.catalog();
        List<String> failures = new ArrayList<>();
        int planned = 0;
        List<String> hardware = new ArrayList<>(catalog.gpuIds());
        hardware.add("cpu");
        for (String hw : hardware) {
            StringBuilder deployments = new StringBuilder();
            int port = 8000;
            for (ModelSpec m : catalog.models().values()) {
                for (ModelSpec.QuantFile q : m.quantizations()) {
                    deployments
                            .append("  - {name: d")
                            .append(port)
                            .append(", model: ")
                            .append(m.id())
                            .append(", quant: ")
                            .append(q.quant())
                            .append(", node: n")
                            .append(port)
                            .append(", context: 4096}\n");
                    port++;
                }
            }
            StringBuilder nodes = new StringBuilder();
            for (int p = 8000; p < port; p++) {
                nodes.append("  - {name: n")
                        .append(p)
                        .append(", address: 10.0.0.1, ram: 4TiB, cpu: {cores: 64}")
                        .append(hw.equals("cpu") ? "" : ", gpus: [{model: " + hw + ", count: 8}]")
                        .append("}\n");
            }
            String yaml = "cluster: {name: c, namespace: llm}\nnodes:\n" + nodes + "deployments:\n" + deployments;
            Plan plan;
            try {
                plan = Planner.plan(TestSupport.inventory(yaml), catalog);
            } catch (NoFitException e) {
                failures.add(hw + ": " + NoFitMessage.format(e.noFits()));
                continue;
            }
            for (DeploymentPlan d : plan.deployments()) {
                planned++;
                Hardware h = catalog.hardware(hw).orElseThrow();
                String expected = EXPECTED_BACKEND.getOrDefault(hw, h.kind() == Hardware.Kind.CPU ? "cpu" : "cuda13");
                if (!d.backend().key().equals(expected)) {
                    failures.add(hw + " " + d.model().id() + ": backend " + d.backend() + ", expected " + expected);
                }
                if (d.ctxSize() != 4096) {
                    failures.add(hw + " " + d.model().id() + " " + d.quant().quant() + ": context " + d.ctxSize());
                }
            }
        }
        assertThat(failures).isEmpty();
        long quants = catalog.models().values().stream()
                .mapToLong(m -> m.quantizations().size())
                .sum();
        assertThat(planned).isEqualTo(quants * hardware.size());
        assertThat(quants).isGreaterThanOrEqualTo(90);
    }
}
