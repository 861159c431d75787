package eu.prositronic.core.fit;

import eu.prositronic.core.inventory.CacheType;
import eu.prositronic.core.inventory.Deployment;
import eu.prositronic.core.units.Bytes;
import java.util.List;

/**
 * Why a deployment does not fit where the inventory puts it, as data: what it needs per device at the smallest
 * context tried, what each device had for it, and plans that were fitted for real and do fit. Formatted for people at
 * the edge (console/NoFitMessage).
 *
 * @param needed per device, GPUs first, then the host
 * @param budgets what the deployment could use of each device, in the order of {@code needed}
 */
public record NoFit(
        Deployment deployment,
        long triedContext,
        List<DeviceMemory> needed,
        List<Bytes> budgets,
        Bytes gpuReserve,
        Bytes hostReserve,
        List<Alternative> alternatives) {

    public NoFit {
        needed = List.copyOf(needed);
        budgets = List.copyOf(budgets);
        alternatives = List.copyOf(alternatives);
    }

    /** A change to the deployment that fits, with the context it then gets. */
    public sealed interface Alternative {
        long context();
    }

    /** A smaller file of the same model; {@code maxContext}: only with {@code context: max}. */
    public record SmallerQuant(String quant, boolean maxContext, long context) implements Alternative {}

    /** The largest context that fits instead of the one asked for. */
    public record ShorterContext(long context) implements Alternative {}

    /** A quantized KV cache (K and V). */
    public record QuantizedCache(CacheType cacheType, long context) implements Alternative {}

    /** Another node of the inventory, fitted beside the deployments it already runs. */
    public record OtherNode(String node, long context) implements Alternative {}
}
