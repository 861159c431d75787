package eu.prositronic.core.inventory;

import java.util.List;
import java.util.Locale;

/**
 * How a node serves its deployments: through the Helm chart (helmfile, {@code kubernetes}) or as systemd units of the
 * Ansible role {@code llama_server} ({@code systemd}). One node is served one way only, so that no deployment runs
 * twice.
 */
public enum Serving {
    KUBERNETES,
    SYSTEMD;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static List<String> keys() {
        return List.of("kubernetes", "systemd");
    }

    /**
     * Without {@code serving:} a node runs Kubernetes when the cluster's runtime can serve one: containerd, CRI-O, k3s
     * and RKE2 can; Docker alone cannot (Kubernetes has no Docker runtime since 1.24), so its nodes run systemd units.
     */
    public static Serving defaultFor(ContainerRuntime runtime) {
        return runtime == ContainerRuntime.DOCKER ? SYSTEMD : KUBERNETES;
    }
}
