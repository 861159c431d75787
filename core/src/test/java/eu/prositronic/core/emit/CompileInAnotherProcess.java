package eu.prositronic.core.emit;

import eu.prositronic.core.write.OutputWriter;
import java.nio.file.Path;

/**
 * The example compiled and written in a process of its own, for {@link ReproducibilityTest}: {@code java -cp <test
 * classpath> eu.prositronic.core.emit.CompileInAnotherProcess <output folder>}.
 */
public final class CompileInAnotherProcess {
    private CompileInAnotherProcess() {}

    public static void main(String[] args) throws Exception {
        OutputWriter.Summary s = OutputWriter.write(ReproducibilityTest.emit(), Path.of(args[0]));
        System.out.println("written " + s.written());
    }
}
