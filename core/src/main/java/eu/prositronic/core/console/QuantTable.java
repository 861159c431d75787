package eu.prositronic.core.console;

import eu.prositronic.core.fit.DeploymentPlan;
import eu.prositronic.core.fit.HardwareQuestion;
import eu.prositronic.core.fit.SpeedModel;
import eu.prositronic.core.units.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The answer of {@code prositronic:fit}: one line per quantization of a model on one hardware. */
public final class QuantTable {
    private QuantTable() {}

    public static List<String> lines(String model, String hardware, List<HardwareQuestion.Answer> answers) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"quant", "file", "layout", "layers", "context", "VRAM", "RAM", "tok/s*"});
        for (HardwareQuestion.Answer a : answers) {
            if (a.plan().isEmpty()) {
                rows.add(new String[] {
                    a.quant().quant(), a.quant().size().human(), "does not fit", "-", "-", "-", "-", "-"
                });
                continue;
            }
            DeploymentPlan d = a.plan().get();
            Bytes vram = d.memory().vramUsed();
            rows.add(new String[] {
                d.quant().quant(),
                d.quant().size().human(),
                d.layoutKind().key(),
                d.gpuLayers() + "/" + d.layers(),
                String.format(Locale.ROOT, "%,d", d.ctxSize()),
                vram.isZero() ? "-" : vram.human(),
                d.memory().ramUsed().human(),
                String.format(Locale.ROOT, "%.0f", d.speed().generationTokensPerSecond())
            });
        }
        List<String> out = new ArrayList<>();
        out.add(model + " on " + hardware + ": every quantization alone, context max, llama-server's defaults");
        out.addAll(FitTable.align(rows));
        out.add("* estimated generation speed of one slot at " + SpeedModel.QUOTED_DEPTH
                + " tokens of context (calibrated estimate, docs/fit-engine.md); memory is the fit engine's prediction"
                + " at the largest context that fits (RAM includes llama-server's prompt cache and checkpoints)");
        return out;
    }
}
