package eu.prositronic.core.fit;

import eu.prositronic.core.catalog.Architecture;
import eu.prositronic.core.inventory.CpuIsa;
import eu.prositronic.core.inventory.LayoutPins;
import eu.prositronic.core.units.Bytes;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Decides the context and the layer layout of one deployment within given memory budgets, the way an operator would
 * and deterministically: all layers on the GPUs when they fit at the smallest useful context; otherwise the routed
 * experts of MoE models go to the CPU first ({@code --n-cpu-moe}), then whole layers ({@code -ngl}); then the largest
 * context that fits (or exactly the one asked for). Like llama.cpp's {@code --fit} (common/fit.cpp), the context is
 * given up down to {@link LlamaCpp#FIT_MIN_CTX} before any layer leaves the GPU.
 *
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/common/fit.cpp#L373-L457">common/fit.cpp L373-L457</a>
 */
public final class Fitter {
    private Fitter() {}

    /** The budgets of one deployment: what it may use of each device (capacity minus reserve, or its share). */
    public record Request(
            RunSettings base,
            OptionalLong requestedContext,
            long trainedContext,
            List<String> gpuIds,
            List<Bytes> gpuCapacity,
            List<Bytes> gpuBudget,
            Bytes hostCapacity,
            Bytes hostBudget,
            Bytes gpuRuntime,
            Bytes hostRuntime,
            CpuIsa cpuIsa,
            LayoutPins pins) {}

    public sealed interface Result permits Fitted, NoFit {}

    /**
     * A fit: the settings (context chosen, serving caches possibly reduced), the layout and its kind, the memory per
     * device, and what the fitter gave up to make it fit, in words for the plan's notes.
     */
    public record Fitted(
            RunSettings settings, Layout layout, LayoutKind kind, List<DeviceMemory> devices, List<String> notes)
            implements Result {
        public Fitted {
            notes = List.copyOf(notes);
        }
    }

    /** Nothing fits: the smallest configuration tried, with its devices, so the message can give the numbers. */
    public record NoFit(RunSettings settings, Layout layout, List<DeviceMemory> devices, List<Bytes> budgets)
            implements Result {}

    /**
     * Fits with llama-server's serving caches as asked; when nothing fits that way, again without the prompt cache
     * ({@code --cache-ram 0}), then without context checkpoints too: they only save recomputing prompts, so a server
     * without them is slower on long conversations but runs.
     */
    public static Result fit(MemoryModel model, Request r) {
        Result asked = fitWith(model, r);
        RunSettings base = r.base();
        if (asked instanceof Fitted || (base.cacheRam().isZero() && base.checkpointsPerSlot() == 0)) {
            return asked;
        }
        Result noCache = fitWith(model, withBase(r, base.withServerCaches(Bytes.ZERO, base.ctxCheckpoints())));
        if (noCache instanceof Fitted f) {
            return noted(
                    f,
                    "the prompt cache is off (--cache-ram 0): the node's RAM is needed for the model itself;"
                            + " a slot that switches conversations recomputes its prompt");
        }
        if (!model.usesCheckpoints()) {
            return asked;
        }
        Result bare = fitWith(model, withBase(r, base.withServerCaches(Bytes.ZERO, 0)));
        if (bare instanceof Fitted f) {
            return noted(
                    f,
                    "the prompt cache and context checkpoints are off (--cache-ram 0, --ctx-checkpoints 0):"
                            + " the node's RAM is needed for the model itself; each turn recomputes the whole prompt");
        }
        return asked;
    }

    private static Fitted noted(Fitted f, String note) {
        List<String> notes = new ArrayList<>(f.notes());
        notes.add(note);
        return new Fitted(f.settings(), f.layout(), f.kind(), f.devices(), notes);
    }

    private static Request withBase(Request r, RunSettings base) {
        return new Request(
                base,
                r.requestedContext(),
                r.trainedContext(),
                r.gpuIds(),
                r.gpuCapacity(),
                r.gpuBudget(),
                r.hostCapacity(),
                r.hostBudget(),
                r.gpuRuntime(),
                r.hostRuntime(),
                r.cpuIsa(),
                r.pins());
    }

    private static Result fitWith(MemoryModel model, Request r) {
        Architecture a = model.architecture();
        long trained = LlamaCpp.roundDownContext(r.trainedContext());
        long minCtx = r.requestedContext().isPresent()
                ? LlamaCpp.padContext(r.requestedContext().getAsLong())
                : Math.min(LlamaCpp.FIT_MIN_CTX, trained);
        long maxCtx = r.requestedContext().isPresent() ? minCtx : trained;
        RunSettings atMin = r.base().withContext(minCtx);
        LayoutPins pins = r.pins();
        List<Double> split =
                pins.tensorSplit().isEmpty() || r.gpuIds().size() <= 1 ? split(r.gpuBudget()) : pins.tensorSplit();
        List<String> notes = new ArrayList<>();

        Layout layout;
        LayoutKind kind;
        if (r.gpuIds().isEmpty()) {
            layout = Layout.cpuOnly();
            kind = LayoutKind.CPU;
        } else if (pins.gpuLayers().isPresent()) {
            // the inventory fixed -ngl (and perhaps --n-cpu-moe): kept as given, only the context is chosen
            int ngl = Math.min(pins.gpuLayers().getAsInt(), model.allUnits());
            layout = new Layout(ngl, pins.nCpuMoe().orElse(0), split);
            kind = kindOf(model, layout);
        } else {
            layout = new Layout(model.allUnits(), pins.nCpuMoe().orElse(0), split);
            kind = kindOf(model, layout);
            if (!fits(model, r, atMin, layout) && a.isMoe() && pins.nCpuMoe().isEmpty()) {
                for (int n = 1; n <= a.blockCount(); n++) {
                    layout = layout.withCpuMoe(n);
                    if (fits(model, r, atMin, layout)) {
                        break;
                    }
                }
                kind = LayoutKind.MOE_EXPERTS_ON_CPU;
            }
            if (!fits(model, r, atMin, layout)) {
                for (int ngl = model.allUnits() - 1; ngl >= 0; ngl--) {
                    layout = layout.withGpuLayers(ngl);
                    if (fits(model, r, atMin, layout)) {
                        break;
                    }
                }
                kind = LayoutKind.PARTIAL;
            }
        }
        if (!r.gpuIds().isEmpty() && pins.any()) {
            notes.add(pinNote(pins, layout, model));
        }
        if (!fits(model, r, atMin, layout)) {
            Layout best = r.gpuIds().isEmpty() || pins.gpuLayers().isPresent()
                    ? layout
                    : new Layout(model.allUnits(), pins.nCpuMoe().orElse(0), split);
            List<Bytes> budgets = new ArrayList<>(r.gpuBudget());
            budgets.add(r.hostBudget());
            return new NoFit(atMin, best, devices(model, r, atMin, best), budgets);
        }
        long ctx = largestContext(model, r, layout, minCtx, maxCtx);
        RunSettings settings = r.base().withContext(ctx);
        return new Fitted(settings, layout, kind, devices(model, r, settings, layout), notes);
    }

    /** The kind of a given layout: everything on the GPUs, experts of some blocks on the CPU, or layers on the CPU. */
    static LayoutKind kindOf(MemoryModel model, Layout layout) {
        if (layout.gpuLayers() < model.allUnits()) {
            return LayoutKind.PARTIAL;
        }
        return layout.nCpuMoe() > 0 ? LayoutKind.MOE_EXPERTS_ON_CPU : LayoutKind.FULL;
    }

    private static String pinNote(LayoutPins pins, Layout layout, MemoryModel model) {
        List<String> parts = new ArrayList<>();
        pins.gpuLayers().ifPresent(n -> parts.add("gpuLayers " + layout.gpuLayers() + " of " + model.allUnits()));
        pins.nCpuMoe().ifPresent(n -> parts.add("nCpuMoe " + n));
        if (!pins.tensorSplit().isEmpty()) {
            parts.add("tensorSplit "
                    + pins.tensorSplit().stream()
                            .map(x -> x == Math.rint(x) ? String.valueOf((long) (double) x) : String.valueOf(x))
                            .reduce((x, y) -> x + "," + y)
                            .orElse(""));
        }
        return "layout as the inventory pins it (" + String.join(", ", parts) + "); the context is chosen to fit it";
    }

    /** Binary search over multiples of 256: memory grows with the context on every device. */
    static long largestContext(MemoryModel model, Request r, Layout layout, long lo, long hi) {
        long loK = lo / LlamaCpp.CTX_PAD;
        long hiK = hi / LlamaCpp.CTX_PAD;
        if (fits(model, r, r.base().withContext(hiK * LlamaCpp.CTX_PAD), layout)) {
            return hiK * LlamaCpp.CTX_PAD;
        }
        while (hiK - loK > 1) {
            long mid = (loK + hiK) >>> 1;
            if (fits(model, r, r.base().withContext(mid * LlamaCpp.CTX_PAD), layout)) {
                loK = mid;
            } else {
                hiK = mid;
            }
        }
        return loK * LlamaCpp.CTX_PAD;
    }

    static boolean fits(MemoryModel model, Request r, RunSettings s, Layout layout) {
        List<DeviceMemory> devices = devices(model, r, s, layout);
        for (int d = 0; d < r.gpuIds().size(); d++) {
            if (devices.get(d).used().compareTo(r.gpuBudget().get(d)) > 0) {
                return false;
            }
        }
        return devices.get(devices.size() - 1).used().compareTo(r.hostBudget()) <= 0;
    }

    static List<DeviceMemory> devices(MemoryModel model, Request r, RunSettings s, Layout layout) {
        return model.devices(
                s, layout, r.gpuIds(), r.gpuCapacity(), r.hostCapacity(), r.gpuRuntime(), r.hostRuntime(), r.cpuIsa());
    }

    /** {@code --tensor-split} proportional to each GPU's budget, in whole GiB reduced by their common divisor. */
    static List<Double> split(List<Bytes> budgets) {
        if (budgets.size() <= 1) {
            return List.of();
        }
        List<Long> gib =
                budgets.stream().map(b -> Math.max(1, Math.round(b.gib()))).toList();
        long g = gib.stream()
                .map(BigInteger::valueOf)
                .reduce(BigInteger::gcd)
                .orElse(BigInteger.ONE)
                .longValue();
        return gib.stream().map(x -> (double) (x / g)).toList();
    }
}
