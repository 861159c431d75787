package eu.prositronic.core.emit;

import eu.prositronic.core.fit.DeploymentPlan;
import eu.prositronic.core.yaml.Serializers;
import java.util.List;
import java.util.Map;

/**
 * Reads the plan's catalog pages and deployments; writes {@code values/<model>/<quant>/<hardware>.yaml} (the catalog
 * page: that model × quant alone on that hardware, a function of the path) and {@code releases/<deployment>.yaml}
 * (each deployment's own layer over it). docs/contracts.md §1.
 */
public final class ValuesEmitter implements Emitter {
    @Override
    public String name() {
        return "values";
    }

    @Override
    public void emit(EmitContext c, OutputTree out) {
        // serialized in parallel (SnakeYAML's emitter is most of this step), added in the plan's order
        Parallel.inOrder(
                List.copyOf(c.plan().catalogPages().entrySet()),
                BATCH,
                page -> Map.entry(page.getKey(), Serializers.yaml(ChartValues.of(page.getValue(), c.images()))),
                file -> out.put(file.getKey(), file.getValue()));
        Parallel.inOrder(
                c.plan().deployments(),
                BATCH,
                p -> Map.entry(releaseFile(p), Serializers.yaml(ChartValues.Release.of(p, c.images()))),
                file -> out.put(file.getKey(), file.getValue()));
    }

    /** Files serialized per batch. */
    private static final int BATCH = 512;

    /** {@code releases/<deployment>.yaml}. */
    public static String releaseFile(DeploymentPlan p) {
        return "releases/" + p.name() + ".yaml";
    }
}
