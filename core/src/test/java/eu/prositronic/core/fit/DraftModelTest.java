package eu.prositronic.core.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.prositronic.TestSupport;
import eu.prositronic.core.emit.ServerArgs;
import eu.prositronic.core.inventory.CacheType;
import eu.prositronic.core.problem.InvalidInputException;
import eu.prositronic.core.units.Bytes;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code draft:}: speculative decoding with a draft model. llama-server loads the draft beside the target and gives it
 * a second context with the target's {@code n_ctx}, slots and batches (common/speculative.cpp
 * {@code common_speculative_init_result}: {@code cparams.n_ctx = llama_n_ctx(ctx_tgt)}), one output per slot and no
 * recurrent snapshots; the target reserves {@code n_parallel × (1 + n_draft)} outputs (server_output_limits).
 */
class DraftModelTest {
    static final String GPU = "gpus: [{model: nvidia-rtx4090}]";

    static DeploymentPlan plan(String gpus, String deployment) throws Exception {
        return PlannerTest.plan(gpus, "64GiB", deployment).deployments().get(0);
    }

    @Test
    void theDraftHasItsOwnWeightsKvCacheAndComputeAtTheTargetsContext() throws Exception {
        DeploymentPlan p = plan(
                GPU,
                "- {name: x, model: qwen3-5-27b, quant: Q4_K_M, node: n1, context: 32768, parallel: 2,"
                        + " draft: {model: qwen3-5-0-8b, quant: Q4_K_M, nDraft: 16}}");
        // the draft alone, computed by the engine as llama.cpp creates it: the target's cells, slots and caches
        var draftSpec = TestSupport.catalog().model("qwen3-5-0-8b").orElseThrow();
        MemoryModel draft = new MemoryModel(
                draftSpec.architecture(),
                WeightModel.of(
                        draftSpec.architecture(), draftSpec.quant("Q4_K_M").orElseThrow()));
        RunSettings ds = new RunSettings(
                p.settings().nCtx(), 512, 2048, 2, CacheType.F16, CacheType.F16, true, false, 0, 0, Bytes.ZERO, 2);
        List<DeviceMemory> alone = draft.devices(
                ds,
                new Layout(draft.allUnits(), 0, List.of()),
                List.of("gpu"),
                List.of(Bytes.ofGiB(24)),
                Bytes.ofGiB(64),
                Bytes.ZERO,
                Bytes.ZERO);
        assertThat(p.memory().gpus().get(0).draft()).isEqualTo(alone.get(0).atLoad());
        assertThat(p.memory().host().draft()).isEqualTo(alone.get(1).atLoad());
        // its KV cache holds the whole context for both slots (6 of its 24 layers are full attention)
        assertThat(alone.get(0).kvCache().value()).isEqualTo(draft.kvBytes(ds)).isPositive();
        assertThat(alone.get(0).weights()).isGreaterThan(Bytes.ZERO);
        assertThat(ServerArgs.of(p))
                .containsSequence("--spec-type", "draft-simple")
                .containsSequence("--spec-draft-n-max", "16")
                .containsSequence("--spec-draft-ngl", String.valueOf(draft.allUnits()))
                .containsSequence("--spec-draft-type-k", "f16", "--spec-draft-type-v", "f16");
    }

    @Test
    void theTargetReservesOneOutputPerDraftedTokenAndSlot() throws Exception {
        DeploymentPlan text =
                plan(GPU, "- {name: x, model: qwen3-5-27b, quant: Q4_K_M, node: n1, context: 32768, parallel: 2}");
        DeploymentPlan spec = plan(
                GPU,
                "- {name: x, model: qwen3-5-27b, quant: Q4_K_M, node: n1, context: 32768, parallel: 2,"
                        + " draft: {model: qwen3-5-0-8b, quant: Q4_K_M, nDraft: 16}}");
        assertThat(text.settings().nOutputsMax()).isEqualTo(2);
        // min(n_batch 2048, 2 x (1 + 16))
        assertThat(spec.settings().nOutputsMax()).isEqualTo(34);
        assertThat(spec.settings().nDraft()).isEqualTo(16);
        assertThat(spec.settings().nRsSeq())
                .as("draft-simple keeps no recurrent snapshots")
                .isZero();
        assertThat(spec.memory().gpus().get(0).compute())
                .isGreaterThanOrEqualTo(text.memory().gpus().get(0).compute());
    }

    @Test
    void onACpuOnlyNodeTheDraftIsHostMemoryWithNoLayersOffloaded() throws Exception {
        DeploymentPlan p = plan(
                "",
                "- {name: x, model: qwen3-5-9b, quant: Q4_K_M, node: n1, context: 8192,"
                        + " draft: {model: qwen3-5-0-8b, quant: Q4_K_M}}");
        assertThat(p.memory().host().draft()).isGreaterThan(Bytes.ZERO);
        assertThat(ServerArgs.of(p))
                .containsSequence("--spec-draft-ngl", "0")
                .containsSequence("--spec-draft-n-max", "3");
    }

    @Test
    void aDraftOfAnotherVocabularyOrTheModelItselfIsAnErrorWithAFix() {
        String yaml = PlannerTest.inventory(GPU, "64GiB", """
                - {name: a, model: qwen3-5-27b, quant: Q4_K_M, node: n1, draft: {model: llama-3-1-8b, quant: Q4_K_M}}
                - {name: b, model: qwen3-5-9b, quant: Q4_K_M, node: n1, port: 8081, draft: {model: qwen3-5-9b, quant: Q4_K_M}}
                - {name: c, model: qwen3-5-9b, quant: Q4_K_M, node: n1, port: 8082, draft: {model: qwen3-5-0-8b, quant: Q9}}
                """);
        assertThatThrownBy(() -> TestSupport.inventory(yaml))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("draft model llama-3-1-8b does not share the vocabulary of qwen3-5-27b")
                .hasMessageContaining("use a model of the qwen3.5 family, e.g. qwen3-5-0-8b")
                .hasMessageContaining("the draft model is the model itself")
                .hasMessageContaining("draft model qwen3-5-0-8b has no quantization `Q9`");
    }
}
