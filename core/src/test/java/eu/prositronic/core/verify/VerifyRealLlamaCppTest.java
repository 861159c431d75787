package eu.prositronic.core.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import eu.prositronic.core.Compiler;
import eu.prositronic.core.write.OutputWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole chain on a real run: the compile goal's plan for the deployment that produced the recorded CPU log
 * (node-llama-cpp 3.22.1 = llama.cpp v0.5.0, see resources/verify/README.md), checked by the verifier. KV cache,
 * recurrent state and the settings are exact in the engine on CPU, so they must match; the other parts are printed
 * (they are the engine's accuracy, which this checker reports and docs/fit-engine.md tabulates).
 */
class VerifyRealLlamaCppTest {
    static final String INVENTORY = """
            cluster: {name: lab, namespace: llm}
            nodes:
              - name: cpu-01
                address: 10.0.0.2
                ram: 16GiB
                cpu: {cores: 2, isa: amx}
            deployments:
              - name: small
                model: qwen3-5-0-8b
                quant: Q8_0
                node: cpu-01
                context: 8192
                parallel: 2
                batchSize: 512
                ubatchSize: 512
                flashAttn: "on"
                cacheTypeK: f16
                cacheTypeV: f16
            """;

    @Test
    void thePlanOfTheRecordedRunMatchesItsKvCacheRecurrentStateAndSettings(@TempDir Path dir) throws Exception {
        Path inventory = dir.resolve("inventory.yaml");
        Files.writeString(inventory, INVENTORY);
        Path out = dir.resolve("out");
        Compiler.compile(
                new Compiler.Request(inventory, Optional.empty(), out, "test", OutputWriter.Writer.ANONYMOUS), s -> {});
        JsonNode deployment = VerifyMain.deployment(out.resolve("plan.json"), "small");
        VerifyReport r = Verifier.verify(
                deployment, VerifierTest.log(VerifierTest.CPU_LOG), null, null, Verifier.DEFAULT_TOLERANCE);
        VerifyMain.print(r, System.out);
        assertThat(r.settings()).extracting(VerifyReport.Setting::result).containsOnly(VerifyReport.PASS);
        // exact up to the log's precision: llama.cpp prints MiB with two decimals (half of 0.01 MiB = 5,243 B)
        long printPrecision = 1024 * 1024 / 200 + 1;
        assertThat(Math.abs(VerifierTest.part(r, "host", "kvCache").differenceBytes()))
                .isLessThanOrEqualTo(printPrecision);
        assertThat(Math.abs(VerifierTest.part(r, "host", "recurrentState").differenceBytes()))
                .isLessThanOrEqualTo(printPrecision);
        // node-llama-cpp reserves n_batch outputs (512 x 248,320 logits x 4 B = 485 MiB in the CPU graph) where
        // llama-server reserves one per slot (llama.cpp PR #23861), so this harness's compute is not the plan's:
        // the checker must say so rather than pass it.
        assertThat(VerifierTest.part(r, "host", "compute").result()).isEqualTo(VerifyReport.FAIL);
    }
}
