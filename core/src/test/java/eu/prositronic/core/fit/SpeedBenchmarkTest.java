package eu.prositronic.core.fit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Prints the speed benchmark (scripts/speed-benchmark); asserts nothing: SpeedCalibrationTest holds the targets. */
@Tag("bench") // run by scripts/speed-benchmark and scripts/test, not by a plain mvn test
class SpeedBenchmarkTest {
    @Test
    void printsEveryRowTheRowsLeftOutAndTheMediansPerSlice() throws IOException {
        SpeedBenchmark.main(new String[0]);
        Path features = Path.of("target/speed-training-features.tsv");
        Files.write(features, SpeedBenchmark.trainingFeatures());
        System.out.println("training features: " + features.toAbsolutePath());
    }
}
