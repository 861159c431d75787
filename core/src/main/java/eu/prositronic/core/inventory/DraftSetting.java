package eu.prositronic.core.inventory;

import eu.prositronic.core.catalog.ModelSpec;
import eu.prositronic.core.catalog.ModelSpec.QuantFile;
import java.util.OptionalInt;

/**
 * Speculative decoding with a draft model ({@code draft:} of a deployment): a smaller catalog model of the same
 * vocabulary that llama-server loads beside the target ({@code --spec-draft-model}, {@code --spec-type draft-simple})
 * and that drafts {@code nDraft} tokens a step ({@code --spec-draft-n-max}).
 *
 * @param gpuLayers the draft's {@code -ngl} units on the GPU ({@code --spec-draft-ngl}); empty = all of them when the
 *     node has a GPU
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/common/arg.cpp#L4136-L4144">common/arg.cpp L4136-L4144 (--spec-draft-n-max)</a>
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/common/arg.cpp#L4218-L4243">common/arg.cpp L4218-L4243 (--spec-draft-ngl, --spec-draft-model)</a>
 */
public record DraftSetting(ModelSpec model, QuantFile quant, int nDraft, OptionalInt gpuLayers) {

    /** llama.cpp's default for {@code --spec-draft-n-max} (common_params_speculative_draft::n_max, common/common.h). */
    public static final int DEFAULT_N_DRAFT = 3;
}
