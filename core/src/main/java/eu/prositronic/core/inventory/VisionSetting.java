package eu.prositronic.core.inventory;

/**
 * What a deployment asks of the model's vision projector: {@code vision: true} loads the catalog's mmproj file
 * ({@code --mmproj}); {@code visionOffload: false} keeps it in host memory ({@code --no-mmproj-offload}) instead of
 * the first GPU, where llama-server puts it by default.
 *
 * @param enabled whether llama-server loads the projector
 * @param offload whether it goes to the first GPU (llama-server's default, {@code mmproj_use_gpu = true})
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/common/arg.cpp#L2597-L2604">common/arg.cpp L2597-L2604 (--no-mmproj-offload)</a>
 */
public record VisionSetting(boolean enabled, boolean offload) {

    /** No projector: text only. */
    public static final VisionSetting NONE = new VisionSetting(false, true);

    /** Whether the projector is loaded and kept on the host. */
    public boolean onHost() {
        return enabled && !offload;
    }
}
