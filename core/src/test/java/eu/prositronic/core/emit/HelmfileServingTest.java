package eu.prositronic.core.emit;

import static org.assertj.core.api.Assertions.assertThat;

import eu.prositronic.TestSupport;
import eu.prositronic.core.Compiler;
import eu.prositronic.core.fit.Planner;
import eu.prositronic.core.inventory.Inventory;
import eu.prositronic.core.inventory.Serving;
import org.junit.jupiter.api.Test;

/** Never deployed twice: helmfile releases only what Kubernetes serves; the systemd nodes' deployments go to Ansible. */
class HelmfileServingTest {
    @Test
    void deploymentsOfSystemdNodesGetNoHelmfileRelease() throws Exception {
        Inventory inv = TestSupport.exampleInventoryLoaded();
        var plan = Planner.plan(inv, TestSupport.catalog());
        String helmfile = Compiler.emit(new EmitContext(plan, TestSupport.catalog(), inv.file(), "test"), s -> {})
                .text("helmfile.yaml.gotmpl");
        long systemd = 0;
        for (var d : plan.deployments()) {
            boolean released = helmfile.contains("  - name: " + d.name() + "\n");
            if (d.node().serving() == Serving.SYSTEMD) {
                systemd++;
                assertThat(released).as(d.name() + " runs under systemd").isFalse();
            } else {
                assertThat(released).as(d.name() + " runs on Kubernetes").isTrue();
            }
        }
        assertThat(systemd).as("the example has a systemd node").isPositive();
    }
}
