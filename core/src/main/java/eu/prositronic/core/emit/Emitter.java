package eu.prositronic.core.emit;

import eu.prositronic.core.problem.ProsiException;

/** One named generation step: reads the plan, adds files to the output tree, never overwrites another step's file. */
public interface Emitter {
    String name();

    void emit(EmitContext context, OutputTree out) throws ProsiException;
}
