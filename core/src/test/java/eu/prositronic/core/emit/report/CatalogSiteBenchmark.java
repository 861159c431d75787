package eu.prositronic.core.emit.report;

import static org.assertj.core.api.Assertions.assertThat;

import eu.prositronic.TestSupport;
import eu.prositronic.core.emit.OutputTree;
import eu.prositronic.core.write.OutputWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole embedded catalog as a site, timed: fits, pages, write. Prints pages per second; run with
 * {@code mvn -B -o -pl core test -Dtest=CatalogSiteBenchmark -Dprositronic.allTiers} (add {@code
 * -Dprositronic.benchRuns=3} for warm runs after the first).
 */
@Tag("bench")
class CatalogSiteBenchmark {
    /** The process's CPU time: on a shared machine the fair measure beside the wall clock. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    @Test
    void theFullCatalogSite(@TempDir Path tmp) throws Exception {
        // -Dprositronic.benchRuns=3: further runs in the same JVM, warm (the first pays for class loading and the JIT)
        int runs = Integer.getInteger("prositronic.benchRuns", 1);
        for (int run = 1; run <= runs; run++) {
            long cpu0 = processCpuNanos();
            long t0 = System.nanoTime();
            CatalogSite generator = new CatalogSite(TestSupport.catalog(), "https://your-host", Optional.empty());
            List<CatalogSite.Entry> entries = generator.entries();
            long t1 = System.nanoTime();
            OutputTree site = generator.generate(entries);
            long t2 = System.nanoTime();
            OutputWriter.write(site, tmp.resolve("site" + run));
            long t3 = System.nanoTime();
            long pages = entries.stream().filter(e -> e.plan().isPresent()).count();
            long bytes = site.files().values().stream().mapToLong(b -> b.length).sum();
            double total = (t3 - t0) / 1e9;
            double cpu = (processCpuNanos() - cpu0) / 1e9;
            System.out.printf(
                    Locale.ROOT,
                    "site run %d: %d pages (%d combinations), %d files, %.1f MB; fit %.1f s, render %.1f s, write %.1f s;"
                            + " %.1f s total, %.0f pages/s; %.1f s of CPU (all threads, %d cores), %.0f pages per CPU"
                            + " second%n",
                    run,
                    pages,
                    entries.size(),
                    site.files().size(),
                    bytes / 1e6,
                    (t1 - t0) / 1e9,
                    (t2 - t1) / 1e9,
                    (t3 - t2) / 1e9,
                    total,
                    pages / total,
                    cpu,
                    Runtime.getRuntime().availableProcessors(),
                    pages / cpu);
            assertThat(pages).isGreaterThan(1000);
        }
    }
}
