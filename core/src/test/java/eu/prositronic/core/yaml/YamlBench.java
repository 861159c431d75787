package eu.prositronic.core.yaml;

import eu.prositronic.TestSupport;
import eu.prositronic.core.catalog.Images;
import eu.prositronic.core.emit.ChartValues;
import eu.prositronic.core.fit.Plan;
import eu.prositronic.core.fit.Planner;
import eu.prositronic.core.scale.FleetGenerator;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * {@link Serializers#yaml}'s two paths on the documents of a generated fleet, one thread, warm: {@code YamlBench [NODES
 * [ROUNDS]]} (default 1,000 nodes, 12 rounds). Per round and path: thread CPU microseconds per document and MB/s, for the
 * release files ({@code releases/<deployment>.yaml}, {@link ChartValues.Release}) and the values files ({@link
 * ChartValues}). Checks that both paths give the same bytes first; ends with the medians of the warm rounds (the last two
 * thirds). Figures only, nothing asserted.
 */
public final class YamlBench {
    private YamlBench() {}

    public static void main(String[] args) throws Exception {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 12;
        Plan plan = Planner.plan(TestSupport.inventory(FleetGenerator.inventory(nodes, 0)), TestSupport.catalog());
        Images images = TestSupport.catalog().images();
        List<Object> releases = plan.deployments().stream()
                .map(p -> (Object) ChartValues.Release.of(p, images))
                .toList();
        List<Object> values = plan.catalogPages().values().stream()
                .map(p -> (Object) ChartValues.of(p, images))
                .toList();
        for (Object v : releases) {
            if (!Serializers.jacksonYaml(v).equals(Serializers.blockYaml(v))) {
                throw new AssertionError("paths differ on " + v);
            }
        }
        System.out.printf(
                Locale.ROOT, "%d nodes: %d release files, %d values files%n", nodes, releases.size(), values.size());
        double[][] us = new double[4][rounds];
        for (int r = 0; r < rounds; r++) {
            us[0][r] = run(r + 1, "releases", releases, Serializers::jacksonYaml, OLD);
            us[1][r] = run(r + 1, "releases", releases, YamlBench::fast, NEW);
            us[2][r] = run(r + 1, "values", values, Serializers::jacksonYaml, OLD);
            us[3][r] = run(r + 1, "values", values, YamlBench::fast, NEW);
        }
        int warm = rounds / 3;
        System.out.printf(Locale.ROOT, "median of rounds %d-%d (warm):%n", warm + 1, rounds);
        for (int k = 0; k < 4; k += 2) {
            double old = median(us[k], warm);
            double neu = median(us[k + 1], warm);
            System.out.printf(
                    Locale.ROOT,
                    "  %-8s %s %.1f µs, %s %.1f µs CPU per document: %.1fx less CPU%n",
                    k == 0 ? "releases" : "values",
                    OLD,
                    old,
                    NEW,
                    neu,
                    old / neu);
        }
    }

    private static final String OLD = "YAMLGenerator+SnakeYAML";
    private static final String NEW = "BlockYaml";

    private static double median(double[] all, int from) {
        double[] d = java.util.Arrays.copyOfRange(all, from, all.length);
        java.util.Arrays.sort(d);
        return d.length % 2 == 1 ? d[d.length / 2] : (d[d.length / 2 - 1] + d[d.length / 2]) / 2;
    }

    private static String fast(Object v) {
        try {
            return Serializers.blockYaml(v);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static double run(int round, String what, List<Object> docs, Function<Object, String> path, String name) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long chars = 0;
        long cpu0 = mx.getCurrentThreadCpuTime();
        for (Object d : docs) {
            chars += path.apply(d).length();
        }
        double cpu = (mx.getCurrentThreadCpuTime() - cpu0) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "round %d %-8s %-24s %7.1f µs CPU per document, %6.1f MB/s (%d documents, %.1f MB)%n",
                round,
                what,
                name,
                cpu * 1e6 / docs.size(),
                chars / 1e6 / cpu,
                docs.size(),
                chars / 1e6);
        return cpu * 1e6 / docs.size();
    }
}
