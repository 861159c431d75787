package eu.prositronic.core.fit;

import eu.prositronic.core.units.Bytes;

/**
 * What llama-server uses on one device, split as llama.cpp splits it. {@code used} is their sum: the prediction of
 * what nvidia-smi (GPU) or the process's resident memory (host) shows at its peak, without margin; {@link #atLoad()}
 * leaves out what grows only while serving (checkpoints, prompt cache), which is what a freshly started server shows.
 *
 * @param overhead the runtime beyond llama.cpp's buffers: driver context and libraries on a GPU, the binary, libraries
 *     and HTTP server on the host
 * @param projectorWeights the vision projector's (mmproj) tensors, on the device clip runs on (the first GPU, or the
 *     host); zero without vision
 * @param projectorCompute the vision projector's compute buffer (its warmup graph), on that device
 * @param draft the draft model of speculative decoding on this device: its weights, its own context's KV cache and
 *     recurrent state, and its compute buffers; zero without a draft
 * @param checkpoints llama-server's context checkpoints of every slot (host only)
 * @param promptCache llama-server's prompt cache at its limit, {@code --cache-ram} (host only)
 */
public record DeviceMemory(
        String id,
        Kind kind,
        Bytes capacity,
        Bytes weights,
        Bytes kvCache,
        Bytes recurrentState,
        Bytes compute,
        Bytes projectorWeights,
        Bytes projectorCompute,
        Bytes draft,
        Bytes overhead,
        Bytes checkpoints,
        Bytes promptCache) {

    /** One part of a device's memory, in the order reports stack them. */
    public record Part(String key, String label, Bytes bytes) {}

    /** Every part, in the order of the record, with its name in plan.json and in reports. */
    public java.util.List<Part> parts() {
        return java.util.List.of(
                new Part("weights", "weights", weights),
                new Part("kvCache", "KV cache", kvCache),
                new Part("recurrentState", "recurrent state", recurrentState),
                new Part("compute", "compute", compute),
                new Part("projectorWeights", "projector weights", projectorWeights),
                new Part("projectorCompute", "projector compute", projectorCompute),
                new Part("draft", "draft model", draft),
                new Part("overhead", "runtime", overhead),
                new Part("checkpoints", "checkpoints", checkpoints),
                new Part("promptCache", "prompt cache", promptCache));
    }

    public enum Kind {
        GPU,
        CPU;

        /** plan.json's spelling: {@code gpu} or {@code cpu}. */
        public String key() {
            return this == GPU ? "gpu" : "cpu";
        }
    }

    /** The vision projector's part of the device: its weights and its compute buffer. */
    public Bytes projector() {
        return projectorWeights.plus(projectorCompute);
    }

    public Bytes used() {
        return atLoad().plus(checkpoints).plus(promptCache);
    }

    /** What the device holds once the model is loaded, before any request: everything but the serving caches. */
    public Bytes atLoad() {
        return weights.plus(kvCache)
                .plus(recurrentState)
                .plus(compute)
                .plus(projectorWeights)
                .plus(projectorCompute)
                .plus(draft)
                .plus(overhead);
    }
}
