package eu.prositronic.core.fit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The speed model's done-when targets on the benchmark's holdout rows (never used for fitting; the split is by source,
 * so a holdout row has no sibling of its published run in training): median |error| within 20 % for generation (25 %
 * on MoE), 35 % for prompt, and no device class with two or more holdout rows has a median ratio outside 0.7–1.4.
 *
 * <p>Known thinness of the holdout (docs/fit-engine.md): one MoE generation row (row 99, gpt-oss-20b on an RX 7900 XT)
 * and no MoE or AMD prompt row, so the MoE target and the AMD prompt classes are barely or not tested here; the
 * leave-one-source-out figure of tools/speed/fit.py covers them better (and shows RDNA prompt at ×0.52).
 */
class SpeedCalibrationTest {
    static final SpeedBenchmark.Result RESULT = SpeedBenchmark.run();

    static List<SpeedBenchmark.Evaluated> holdout(SpeedBenchmark.Kind kind) {
        return RESULT.rows().stream()
                .filter(e -> e.holdout() && e.kind() == kind)
                .toList();
    }

    @Test
    void theHoldoutSharesNoSourceWithTraining() {
        RESULT.summary().forEach(System.out::println);
        Set<String> train = RESULT.rows().stream()
                .filter(e -> !e.holdout())
                .map(SpeedBenchmark.Evaluated::source)
                .collect(Collectors.toSet());
        assertThat(RESULT.rows().stream().filter(SpeedBenchmark.Evaluated::holdout))
                .allSatisfy(e -> assertThat(train).doesNotContain(e.source()));
    }

    @Test
    void generationIsWithinTwentyPercentOnTheHoldoutRows() {
        List<SpeedBenchmark.Evaluated> rows = holdout(SpeedBenchmark.Kind.GENERATION);
        assertThat(rows).hasSizeGreaterThanOrEqualTo(8);
        assertThat(SpeedBenchmark.medianError(rows)).isLessThanOrEqualTo(0.20);
    }

    @Test
    void moeGenerationIsWithinTwentyFivePercentOnTheHoldoutRows() {
        List<SpeedBenchmark.Evaluated> rows = holdout(SpeedBenchmark.Kind.GENERATION).stream()
                .filter(SpeedBenchmark.Evaluated::moe)
                .toList();
        // one row only under the source split (row 99): the target holds, but on a single figure
        assertThat(rows).isNotEmpty();
        assertThat(SpeedBenchmark.medianError(rows)).isLessThanOrEqualTo(0.25);
    }

    @Test
    void promptIsWithinThirtyFivePercentOnTheHoldoutRows() {
        List<SpeedBenchmark.Evaluated> rows = holdout(SpeedBenchmark.Kind.PROMPT);
        assertThat(rows).hasSizeGreaterThanOrEqualTo(6);
        assertThat(SpeedBenchmark.medianError(rows)).isLessThanOrEqualTo(0.35);
    }

    @Test
    void noDeviceClassWithTwoHoldoutRowsHasAMedianRatioOutsideZeroPointSevenToOnePointFour() {
        int checked = 0;
        for (SpeedBenchmark.Kind kind : SpeedBenchmark.Kind.values()) {
            Map<String, List<SpeedBenchmark.Evaluated>> byClass =
                    holdout(kind).stream().collect(Collectors.groupingBy(SpeedBenchmark.Evaluated::deviceClass));
            for (Map.Entry<String, List<SpeedBenchmark.Evaluated>> e : byClass.entrySet()) {
                if (e.getValue().size() >= 2) {
                    assertThat(SpeedBenchmark.medianRatio(e.getValue()))
                            .as(kind + " " + e.getKey())
                            .isBetween(0.7, 1.4);
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(4);
    }
}
