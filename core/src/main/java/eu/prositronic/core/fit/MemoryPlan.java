package eu.prositronic.core.fit;

import eu.prositronic.core.units.Bytes;
import java.util.ArrayList;
import java.util.List;

/**
 * A deployment's memory, device by device: its GPUs in llama.cpp's order and the host. The one place where VRAM and
 * RAM totals are computed.
 *
 * @param gpuReserve the margin kept free on every GPU when fitting (llama.cpp's {@code --fit-target})
 * @param hostReserve the node RAM left to the operating system when fitting
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/common/common.h#L480-L481">common/common.h L480-L481</a>
 */
public record MemoryPlan(List<DeviceMemory> gpus, DeviceMemory host, Bytes gpuReserve, Bytes hostReserve) {

    public MemoryPlan {
        gpus = List.copyOf(gpus);
    }

    /** From the engine's list: the GPUs first, then the host (MemoryModel#devices). */
    static MemoryPlan of(List<DeviceMemory> devices, Bytes gpuReserve, Bytes hostReserve) {
        DeviceMemory host = devices.get(devices.size() - 1);
        if (host.kind() != DeviceMemory.Kind.CPU) {
            throw new IllegalStateException("the engine lists the host last");
        }
        return new MemoryPlan(devices.subList(0, devices.size() - 1), host, gpuReserve, hostReserve);
    }

    /** The GPUs, then the host: the order of plan.json's {@code memory.devices}. */
    public List<DeviceMemory> devices() {
        List<DeviceMemory> all = new ArrayList<>(gpus);
        all.add(host);
        return all;
    }

    /**
     * What each GPU holds once the model is loaded, in the backend's device order: the free memory a preflight
     * (the unit's ExecStartPre, the chart's init container) must find on each, beside {@link #gpuReserveIfAny()}.
     */
    public List<Long> gpuNeedAtLoadBytes() {
        return gpus.stream().map(g -> g.atLoad().value()).toList();
    }

    /** The GPU margin, or 0 on a node without GPUs (nothing to keep free). */
    public long gpuReserveIfAny() {
        return gpus.isEmpty() ? 0 : gpuReserve.value();
    }

    public Bytes vramCapacity() {
        return gpus.stream().map(DeviceMemory::capacity).reduce(Bytes.ZERO, Bytes::plus);
    }

    public Bytes vramUsed() {
        return gpus.stream().map(DeviceMemory::used).reduce(Bytes.ZERO, Bytes::plus);
    }

    public Bytes ramUsed() {
        return host.used();
    }

    public Bytes kvCache() {
        return devices().stream().map(DeviceMemory::kvCache).reduce(Bytes.ZERO, Bytes::plus);
    }

    public Bytes recurrentState() {
        return devices().stream().map(DeviceMemory::recurrentState).reduce(Bytes.ZERO, Bytes::plus);
    }
}
