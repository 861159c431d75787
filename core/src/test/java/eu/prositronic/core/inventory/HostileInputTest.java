package eu.prositronic.core.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import eu.prositronic.TestSupport;
import eu.prositronic.core.problem.InvalidInputException;
import eu.prositronic.core.problem.Problem;
import eu.prositronic.core.problem.ProsiException;
import eu.prositronic.core.yaml.Utf8;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Inputs that used to crash, hang or pass although wrong: each is now one placed problem with a fix, and no exception
 * other than the input error escapes.
 */
class HostileInputTest {
    static final String GOOD = """
            cluster: {name: homelab, namespace: llm}
            nodes:
              - name: gpu-01
                address: 192.168.1.21
                ram: 64GiB
                cpu: {cores: 16, memoryBandwidthGBps: 51.2}
                gpus: [{model: nvidia-rtx3090}]
            deployments:
              - name: chat
                model: qwen3-5-4b
                quant: Q4_K_M
                node: gpu-01
                port: 8080
            """;

    static List<Problem> problems(String yaml) {
        Throwable t = catchThrowable(() -> TestSupport.inventory(yaml));
        assertThat(t).as("rejected with an input error, not a crash").isInstanceOf(InvalidInputException.class);
        return ((InvalidInputException) t).problems();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "'node: gpu-01'|'node: \"\"'|an empty node name",
                "'name: chat'|'name: 7b-chat'|must start with a letter (found `7b-chat`); perhaps `chat-7b`",
                "'name: chat'|'name: a-very-long-deployment-name-that-helm-would-refuse-as-a-release'|longer than"
                        + " Helm's 53 characters",
                "'port: 8080'|'port: 80'|below 1024",
                "'address: 192.168.1.21'|'address: \"$(reboot)\"'|not a host name or an IP address",
                "'address: 192.168.1.21'|'address: \"-oProxyCommand=x\"'|not a host name or an IP address",
                "'address: 192.168.1.21'|'address: \"\"'|not a host name or an IP address",
                "'ram: 64GiB'|'ram: 9223372036854775808'|too large a size",
                "'memoryBandwidthGBps: 51.2'|'memoryBandwidthGBps: .NaN'|expected a number",
                "'memoryBandwidthGBps: 51.2'|'memoryBandwidthGBps: .inf'|expected a number",
                "'cores: 16'|'cores: ١٦'|expected a whole number",
                "'gpus: [{model: nvidia-rtx3090}]'|'gpus: [{model: nvidia-rtx3090}]\n    gpuDriver: \"99999999999.1\"'|not a"
                        + " driver version",
            })
    void eachIsOnePlacedProblemWithAFix(String from, String to, String expected) {
        assertThat(GOOD).contains(from);
        List<Problem> problems = problems(GOOD.replace(from, to));
        assertThat(problems).hasSize(1);
        Problem p = problems.get(0);
        assertThat(p.format()).contains(expected);
        assertThat(p.line()).as("placed").isPositive();
        assertThat(p.fix()).as("with a fix").isNotBlank();
    }

    @Test
    void theGoodInventoryLoads() throws Exception {
        assertThat(TestSupport.inventory(GOOD).deployments()).hasSize(1);
    }

    @Test
    void aControlCharacterIsPlaced() {
        List<Problem> problems = problems(GOOD.replace("name: chat", "name: ch\u0007at"));
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).format()).contains("inventory.yaml:9:13:").contains("U+0007");
    }

    @Test
    void aFileThatIsNotUtf8SaysWhichByte() {
        byte[] latin1 = GOOD.replace("homelab", "homélab").getBytes(StandardCharsets.ISO_8859_1);
        Throwable t = catchThrowable(() -> Utf8.decode(Path.of("inventory.yaml"), latin1));
        assertThat(t)
                .isInstanceOf(ProsiException.class)
                .hasMessageContaining("inventory.yaml:1:20: byte 0xE9")
                .hasMessageContaining("is not UTF-8; save the file as UTF-8");
    }

    @Test
    void aHugeScalarIsRefusedAtOnceNotParsed() {
        String huge = GOOD.replace("name: chat", "name: " + "x".repeat(65 << 20));
        long started = System.nanoTime();
        List<Problem> problems = problems(huge);
        assertThat((System.nanoTime() - started) / 1e9).as("seconds").isLessThan(5);
        assertThat(problems.get(0).format()).contains("Prositronic reads at most");
    }
}
