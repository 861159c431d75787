package eu.prositronic.core.emit;

import eu.prositronic.core.ClasspathTree;
import eu.prositronic.core.problem.ProsiException;
import java.io.IOException;

/** Reads the plan; writes {@code plan.json} (its {@link PlanJson} mapping) and {@code plan.schema.json}. */
public final class PlanEmitter implements Emitter {
    static final String SCHEMA_FOLDER = "prositronic/schema/";

    @Override
    public String name() {
        return "plan";
    }

    @Override
    public void emit(EmitContext c, OutputTree out) throws ProsiException {
        PlanJson.Document plan = PlanJson.of(c.plan(), c.generatorVersion());
        out.put("plan.json", (OutputTree.Content)
                stream -> ParallelJsonList.write(plan.withoutDeployments(), "deployments", plan.deployments(), stream));
        try {
            for (ClasspathTree.Entry e :
                    ClasspathTree.read(getClass().getClassLoader(), SCHEMA_FOLDER, "plan.schema.json")) {
                if (e.relativePath().equals("plan.schema.json")) {
                    out.put("plan.schema.json", e.bytes());
                }
            }
        } catch (IOException e) {
            throw new ProsiException("the plugin jar lacks plan.schema.json: " + e.getMessage(), e);
        }
    }
}
