package eu.prositronic.testkit;

import eu.prositronic.core.catalog.Architecture;
import java.util.List;

/**
 * What the test kit knows of a GGUF architecture: the metadata keys llama.cpp's {@code load_hparams} reads beyond the
 * common ones, and the tensor table of its {@code load_tensors}. Add a family here to make synthetic files of it.
 */
public interface Family {
    /** The {@code general.architecture} values of this family. */
    List<String> architectures();

    /** Writes the family's own metadata (the common keys are written by {@link SyntheticGguf}). */
    void metadata(GgufWriter w, Architecture a);

    /** The tensor table, in the order converted files have it. */
    List<ModelTensors.Spec> tensors(Architecture a);

    List<Family> ALL = List.of(new Qwen35Family(), new LlamaFamily(), new Qwen3MoeFamily());

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
