package eu.prositronic.testkit;

import eu.prositronic.core.catalog.Architecture;
import java.util.List;

/**
 * What the test kit knows of a GGUF architecture: the metadata keys llama.cpp's {@code load_hparams} reads beyond the
 * common ones, and the tensor table of its {@code load_tensors}. Add a family here to make synthetic files of it. (At
 * the pin both are per architecture: {@code llama_model_base::load_hparams} and {@code load_tensors} in
 * src/llama-model.cpp call the model's {@code load_arch_hparams} and {@code load_arch_tensors} in src/models/{@code
 * <arch>}.cpp.)
 *
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-model.cpp#L1231-L1424">src/llama-model.cpp L1231-L1424</a>
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-model.cpp#L1432-L1564">src/llama-model.cpp L1432-L1564</a>
 */
public interface Family {
    /** The {@code general.architecture} values of this family. */
    List<String> architectures();

    /** Writes the family's own metadata (the common keys are written by {@link SyntheticGguf}). */
    void metadata(GgufWriter w, Architecture a);

    /** The tensor table, in the order converted files have it. */
    List<ModelTensors.Spec> tensors(Architecture a);

    List<Family> ALL = List.of(
            new Qwen35Family(), new LlamaFamily(), new Qwen3MoeFamily(), new Gemma3Family(), new GptOssFamily());

    /** The family of a GGUF architecture; throws with the known ones when there is none. */
    static Family of(String ggufArchitecture) {
        for (Family f : ALL) {
            if (f.architectures().contains(ggufArchitecture)) {
                return f;
            }
        }
        throw new IllegalArgumentException("the test kit has no tensor table for GGUF architecture `" + ggufArchitecture
                + "` (known: " + String.join(", ", known()) + "); add a Family for it");
    }

    static List<String> known() {
        return ALL.stream().flatMap(f -> f.architectures().stream()).toList();
    }
}
