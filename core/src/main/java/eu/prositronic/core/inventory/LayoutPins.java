package eu.prositronic.core.inventory;

import java.util.List;
import java.util.OptionalInt;

/**
 * The parts of a layout the inventory fixes ({@code gpuLayers}, {@code nCpuMoe}, {@code tensorSplit}): the fitter
 * keeps them as given and decides only the rest. Empty parts are the fitter's to choose.
 *
 * @param tensorSplit the share of offloaded layers per GPU, empty when not pinned
 */
public record LayoutPins(OptionalInt gpuLayers, OptionalInt nCpuMoe, List<Double> tensorSplit) {
    public static final LayoutPins NONE = new LayoutPins(OptionalInt.empty(), OptionalInt.empty(), List.of());

    public LayoutPins {
        tensorSplit = List.copyOf(tensorSplit);
    }

    public boolean any() {
        return gpuLayers.isPresent() || nCpuMoe.isPresent() || !tensorSplit.isEmpty();
    }
}
