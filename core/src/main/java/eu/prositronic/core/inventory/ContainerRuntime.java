package eu.prositronic.core.inventory;

import java.util.List;
import java.util.Locale;

/** The node's container runtime; decides how the NVIDIA Container Toolkit is wired in. */
public enum ContainerRuntime {
    CONTAINERD,
    DOCKER,
    CRIO,
    K3S,
    RKE2;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static List<String> keys() {
        return List.of("containerd", "docker", "crio", "k3s", "rke2");
    }
}
