package eu.prositronic.core.fit;

import eu.prositronic.core.catalog.Hardware;
import eu.prositronic.core.inventory.Node;
import eu.prositronic.core.units.Bytes;
import java.util.ArrayList;
import java.util.List;

/** What is still free on a node's devices while its deployments are placed one by one. */
final class NodeBudget {
    final Node node;
    final List<String> gpuIds = new ArrayList<>();
    final List<Hardware> gpus;
    private final List<Bytes> free = new ArrayList<>(); // per GPU, after the reserve
    private Bytes hostFree;

    NodeBudget(Node node) {
        this.node = node;
        this.gpus = node.devices();
        for (Hardware h : gpus) {
            gpuIds.add(h.id() + ":" + gpuIds.size());
            free.add(h.plannedMemory().minus(LlamaCpp.FIT_TARGET));
        }
        hostFree = node.ram().minus(Planner.HOST_RESERVE);
    }

    /** What one of {@code sharers} deployments still to be placed may use: an equal part of what is free. */
    Share share(int sharers) {
        return new Share(
                free.stream().map(b -> Bytes.of(b.value() / sharers)).toList(), Bytes.of(hostFree.value() / sharers));
    }

    /** What is free on all GPUs together. */
    Bytes gpuFree() {
        Bytes sum = Bytes.ZERO;
        for (Bytes b : free) {
            sum = sum.plus(b);
        }
        return sum;
    }

    Bytes hostFree() {
        return hostFree;
    }

    void take(MemoryPlan used) {
        for (int d = 0; d < free.size(); d++) {
            free.set(d, free.get(d).minus(used.gpus().get(d).used()));
        }
        hostFree = hostFree.minus(used.host().used());
    }

    /** One deployment's budget: per GPU and on the host. */
    record Share(List<Bytes> gpus, Bytes host) {
        Bytes of(int gpu) {
            return gpus.get(gpu);
        }
    }
}
