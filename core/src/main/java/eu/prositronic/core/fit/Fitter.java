package eu.prositronic.core.fit;

import eu.prositronic.core.catalog.Architecture;
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
            Bytes hostRuntime) {}

    public sealed interface Result permits Fitted, NoFit {}

    public record Fitted(RunSettings settings, Layout layout, LayoutKind kind, List<DeviceMemory> devices)
            implements Result {}

    /** Nothing fits: the smallest configuration tried, with its devices, so the message can give the numbers. */
    public record NoFit(RunSettings settings, Layout layout, List<DeviceMemory> devices, List<Bytes> budgets)
            implements Result {}

    public static Result fit(MemoryModel model, Request r) {
        Architecture a = model.architecture();
        long trained = LlamaCpp.roundDownContext(r.trainedContext());
        long minCtx = r.requestedContext().isPresent()
                ? LlamaCpp.padContext(r.requestedContext().getAsLong())
                : Math.min(LlamaCpp.FIT_MIN_CTX, trained);
        long maxCtx = r.requestedContext().isPresent() ? minCtx : trained;
        RunSettings atMin = r.base().withContext(minCtx);

        Layout layout;
        LayoutKind kind;
        if (r.gpuIds().isEmpty()) {
            layout = Layout.cpuOnly();
            kind = LayoutKind.CPU;
        } else {
            layout = new Layout(model.allUnits(), 0, split(r.gpuBudget()));
            kind = LayoutKind.FULL;
            if (!fits(model, r, atMin, layout) && a.isMoe()) {
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
        if (!fits(model, r, atMin, layout)) {
            Layout best = r.gpuIds().isEmpty() ? layout : new Layout(model.allUnits(), 0, split(r.gpuBudget()));
            List<Bytes> budgets = new ArrayList<>(r.gpuBudget());
            budgets.add(r.hostBudget());
            return new NoFit(atMin, best, devices(model, r, atMin, best), budgets);
        }
        long ctx = largestContext(model, r, layout, minCtx, maxCtx);
        RunSettings settings = r.base().withContext(ctx);
        return new Fitted(settings, layout, kind, devices(model, r, settings, layout));
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
        return model.devices(s, layout, r.gpuIds(), r.gpuCapacity(), r.hostCapacity(), r.gpuRuntime(), r.hostRuntime());
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
