package eu.prositronic.core.fit;

import eu.prositronic.core.units.Bytes;

/**
 * What llama-server uses on one device, split as llama.cpp splits it. {@code used} is their sum: the prediction of
 * what nvidia-smi (GPU) or the process's resident memory (host) shows, without margin.
 */
public record DeviceMemory(
        String id,
        Kind kind,
        Bytes capacity,
        Bytes weights,
        Bytes kvCache,
        Bytes recurrentState,
        Bytes compute,
        Bytes overhead) {

    public enum Kind {
        GPU,
        CPU;

        /** plan.json's spelling: {@code gpu} or {@code cpu}. */
        public String key() {
            return this == GPU ? "gpu" : "cpu";
        }
    }

    public Bytes used() {
        return weights.plus(kvCache).plus(recurrentState).plus(compute).plus(overhead);
    }
}
