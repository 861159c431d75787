package eu.prositronic.tools;

import static org.assertj.core.api.Assertions.assertThat;

import eu.prositronic.TestSupport;
import eu.prositronic.core.ggml.GgmlType;
import eu.prositronic.testkit.SyntheticGguf;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU measurement kit (tools/gpu-measure) where no GPU is needed: its Python tests (the GGUF stubs, the log parser
 * against tools/llama-measure/parse-log.mjs and the public logs' figures, the grid, the runner with a fake
 * llama-server), its --dry-plan, and the stubs of a real test-kit GGUF rebuilt byte for byte. The measurement itself
 * needs an NVIDIA GPU (tools/gpu-measure/README.md).
 */
@Tag("tool") // drives python3 and bash: run by scripts/test, not by a plain mvn test
class GpuKitTest {
    static final Path KIT = TestSupport.repoRoot().resolve("tools/gpu-measure");

    @Test
    void theKitsOwnTestsPass() {
        ExternalTool.Run r = ExternalTool.run(
                TestSupport.repoRoot(),
                "python3",
                "-m",
                "unittest",
                "discover",
                "-s",
                KIT.resolve("test").toString());
        assertThat(r.output()).contains("OK");
        assertThat(r.exitCode()).as(r.output()).isZero();
    }

    @Test
    void theDryPlanNamesTheBuildAndTheGrid() {
        ExternalTool.Run r = ExternalTool.run(
                TestSupport.repoRoot(), "bash", KIT.resolve("run.sh").toString(), "--dry-plan");
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output())
                .contains("--target llama-server")
                .contains("== grid")
                .contains("replica");
    }

    @Test
    void aTestKitGgufCarriedAsItsHeaderIsRebuiltByteForByte(@TempDir Path dir) throws Exception {
        Path gguf = dir.resolve("qwen3-5-0-8b-q8_0.gguf");
        long size = SyntheticGguf.writer(SyntheticGguf.catalogModel("qwen3-5-0-8b"), GgmlType.Q8_0)
                .write(gguf);
        Path stub = dir.resolve("stub.hdr.gz");
        ExternalTool.Run pack = ExternalTool.run(
                dir, "python3", KIT.resolve("gguf_stub.py").toString(), "pack", gguf.toString(), stub.toString());
        assertThat(pack.exitCode()).as(pack.output()).isZero();
        assertThat(pack.output()).contains("\"arch\": \"qwen35\"").contains("\"bytes\": " + size);
        // a header of about 3 MB (the vocabulary) stands for a 767 MiB file
        assertThat(Files.size(stub)).isLessThan(1_000_000L);
        Path copy = dir.resolve("copy.gguf");
        ExternalTool.Run expand = ExternalTool.run(
                dir,
                "python3",
                KIT.resolve("gguf_stub.py").toString(),
                "expand",
                stub.toString(),
                Long.toString(size),
                copy.toString());
        assertThat(expand.exitCode()).as(expand.output()).isZero();
        assertThat(sha256(copy)).isEqualTo(sha256(gguf));
    }

    private static String sha256(Path p) throws IOException, NoSuchAlgorithmException {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(p)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
