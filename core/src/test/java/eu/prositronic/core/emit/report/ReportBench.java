package eu.prositronic.core.emit.report;

import eu.prositronic.TestSupport;
import eu.prositronic.core.Compiler;
import eu.prositronic.core.emit.EmitContext;
import eu.prositronic.core.emit.OutputTree;
import eu.prositronic.core.fit.Plan;
import eu.prositronic.core.fit.Planner;
import eu.prositronic.core.scale.FleetGenerator;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

/**
 * The report step alone on a generated fleet, several rounds in one JVM (warm), for profiling: {@code ReportBench NODES
 * ROUNDS}. Prints per round the wall and CPU seconds and pages per second, then a SHA-256 of the whole emitted tree
 * (paths and bytes), so a change meant to keep the bytes can be checked against the one before.
 */
public final class ReportBench {
    private ReportBench() {}

    public static void main(String[] args) throws Exception {
        int nodes = Integer.parseInt(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        var inventory = TestSupport.inventory(FleetGenerator.inventory(nodes, 0));
        Plan plan = Planner.plan(inventory, TestSupport.catalog());
        EmitContext c = new EmitContext(plan, TestSupport.catalog(), Path.of("inventory.yaml"), "bench");
        OutputTree whole = Compiler.emit(c, s -> {});
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long bytes = 0;
        for (Map.Entry<String, byte[]> e : whole.files().entrySet()) {
            sha.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(e.getValue());
            bytes += e.getValue().length;
        }
        System.out.printf(
                Locale.ROOT,
                "tree: %d files, %.1f MB, sha256 %s%n",
                whole.files().size(),
                bytes / 1e6,
                HexFormat.of().formatHex(sha.digest()));
        for (int r = 1; r <= rounds; r++) {
            OutputTree out = new OutputTree();
            new eu.prositronic.core.emit.ValuesEmitter().emit(c, out);
            long cpu0 = CatalogSiteBenchmark.processCpuNanos();
            long t0 = System.nanoTime();
            new ReportEmitter().emit(c, out);
            double wall = (System.nanoTime() - t0) / 1e9;
            double cpu = (CatalogSiteBenchmark.processCpuNanos() - cpu0) / 1e9;
            int pages = 2 * plan.deployments().size() + 2;
            long reused = AlikePages.REUSED.sumThenReset();
            long rendered = AlikePages.RENDERED.sumThenReset();
            System.out.printf(
                    Locale.ROOT,
                    "round %d: report %.2f s wall, %.2f s CPU, %.0f pages/s, %.0f pages per CPU second;"
                            + " deployments' pages reused %d, rendered %d (AlikePages)%n",
                    r,
                    wall,
                    cpu,
                    pages / wall,
                    pages / cpu,
                    reused,
                    rendered);
        }
    }
}
