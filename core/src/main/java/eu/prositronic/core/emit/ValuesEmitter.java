package eu.prositronic.core.emit;

import eu.prositronic.core.fit.DeploymentPlan;
import eu.prositronic.core.yaml.Serializers;
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
        for (Map.Entry<String, DeploymentPlan> page : c.plan().catalogPages().entrySet()) {
            out.put(page.getKey(), Serializers.yaml(ChartValues.of(page.getValue(), c.images())));
        }
        Map<String, Long> cpuTenants = ChartValues.cpuTenantsByNode(c.plan().deployments());
        for (DeploymentPlan p : c.plan().deployments()) {
            out.put(releaseFile(p), release(p, c, cpuTenants));
        }
    }

    /** The text of {@code releases/<deployment>.yaml}; {@code cpuTenants} from {@link ChartValues#cpuTenantsByNode}. */
    public static String release(DeploymentPlan p, EmitContext c, Map<String, Long> cpuTenants) {
        return Serializers.yaml(ChartValues.Release.of(
                p, c.images(), cpuTenants.getOrDefault(p.node().name(), 0L)));
    }

    /** {@code releases/<deployment>.yaml}. */
    public static String releaseFile(DeploymentPlan p) {
        return "releases/" + p.name() + ".yaml";
    }
}
