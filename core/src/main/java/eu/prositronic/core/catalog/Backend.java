package eu.prositronic.core.catalog;

import java.util.List;
import java.util.Locale;

/** The llama.cpp build a deployment runs on. */
public enum Backend {
    CPU,
    CUDA12,
    CUDA13,
    ROCM,
    VULKAN;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean gpu() {
        return this != CPU;
    }

    /** The NVIDIA builds: they need the NVIDIA device plugin and container toolkit. */
    public boolean cuda() {
        return this == CUDA12 || this == CUDA13;
    }

    public static List<String> keys() {
        return List.of("cpu", "cuda12", "cuda13", "rocm", "vulkan");
    }
}
