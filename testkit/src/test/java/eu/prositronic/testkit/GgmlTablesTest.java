package eu.prositronic.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import eu.prositronic.TestSupport;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class GgmlTablesTest {
    @Test
    void quantSizePyReadsTheJavaTables() throws Exception {
        assertThat(Files.readString(TestSupport.repoRoot().resolve(GgmlTables.FILE)))
                .as("regenerate with GgmlTables.main (see its javadoc)")
                .isEqualTo(GgmlTables.json());
    }
}
