package eu.prositronic.core.fit;

import static org.assertj.core.api.Assertions.assertThat;

import eu.prositronic.TestSupport;
import eu.prositronic.core.catalog.Hardware;
import eu.prositronic.core.catalog.ModelSpec;
import eu.prositronic.core.units.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every model × quantization of the catalog on every GPU of the catalog (and on CPU), each alone on a realistic node:
 * one GPU and 64 GiB of RAM. What fits must plan with the expected backend, on the GPU when the file is clearly smaller
 * than the card, partly offloaded when it is not; what cannot fit even in VRAM and RAM together must fail.
 */
class CatalogCoverageTest {
    static final Bytes NODE_RAM = Bytes.ofGiB(64);

    static final Map<String, String> EXPECTED_BACKEND = Map.of(
            "nvidia-gtx1080ti", "cuda12",
            "nvidia-v100-32gb", "cuda12",
            "amd-rx7900xtx", "rocm",
            "amd-mi300x", "rocm");

    @Test
    void everyModelAndQuantizationFitsEveryGpuAsItsSizeSays() throws Exception {
        var catalog = TestSupport.catalog();
        List<String> failures = new ArrayList<>();
        int planned = 0;
        int full = 0;
        int offloaded = 0;
        int refused = 0;
        List<String> hardware = new ArrayList<>(catalog.gpuIds());
        hardware.add("cpu");
        for (String hw : hardware) {
            Hardware h = catalog.hardware(hw).orElseThrow();
            boolean gpu = h.kind() == Hardware.Kind.GPU;
            Bytes vram = gpu ? h.memory() : Bytes.ZERO;
            String expectedBackend = EXPECTED_BACKEND.getOrDefault(hw, gpu ? "cuda13" : "cpu");
            for (ModelSpec m : catalog.models().values()) {
                for (ModelSpec.QuantFile q : m.quantizations()) {
                    String yaml = "cluster: {name: c, namespace: llm}\nnodes:\n"
                            + "  - {name: n1, address: 10.0.0.1, ram: 64GiB, cpu: {cores: 16}"
                            + (gpu ? ", gpus: [{model: " + hw + "}]" : "") + "}\n"
                            + "deployments:\n  - {name: d, model: " + m.id() + ", quant: " + q.quant()
                            + ", node: n1, context: 4096}\n";
                    String what = hw + " " + m.id() + " " + q.quant() + " ("
                            + q.size().human() + ")";
                    // clearly too large: the file alone exceeds everything the node has
                    boolean cannotFit = q.size().compareTo(vram.plus(NODE_RAM)) > 0;
                    // clearly small: the file and 2 GiB of caches and buffers fit the card after its reserve
                    boolean clearlyFits =
                            gpu && q.size().plus(Bytes.ofGiB(2)).compareTo(vram.minus(LlamaCpp.FIT_TARGET)) < 0;
                    Plan plan;
                    try {
                        plan = Planner.plan(TestSupport.inventory(yaml), catalog);
                    } catch (NoFitException e) {
                        refused++;
                        // on CPU a file under 24 GiB fits 64 GiB even when the backend repacks a copy of it
                        if (!cannotFit && (clearlyFits || !gpu && q.size().compareTo(Bytes.ofGiB(24)) < 0)) {
                            failures.add(what + ": refused although it is small enough");
                        }
                        continue;
                    }
                    DeploymentPlan d = plan.deployments().get(0);
                    planned++;
                    if (cannotFit) {
                        failures.add(what + ": planned although the file exceeds VRAM and RAM together");
                    }
                    if (!d.backend().key().equals(expectedBackend)) {
                        failures.add(what + ": backend " + d.backend().key() + ", expected " + expectedBackend);
                    }
                    if (d.ctxSize() != 4096) {
                        failures.add(what + ": context " + d.ctxSize());
                    }
                    if (clearlyFits && d.layoutKind() != LayoutKind.FULL) {
                        failures.add(what + ": layout " + d.layoutKind() + " although it fits the card");
                    }
                    if (gpu && q.size().compareTo(vram) > 0 && d.layoutKind() == LayoutKind.FULL) {
                        failures.add(what + ": all on a GPU smaller than the file");
                    }
                    if (d.layoutKind() == LayoutKind.FULL) {
                        full++;
                    } else if (gpu) {
                        offloaded++;
                    }
                }
            }
        }
        assertThat(failures).isEmpty();
        long quants = catalog.models().values().stream()
                .mapToLong(m -> m.quantizations().size())
                .sum();
        assertThat(planned + refused).isEqualTo(quants * hardware.size());
        assertThat(quants).isGreaterThanOrEqualTo(90);
        // a realistic node sees all three outcomes, many times each
        assertThat(full).isGreaterThan(300);
        assertThat(offloaded).isGreaterThan(100);
        assertThat(refused).isGreaterThan(100);
    }
}
