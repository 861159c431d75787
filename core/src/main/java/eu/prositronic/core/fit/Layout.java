package eu.prositronic.core.fit;

import java.util.List;

/**
 * Where the layers go. {@code gpuLayers} counts llama.cpp's {@code -ngl} units: the blocks and, last, the output
 * layer; the last {@code gpuLayers} units are offloaded ({@code i_gpu_start = n_layer_all + 1 - n_gpu_layers},
 * src/llama-model.cpp load_tensors). {@code nCpuMoe} keeps the routed experts of the first blocks on the CPU. {@code
 * split} is the share of offloaded layers per GPU ({@code --tensor-split}), empty for one GPU or none.
 *
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-model.cpp#L1521-L1546">src/llama-model.cpp L1521-L1546</a>
 */
public record Layout(int gpuLayers, int nCpuMoe, List<Double> split) {
    public static Layout cpuOnly() {
        return new Layout(0, 0, List.of());
    }

    public Layout withGpuLayers(int n) {
        return new Layout(n, nCpuMoe, split);
    }

    public Layout withCpuMoe(int n) {
        return new Layout(gpuLayers, n, split);
    }
}
