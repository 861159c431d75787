package eu.prositronic.core.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import eu.prositronic.TestSupport;
import eu.prositronic.core.emit.PlanJson;
import eu.prositronic.core.fit.PowerPlan.Basis;
import eu.prositronic.core.fit.PowerPlan.Draw;
import eu.prositronic.core.problem.InvalidInputException;
import org.junit.jupiter.api.Test;

/** Watts, kWh and cost from the catalog's board power, a node's measured power and the inventory's energy section. */
class PowerModelTest {
    static final String ENERGY = "energy: {pricePerKWh: 0.30, currency: EUR, pue: 1.2, dutyCycle: 0.25}\n";

    static Plan plan(String top, String nodes, String deployments) throws Exception {
        return Planner.plan(
                TestSupport.inventory("cluster: {name: lab, namespace: llm}\n" + top + "nodes:\n" + nodes.indent(2)
                        + "deployments:\n" + deployments.indent(2)),
                TestSupport.catalog());
    }

    static final String RTX3090 =
            "- {name: g1, address: 10.0.0.1, ram: 64GiB, cpu: {cores: 16}, gpus: [{model: nvidia-rtx3090}]}";

    @Test
    void aGpuDeploymentDrawsItsBoardPowerUnderLoadAndASeventhIdle() throws Exception {
        Plan plan = plan(ENERGY, RTX3090, "- {name: chat, model: qwen3-5-4b, quant: Q4_K_M, node: g1}");
        Draw d = plan.power().deployments().get("chat");
        assertThat(d.basis()).isEqualTo(Basis.GPU_BOARD_POWER);
        assertThat(d.loadWatts()).isEqualTo(350.0); // nvidia-rtx3090.yaml powerWatts
        assertThat(d.idleWatts()).isCloseTo(350 * PowerModel.IDLE_SHARE, within(1e-9));
        // (350 x 0.25 + 52.5 x 0.75) W x 730 h x PUE 1.2 = 111.1 kWh
        double kWh = (350 * 0.25 + 52.5 * 0.75) * 730 / 1000 * 1.2;
        assertThat(d.kWhPerMonth()).isCloseTo(kWh, within(1e-9));
        assertThat(d.costPerMonth().getAsDouble()).isCloseTo(kWh * 0.30, within(1e-9));
        double tps = plan.deployments().get(0).speed().generationTokensPerSecond();
        double perMillion = 350 * 1.2 / 1000 * (1e6 / tps / 3600) * 0.30;
        assertThat(d.costPerMillionTokens().getAsDouble()).isCloseTo(perMillion, within(1e-9));
        assertThat(plan.power().fleet().loadWatts()).isEqualTo(350.0);
        assertThat(PowerModel.aloneLoadWatts(plan.deployments().get(0))).hasValue(350.0);
    }

    @Test
    void twoDeploymentsOnOneGpuShareItsPowerByTheMemoryEachUses() throws Exception {
        Plan plan = plan(ENERGY, RTX3090, """
                - {name: big, model: qwen3-5-9b, quant: Q4_K_M, node: g1, context: 32768}
                - {name: small, model: qwen3-5-0-8b, quant: Q4_0, node: g1, context: 8192, port: 8081}
                """);
        Draw big = plan.power().deployments().get("big");
        Draw small = plan.power().deployments().get("small");
        assertThat(big.loadWatts() + small.loadWatts()).isCloseTo(350, within(1e-9));
        double bigVram = plan.deployments().get(0).memory().gpus().get(0).used().value();
        double smallVram =
                plan.deployments().get(1).memory().gpus().get(0).used().value();
        assertThat(big.loadWatts() / small.loadWatts()).isCloseTo(bigVram / smallVram, within(1e-9));
        // the node is counted once in the fleet, not once per deployment
        assertThat(plan.power().fleet().loadWatts()).isCloseTo(350, within(1e-9));
    }

    @Test
    void aNodeWithNothingToRunIdlesInTheFleetsDraw() throws Exception {
        Plan plan = plan(
                "",
                RTX3090
                        + "\n- {name: g2, address: 10.0.0.2, ram: 64GiB, cpu: {cores: 16}, gpus: [{model: nvidia-rtx4090}]}",
                "- {name: chat, model: qwen3-5-0-8b, quant: Q4_0, node: g1, context: 8192}");
        Draw spare = plan.power().nodes().get(1).draw();
        assertThat(spare.loadWatts()).isEqualTo(spare.idleWatts()).isCloseTo(450 * PowerModel.IDLE_SHARE, within(1e-9));
        assertThat(plan.power().fleet().loadWatts()).isCloseTo(350 + 450 * PowerModel.IDLE_SHARE, within(1e-9));
        // no energy section: kWh at the documented defaults, no cost
        assertThat(plan.power().energy().dutyCycle()).isEqualTo(0.5);
        assertThat(plan.power().fleet().costPerMonth()).isEmpty();
        assertThat(plan.power().deployments().get("chat").costPerMillionTokens())
                .isEmpty();
    }

    @Test
    void aNodesMeasuredPowerReplacesTheEstimateAndIsSharedByItsDeployments() throws Exception {
        Plan plan = plan(
                ENERGY,
                "- {name: c1, address: 10.0.0.3, ram: 32GiB, cpu: {cores: 8}, power: {loadWatts: 120, idleWatts: 30}}",
                """
                - {name: a, model: qwen3-5-4b, quant: Q4_K_M, node: c1, context: 8192}
                - {name: b, model: qwen3-5-0-8b, quant: Q4_0, node: c1, context: 8192, port: 8081}
                """);
        Draw a = plan.power().deployments().get("a");
        Draw b = plan.power().deployments().get("b");
        assertThat(a.basis()).isEqualTo(Basis.MEASURED);
        assertThat(a.loadWatts() + b.loadWatts()).isCloseTo(120, within(1e-9));
        assertThat(a.idleWatts() + b.idleWatts()).isCloseTo(30, within(1e-9));
        assertThat(a.loadWatts()).isGreaterThan(b.loadWatts()); // the 4B model holds more of the host's memory
        assertThat(plan.power().fleet().basis()).isEqualTo(Basis.MEASURED);
        assertThat(plan.power().fleet().loadWatts()).isEqualTo(120.0);
    }

    @Test
    void aCpuNodeWithoutMeasuredPowerHasNoFigureAndPlanJsonSaysNull() throws Exception {
        Plan plan = plan(ENERGY, RTX3090 + "\n- {name: c1, address: 10.0.0.3, ram: 32GiB, cpu: {cores: 8}}", """
                - {name: gpu, model: qwen3-5-4b, quant: Q4_K_M, node: g1}
                - {name: cpu, model: qwen3-5-0-8b, quant: Q4_0, node: c1, context: 8192}
                """);
        assertThat(plan.power().deployments().get("cpu").basis()).isEqualTo(Basis.UNKNOWN);
        PlanJson.Document json = PlanJson.of(plan, "test");
        PlanJson.Draw cpu = json.deployments().get(1).power();
        assertThat(cpu.basis()).isEqualTo("unknown");
        assertThat(cpu.loadWatts()).isNull();
        assertThat(cpu.costPerMonth()).isNull();
        assertThat(json.power().nodesWithoutFigures()).isEqualTo(1);
        // the fleet counts what it can: the GPU node
        assertThat(json.power().fleet().loadWatts()).isEqualTo(350.0);
        assertThat(json.power().fleet().basis()).isEqualTo("gpu-board-power");
    }

    @Test
    void badPowerAndEnergyValuesArePlacedWithAFix() {
        assertThatThrownBy(() -> plan(
                        "energy: {pricePerKWh: -1, pue: 0.5, dutyCycle: 2, currency: \"a b\"}\n",
                        "- {name: c1, address: 10.0.0.3, ram: 32GiB, cpu: {cores: 8}, power: {loadWatts: 50, idleWatts: 80}}",
                        "- {name: cpu, model: qwen3-5-0-8b, quant: Q4_0, node: c1, context: 8192}"))
                .isInstanceOf(InvalidInputException.class)
                .satisfies(e -> {
                    String m = e.getMessage();
                    assertThat(m).contains("energy.pricePerKWh").contains("out of range");
                    assertThat(m).contains("energy.pue").contains("out of range");
                    assertThat(m).contains("a duty cycle of 2.0 (above 1)");
                    assertThat(m).contains("a currency is a short label");
                    assertThat(m).contains("idle draw 80.0 W is above the load draw 50.0 W");
                });
    }

    @Test
    void theExamplesFleetIsTheSumOfItsNodesAndSaysItMixesMeasuredAndEstimated() throws Exception {
        Plan plan = Planner.plan(TestSupport.exampleInventoryLoaded(), TestSupport.catalog());
        PowerPlan power = plan.power();
        assertThat(power.fleet().basis()).isEqualTo(Basis.MIXED);
        assertThat(power.fleet().loadWatts())
                .isCloseTo(
                        power.nodes().stream()
                                .mapToDouble(n -> n.draw().loadWatts())
                                .sum(),
                        within(1e-9));
        // every deployment's share sums to its node's draw where the node runs something on every GPU
        for (PowerPlan.NodeDraw n : power.nodes()) {
            double shares = plan.deployments().stream()
                    .filter(d -> d.node().name().equals(n.node()))
                    .mapToDouble(d -> power.deployments().get(d.name()).loadWatts())
                    .sum();
            assertThat(shares).as(n.node()).isCloseTo(n.draw().loadWatts(), within(1e-9));
        }
        assertThat(power.energy().pricePerKWh()).hasValue(0.30);
    }
}
