package eu.prositronic.core.scale;

import eu.prositronic.core.Compiler;
import eu.prositronic.core.problem.ProsiException;
import eu.prositronic.core.write.OutputWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One whole compile (load, plan, emit, write) of an inventory into an output folder, timed from inside the JVM; prints
 * {@code wall_s peak_heap_mib outcome}. Run once per JVM: the script starts a fresh one per size. With {@code
 * -Dbench.rounds=N} it compiles N times in the one JVM, round r into {@code OUT-r} from the second on, and prints
 * each round's line: the first round pays the JIT's compiling, the later ones show the compiled code's own cost.
 */
public final class ScaleBenchmark {
    private ScaleBenchmark() {}

    public static void main(String[] args) {
        int rounds = Integer.getInteger("bench.rounds", 1);
        for (int r = 1; r <= rounds; r++) {
            round(Path.of(args[0]), Path.of(args[1] + (r == 1 ? "" : "-" + r)));
        }
    }

    private static void round(Path inventory, Path out) {
        long start = System.nanoTime();
        String outcome;
        try {
            Compiler.Result r = Compiler.compile(
                    new Compiler.Request(inventory, Optional.empty(), out, "bench", OutputWriter.Writer.ANONYMOUS),
                    s -> {
                        if (Boolean.getBoolean("bench.debug")) {
                            System.err.printf(
                                    "%7.2f s wall %7.2f s CPU  %s%n",
                                    (System.nanoTime() - start) / 1e9,
                                    ((com.sun.management.OperatingSystemMXBean)
                                                            ManagementFactory.getOperatingSystemMXBean())
                                                    .getProcessCpuTime()
                                            / 1e9,
                                    s);
                        }
                    });
            outcome = "ok:" + r.plan().deployments().size() + "-deployments";
        } catch (ProsiException e) {
            String m = e.getMessage();
            outcome = "error:" + m.split("\n").length + "-lines:"
                    + m.chars().filter(c -> c == ';').count() + "-alts";
        }
        double wall = (System.nanoTime() - start) / 1e9;
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.printf("%.2f %d %s%n", wall, peak >> 20, outcome);
    }
}
