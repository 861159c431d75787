package eu.prositronic.core.inventory;

import eu.prositronic.core.catalog.DriverVersion;
import eu.prositronic.core.catalog.Hardware;
import eu.prositronic.core.units.Bytes;
import eu.prositronic.core.units.BytesPerSecond;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A machine with its GPUs resolved to catalog entries. {@code memoryBandwidth} overrides the catalog's CPU default for
 * CPU-resident work; {@code driverVersion} (NVIDIA) decides between the CUDA images when known; {@code cpuIsa} decides
 * which weights llama.cpp's CPU backend repacks into a second copy; {@code serving} says whether helmfile or the
 * Ansible role {@code llama_server} runs its deployments; {@code power} is the node's measured draw, when given;
 * {@code labels} (sorted) are what a deployment's node selector ({@code node: {labels: …}}) matches;
 * {@code gpuSharing} says that the NVIDIA device plugin shares the node's GPUs among several pods (Kubernetes only).
 */
public record Node(
        String name,
        String address,
        Bytes ram,
        int cpuCores,
        Optional<BytesPerSecond> memoryBandwidth,
        List<GpuGroup> gpus,
        Optional<DriverVersion> driverVersion,
        CpuIsa cpuIsa,
        Serving serving,
        Optional<NodePower> power,
        Map<String, String> labels,
        Optional<GpuSharing> gpuSharing) {

    /** The hardware slug (and catalog id) of nodes without a GPU. */
    public static final String CPU_HARDWARE = "cpu";

    public Node {
        gpus = List.copyOf(gpus);
        labels = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(labels));
    }

    /** A node without measured power or labels. */
    public Node(
            String name,
            String address,
            Bytes ram,
            int cpuCores,
            Optional<BytesPerSecond> memoryBandwidth,
            List<GpuGroup> gpus,
            Optional<DriverVersion> driverVersion,
            CpuIsa cpuIsa,
            Serving serving) {
        this(
                name,
                address,
                ram,
                cpuCores,
                memoryBandwidth,
                gpus,
                driverVersion,
                cpuIsa,
                serving,
                Optional.empty(),
                Map.of(),
                Optional.empty());
    }

    /**
     * The same machine with other GPUs and RAM (a relaxation or a what-if that adds hardware); a measured draw holds
     * for the machine as it was measured, so it is dropped when the hardware changes.
     */
    public Node withHardware(List<GpuGroup> otherGpus, Bytes otherRam) {
        boolean same = otherGpus.equals(gpus) && otherRam.equals(ram);
        return copy(name, address, otherRam, otherGpus, same ? power : Optional.empty(), gpuSharing);
    }

    /**
     * How many llama-server pods Kubernetes schedules on this node at once, each asking the device plugin for all of the
     * node's GPUs: one without {@code gpuSharing}, its replicas with it; empty where pods do not compete for GPUs (no
     * GPU, or the node runs systemd units, which share GPUs without a device plugin).
     */
    public java.util.OptionalInt gpuPods() {
        if (serving != Serving.KUBERNETES || gpus.isEmpty()) {
            return java.util.OptionalInt.empty();
        }
        return java.util.OptionalInt.of(gpuSharing.map(GpuSharing::replicas).orElse(1));
    }

    /** The same machine under another name and address (for work shared by deployments alike but for their names). */
    public Node renamed(String otherName, String otherAddress) {
        return copy(otherName, otherAddress, ram, gpus, power, gpuSharing);
    }

    /** The same machine with other GPU sharing (a relaxation the solver's conflict report proposes). */
    public Node withGpuSharing(Optional<GpuSharing> sharing) {
        return copy(name, address, ram, gpus, power, sharing);
    }

    /** The same machine with the parts its copies change: name, address, RAM, GPUs, measured draw, GPU sharing. */
    private Node copy(
            String otherName,
            String otherAddress,
            Bytes otherRam,
            List<GpuGroup> otherGpus,
            Optional<NodePower> otherPower,
            Optional<GpuSharing> sharing) {
        return new Node(
                otherName,
                otherAddress,
                otherRam,
                cpuCores,
                memoryBandwidth,
                otherGpus,
                driverVersion,
                cpuIsa,
                serving,
                otherPower,
                labels,
                sharing);
    }

    /** {@code count} GPUs of one catalog model. */
    public record GpuGroup(Hardware hardware, int count) {}

    public boolean hasGpu() {
        return !gpus.isEmpty();
    }

    /** Every GPU, one entry per device, in the order llama.cpp numbers them. */
    public List<Hardware> devices() {
        List<Hardware> all = new ArrayList<>();
        for (GpuGroup g : gpus) {
            for (int i = 0; i < g.count(); i++) {
                all.add(g.hardware());
            }
        }
        return all;
    }

    public int gpuCount() {
        return gpus.stream().mapToInt(GpuGroup::count).sum();
    }

    /** The first GPU's catalog entry: a node runs one vendor's GPUs (the loader checks it). */
    public Optional<Hardware> primaryGpu() {
        return gpus.isEmpty() ? Optional.empty() : Optional.of(gpus.get(0).hardware());
    }

    public Optional<Hardware.Vendor> gpuVendor() {
        return primaryGpu().map(Hardware::vendor);
    }

    /** {@code nvidia-rtx3090}, {@code 2x-nvidia-rtx3090} for several, {@code cpu} without GPU. */
    public String hardwareSlug() {
        if (gpus.isEmpty()) {
            return CPU_HARDWARE;
        }
        List<String> parts = new ArrayList<>();
        for (GpuGroup g : gpus) {
            parts.add(
                    g.count() > 1
                            ? g.count() + "x-" + g.hardware().id()
                            : g.hardware().id());
        }
        return String.join("-", parts).toLowerCase(Locale.ROOT);
    }
}
