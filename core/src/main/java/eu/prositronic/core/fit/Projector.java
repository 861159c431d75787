package eu.prositronic.core.fit;

import eu.prositronic.core.catalog.ModelSpec;
import eu.prositronic.core.inventory.Deployment;
import eu.prositronic.core.units.Bytes;
import java.util.Optional;

/**
 * The vision projector (mmproj) llama-server loads with {@code --mmproj}, as llama.cpp's clip places it: every tensor
 * in one weights buffer and the warmup graph's compute buffer, both on {@code ctx_clip.backend}. That backend is the
 * first GPU ({@code ggml_backend_init_by_type(GPU)}) unless {@code --no-mmproj-offload} (or a node without a GPU)
 * leaves it on the CPU; llama-server passes the deployment's flash-attention setting to clip, which decides the
 * compute buffer (without flash attention one layer's attention scores, n_head × n_patches² F32, are live).
 *
 * @param weights the mmproj's tensor bytes (clip counts {@code ggml_nbytes} of every loaded tensor; the catalog's
 *     file size, which is over by the GGUF header, 18 KiB for Qwen3.5's)
 * @param computeFlashAttn the warmup graph's buffer with flash attention on (measured per model, in the catalog)
 * @param computeNoFlashAttn the same with flash attention off
 * @param offload on the first GPU (llama-server's default) rather than the host
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/tools/mtmd/clip.cpp#L181-L218">tools/mtmd/clip.cpp L181-L218 (clip_ctx: the GPU backend, else the CPU)</a>
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/tools/mtmd/clip.cpp#L3610-L3613">tools/mtmd/clip.cpp L3610-L3613 (weights in one buffer of that backend)</a>
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/tools/server/server-context.cpp#L1045-L1061">tools/server/server-context.cpp L1045-L1061 (mtmd params: use_gpu, flash_attn_type, warmup)</a>
 */
public record Projector(Bytes weights, Bytes computeFlashAttn, Bytes computeNoFlashAttn, boolean offload) {

    /** The projector a deployment asks for, if any (the inventory reader has checked the catalog has its figures). */
    public static Optional<Projector> of(Deployment d) {
        if (!d.vision().enabled()) {
            return Optional.empty();
        }
        ModelSpec.Vision v = d.model().capabilities().vision().orElseThrow();
        return Optional.of(new Projector(
                v.file().size(),
                v.computeFlashAttn().orElseThrow(),
                v.computeNoFlashAttn().orElseThrow(),
                d.vision().offload() && d.node().hasGpu()));
    }

    /** The compute buffer at the run's flash-attention setting. */
    public Bytes compute(boolean flashAttn) {
        return flashAttn ? computeFlashAttn : computeNoFlashAttn;
    }
}
