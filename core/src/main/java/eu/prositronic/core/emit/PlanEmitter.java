package eu.prositronic.core.emit;

import eu.prositronic.core.ClasspathTree;
import eu.prositronic.core.problem.ProsiException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code plan.json}, the plan for machines, and {@code plan.schema.json}, its JSON Schema. */
public final class PlanEmitter implements Emitter {
    static final String SCHEMA_FOLDER = "prositronic/schema/";

    @Override
    public String name() {
        return "plan";
    }

    @Override
    public void emit(EmitContext c, OutputTree out) throws ProsiException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("$schema", "./plan.schema.json");
        doc.put("generator", "prositronic-maven-plugin " + c.generatorVersion());
        doc.put("cluster", c.plan().cluster());
        doc.put("namespace", c.plan().namespace());
        doc.put("containerRuntime", c.plan().containerRuntime());
        doc.put("deployments", c.plan().deployments());
        doc.put("nodes", c.plan().nodes());
        out.put("plan.json", Serializers.json(doc));
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
