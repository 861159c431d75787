package eu.prositronic.core.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import eu.prositronic.TestSupport;
import eu.prositronic.core.console.NoFitMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlternativesTest {
    /** n1 runs `chat` and `big`; `big` does not fit beside it. n2 and n3 run a deployment of their own. */
    static String inventory(String big) {
        return """
                cluster: {name: lab, namespace: llm}
                nodes:
                  - {name: n1, address: 10.0.0.1, ram: 12GiB, cpu: {cores: 16}, gpus: [{model: nvidia-rtx3060}]}
                  - {name: n2, address: 10.0.0.2, ram: 64GiB, cpu: {cores: 16}, gpus: [{model: nvidia-rtx4090}]}
                  - {name: n3, address: 10.0.0.3, ram: 64GiB, cpu: {cores: 16}}
                deployments:
                  - {name: chat, model: qwen3-5-4b, quant: Q8_0, node: n1, context: 65536}
                  - {name: other, model: qwen3-5-9b, quant: Q8_0, node: n2, context: max}
                  - {name: cpu, model: qwen3-5-4b, quant: Q4_K_M, node: n3, context: 32768}
                  - %s
                """.formatted(big);
    }

    static final String BIG = "{name: big, model: qwen3-5-9b, quant: Q8_0, node: n1, context: 131072, port: 8081}";

    static List<NoFit> noFits(String yaml) {
        try {
            Planner.plan(TestSupport.inventory(yaml), TestSupport.catalog());
        } catch (NoFitException e) {
            return e.noFits();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return fail("expected no fit");
    }

    /** The deployment with the alternative applied, in inventory syntax. */
    static String applied(NoFit.Alternative a) {
        if (a instanceof NoFit.SmallerQuant q) {
            return BIG.replace("quant: Q8_0", "quant: " + q.quant())
                    .replace("context: 131072", q.maxContext() ? "context: max" : "context: 131072");
        }
        if (a instanceof NoFit.ShorterContext c) {
            return BIG.replace("context: 131072", "context: " + c.context());
        }
        if (a instanceof NoFit.QuantizedCache c) {
            return BIG.replace(
                    "port:",
                    "cacheTypeK: " + c.cacheType().flag() + ", cacheTypeV: "
                            + c.cacheType().flag() + ", port:");
        }
        return BIG.replace("node: n1", "node: " + ((NoFit.OtherNode) a).node());
    }

    @Test
    void everySuggestionForADeploymentOnASharedNodeCompilesWhenApplied() throws Exception {
        List<NoFit> noFits = noFits(inventory(BIG));
        assertThat(noFits).hasSize(1);
        List<NoFit.Alternative> alternatives = noFits.get(0).alternatives();
        assertThat(alternatives).isNotEmpty();
        assertThat(alternatives).hasAtLeastOneElementOfType(NoFit.OtherNode.class);
        for (NoFit.Alternative a : alternatives) {
            Plan plan = Planner.plan(TestSupport.inventory(inventory(applied(a))), TestSupport.catalog());
            DeploymentPlan big = plan.deployments().stream()
                    .filter(p -> p.name().equals("big"))
                    .findFirst()
                    .orElseThrow();
            assertThat(big.ctxSize()).as(NoFitMessage.format(noFits.get(0))).isEqualTo(a.context());
        }
    }

    @Test
    void otherNodesAreTriedOnlyUpToAFixedNumberOfCandidates() {
        StringBuilder nodes = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            nodes.append("  - {name: m")
                    .append(i)
                    .append(", address: 10.0.1.")
                    .append(i)
                    .append(", ram: 64GiB, cpu: {cores: 16}, gpus: [{model: nvidia-rtx4090}]}\n");
        }
        String yaml = inventory(BIG).replace("deployments:\n", nodes + "deployments:\n");
        List<NoFit.Alternative> others = noFits(yaml).get(0).alternatives().stream()
                .filter(a -> a instanceof NoFit.OtherNode)
                .toList();
        assertThat(others).isNotEmpty().hasSizeLessThanOrEqualTo(2 * Alternatives.CANDIDATES);
    }
}
