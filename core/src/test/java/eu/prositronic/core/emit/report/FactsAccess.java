package eu.prositronic.core.emit.report;

import eu.prositronic.core.fit.DeploymentPlan;
import java.util.List;

/** The report's warnings of a plan, for tests outside the report package. */
public final class FactsAccess {
    private FactsAccess() {}

    public static List<String> warnings(DeploymentPlan p) {
        return Facts.warnings(p, true);
    }
}
