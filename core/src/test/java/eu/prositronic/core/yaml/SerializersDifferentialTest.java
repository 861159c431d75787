package eu.prositronic.core.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import eu.prositronic.TestSupport;
import eu.prositronic.core.Compiler;
import eu.prositronic.core.catalog.CatalogWriter;
import eu.prositronic.core.catalog.ModelEntry;
import eu.prositronic.core.catalog.ModelSpec;
import eu.prositronic.core.scale.FleetGenerator;
import eu.prositronic.core.write.OutputWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every YAML document real builds write goes through both paths of {@link Serializers#yaml}: the fast one ({@link
 * BlockYaml}) must give exactly the bytes of YAMLGenerator + SnakeYAML, and must not need the fallback for any of them.
 * The builds: both examples, a generated fleet, a generated fleet for the solver, every embedded catalog model through
 * {@link CatalogWriter}. (Generated strings: {@link BlockYamlPropertiesTest}.)
 */
class SerializersDifferentialTest {
    private static final Map<String, Integer> COUNTS = Collections.synchronizedMap(new LinkedHashMap<>());

    @TempDir
    Path tmp;

    @Test
    void theHomelabExampleBuildsEveryDocumentIdenticallyOnTheFastPath() throws Exception {
        compare("example homelab", TestSupport.exampleInventory());
    }

    @Test
    void theSolverExampleBuildsEveryDocumentIdenticallyOnTheFastPath() throws Exception {
        compare(
                "example solver",
                TestSupport.repoRoot().resolve("examples/solver/src/main/prositronic/inventory.yaml"));
    }

    @Test
    void aGeneratedFleetBuildsEveryDocumentIdenticallyOnTheFastPath() throws Exception {
        Path inv = tmp.resolve("fleet.yaml");
        Files.writeString(inv, FleetGenerator.inventory(150, 0));
        compare("fleet of 150 nodes", inv);
    }

    @Test
    void aGeneratedSolverFleetBuildsEveryDocumentIdenticallyOnTheFastPath() throws Exception {
        Path inv = tmp.resolve("auto.yaml");
        Files.writeString(inv, FleetGenerator.inventory(40, 0, true));
        compare("solver fleet of 40 nodes", inv);
    }

    @Test
    void everyCatalogEntryTheWriterWritesIsIdenticalOnTheFastPath() throws Exception {
        List<Object> seen = observe(() -> {
            ModelEntry.Sources sources = new ModelEntry.Sources(
                    "https://example.org/license", "computed: test", "computed: test", "computed: test");
            for (ModelSpec m : TestSupport.catalog().models().values()) {
                CatalogWriter.model(new ModelEntry(m, sources));
            }
        });
        assertThat(seen).hasSizeGreaterThanOrEqualTo(16);
        check("catalog entries", seen);
    }

    private void compare(String what, Path inventory) throws Exception {
        Path out = tmp.resolve("out-" + what.replace(' ', '-'));
        List<Object> seen = observe(() -> Compiler.compile(
                new Compiler.Request(inventory, Optional.empty(), out, "test", OutputWriter.Writer.ANONYMOUS),
                s -> {}));
        assertThat(seen).as(what).isNotEmpty();
        check(what, seen);
    }

    private static void check(String what, List<Object> values) throws Exception {
        int chars = 0;
        for (Object v : values) {
            String old = Serializers.jacksonYaml(v);
            String fast = Serializers.blockYaml(v); // Unsupported fails the test: these documents take the fast path
            assertThat(fast).as(what + ": " + v.getClass().getName()).isEqualTo(old);
            chars += old.length();
        }
        COUNTS.merge(what + " (documents)", values.size(), Integer::sum);
        COUNTS.merge(what + " (chars)", chars, Integer::sum);
    }

    interface Build {
        void run() throws Exception;
    }

    /** The values {@link Serializers#yaml} is given while {@code build} runs (from any thread). */
    private static List<Object> observe(Build build) throws Exception {
        List<Object> seen = Collections.synchronizedList(new ArrayList<>());
        Serializers.observer = seen::add;
        try {
            build.run();
        } finally {
            Serializers.observer = null;
        }
        return new ArrayList<>(seen);
    }

    @AfterAll
    static void report() {
        System.out.println("Serializers fast path vs YAMLGenerator, identical: " + COUNTS);
    }
}
