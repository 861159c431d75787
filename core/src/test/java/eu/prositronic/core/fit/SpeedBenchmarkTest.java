package eu.prositronic.core.fit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Prints the speed benchmark (scripts/speed-benchmark) and checks its bookkeeping: every published row is evaluated or
 * left out with a reason, every estimate is finite, and the split keeps each source on one side. SpeedCalibrationTest
 * holds the accuracy targets.
 */
@Tag("bench") // run by scripts/speed-benchmark and scripts/test, not by a plain mvn test
class SpeedBenchmarkTest {
    @Test
    void printsEveryRowTheRowsLeftOutAndTheMediansPerSlice() throws IOException {
        SpeedBenchmark.Result r = SpeedBenchmark.run();
        r.rows().forEach(e -> System.out.println(e.line()));
        r.excluded().forEach(System.out::println);
        r.summary().forEach(System.out::println);

        List<Map<String, String>> published = SpeedBenchmark.rows();
        Set<Integer> evaluated =
                r.rows().stream().map(SpeedBenchmark.Evaluated::id).collect(Collectors.toCollection(TreeSet::new));
        Set<Integer> leftOut = r.excluded().stream()
                .map(l -> Integer.parseInt(l.substring("left out".length(), "left out".length() + 4)
                        .trim()))
                .collect(Collectors.toCollection(TreeSet::new));
        // every row is evaluated or left out with a printed reason, never both, never neither
        assertThat(r.excluded()).allSatisfy(l -> assertThat(l).matches("left out +\\d+ .+: .+"));
        assertThat(evaluated).as("evaluated rows are unique").hasSize(r.rows().size());
        assertThat(leftOut).as("left-out rows are unique").hasSize(r.excluded().size());
        assertThat(evaluated).doesNotContainAnyElementsOf(leftOut);
        Set<Integer> all = new TreeSet<>(evaluated);
        all.addAll(leftOut);
        assertThat(all)
                .containsExactlyElementsOf(published.stream()
                        .map(m -> Integer.parseInt(m.get("id")))
                        .collect(Collectors.toCollection(TreeSet::new)));
        assertThat(r.summary().get(0))
                .startsWith(
                        "rows: " + published.size() + " published, " + r.rows().size() + " evaluated");
        // every estimate is a finite positive speed
        assertThat(r.rows())
                .allSatisfy(e ->
                        assertThat(e.estimate()).as("row %d", e.id()).isFinite().isPositive());
        // a source is on one side only; about three rows in ten are held out
        Map<String, Set<Boolean>> sides = r.rows().stream()
                .collect(Collectors.groupingBy(
                        SpeedBenchmark.Evaluated::source,
                        Collectors.mapping(SpeedBenchmark.Evaluated::holdout, Collectors.toSet())));
        assertThat(sides.values()).allSatisfy(s -> assertThat(s).hasSize(1));
        long held = r.rows().stream().filter(SpeedBenchmark.Evaluated::holdout).count();
        assertThat((double) held / r.rows().size()).isBetween(0.2, 0.4);
        // a device class with two or more sources has one on each side
        Map<String, Map<Boolean, Set<String>>> byClass = r.rows().stream()
                .collect(Collectors.groupingBy(
                        SpeedBenchmark.Evaluated::deviceClass,
                        Collectors.groupingBy(
                                SpeedBenchmark.Evaluated::holdout,
                                Collectors.mapping(SpeedBenchmark.Evaluated::source, Collectors.toSet()))));
        byClass.forEach((cls, bySide) -> {
            long sources = bySide.values().stream().mapToLong(Set::size).sum();
            if (sources >= 2) {
                assertThat(bySide.keySet()).as(cls).containsExactlyInAnyOrder(true, false);
            }
        });

        Path features = Path.of("target/speed-training-features.tsv");
        Files.write(features, SpeedBenchmark.features(false));
        Path allFeatures = Path.of("target/speed-all-features.tsv");
        Files.write(allFeatures, SpeedBenchmark.features(true));
        System.out.println("training features: " + features.toAbsolutePath());
        System.out.println("all features (leave-one-source-out): " + allFeatures.toAbsolutePath());
    }
}
