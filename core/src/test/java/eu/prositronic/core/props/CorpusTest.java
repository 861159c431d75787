package eu.prositronic.core.props;

import static org.assertj.core.api.Assertions.assertThat;

import eu.prositronic.TestSupport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The nastiest cases the property tests and the corpus found, replayed: each folder under {@code
 * src/test/resources/corpus/} holds an {@code inventory.yaml} (bytes as they are), optionally a {@code catalog/}
 * folder laid over the embedded catalog, and an {@code expected.txt} whose lines must each appear in the problems
 * (first line: OUTPUT, INPUT_ERROR or NO_FIT). Every case ends by the properties' rule: an output or placed problems
 * with a fix, no other exception, within 10 s.
 */
class CorpusTest {
    static Path corpus() {
        return TestSupport.repoRoot().resolve("core/src/test/resources/corpus");
    }

    static Stream<String> cases() throws IOException {
        try (Stream<Path> s = Files.list(corpus())) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void endsInAnOutputOrPlacedProblems(String name) throws IOException {
        Path dir = corpus().resolve(name);
        byte[] inventory = Files.readAllBytes(dir.resolve("inventory.yaml"));
        List<Object[]> user = new ArrayList<>();
        Path catalog = dir.resolve("catalog");
        if (Files.isDirectory(catalog)) {
            try (Stream<Path> files = Files.walk(catalog)) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    user.add(new Object[] {catalog.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f)});
                }
            }
        }
        Outcome.Result result = Outcome.result(inventory, user);
        System.out.println("corpus " + name + ": " + result.kind() + " " + result.messages());
        Path expected = dir.resolve("expected.txt");
        if (Files.exists(expected)) {
            List<String> lines = Files.readAllLines(expected, StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.isBlank())
                    .toList();
            assertThat(result.kind().name())
                    .as(String.join("\n", result.messages()))
                    .isEqualTo(lines.get(0));
            for (String line : lines.subList(1, lines.size())) {
                assertThat(result.messages()).as("problems").anyMatch(m -> m.contains(line));
            }
        }
    }
}
