package eu.prositronic.core.fit;

import eu.prositronic.core.catalog.Catalog;
import eu.prositronic.core.catalog.Hardware;
import eu.prositronic.core.catalog.ModelSpec;
import eu.prositronic.core.inventory.CpuIsa;
import eu.prositronic.core.inventory.Deployment;
import eu.prositronic.core.inventory.Node;
import eu.prositronic.core.problem.ProsiException;
import eu.prositronic.core.problem.Setting;
import eu.prositronic.core.problem.Suggestions;
import eu.prositronic.core.units.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one-off question "how does this model run on this hardware": every quantization of the model fitted alone on
 * the hardware with every setting at its default and {@code context: max}, exactly as a catalog page is, without an
 * inventory. The host's RAM limits the fit only when it is given.
 */
public final class HardwareQuestion {
    private HardwareQuestion() {}

    /** One quantization's answer: its plan, or empty when it does not fit even with every layer on the CPU. */
    public record Answer(ModelSpec.QuantFile quant, Optional<DeploymentPlan> plan) {}

    /** {@code nvidia-rtx3090}, {@code 2x-nvidia-rtx3090} or {@code cpu}. */
    private static final Pattern HARDWARE = Pattern.compile("^(?:(\\d{1,2})x-)?([a-z0-9][a-z0-9-]*)$");

    public static List<Answer> ask(Catalog catalog, String model, String hardware, Optional<Bytes> ram)
            throws ProsiException {
        ModelSpec m = catalog.model(model)
                .orElseThrow(() -> new ProsiException(s -> "unknown model `" + model + "`: "
                        + Suggestions.fix(model, catalog.modelNames()) + " (" + s.of(Setting.MODEL) + ")"));
        Node node = node(catalog, hardware, ram);
        List<Answer> answers = new ArrayList<>();
        for (ModelSpec.QuantFile q : m.quantizations()) {
            Deployment d = Deployment.catalogDefault(m, q, node);
            answers.add(new Answer(q, Planner.alone(d, catalog)));
        }
        return answers;
    }

    static Node node(Catalog catalog, String hardware, Optional<Bytes> ram) throws ProsiException {
        String h = hardware.trim().toLowerCase(java.util.Locale.ROOT);
        Matcher match = HARDWARE.matcher(h);
        List<String> known = new ArrayList<>(catalog.gpuIds());
        known.add(Node.CPU_HARDWARE);
        if (!match.matches()) {
            throw new ProsiException(s -> "not a hardware id: `" + hardware + "`; write a catalog GPU id such as "
                    + "nvidia-rtx3090, 2x-nvidia-rtx3090 for two, or cpu (" + s.of(Setting.HARDWARE) + ")");
        }
        int count = match.group(1) == null ? 1 : Integer.parseInt(match.group(1));
        String id = match.group(2);
        List<Node.GpuGroup> gpus = new ArrayList<>();
        if (!id.equals(Node.CPU_HARDWARE)) {
            Optional<Hardware> gpu = catalog.hardware(id).filter(x -> !x.id().equals(Node.CPU_HARDWARE));
            if (gpu.isEmpty()) {
                throw new ProsiException(s -> "unknown hardware `" + id + "`: " + Suggestions.fix(id, known) + " ("
                        + s.of(Setting.HARDWARE) + ")");
            }
            if (count < 1) {
                throw new ProsiException(s -> "a GPU count of 0 in `" + hardware + "`; write cpu for a machine without"
                        + " GPUs (" + s.of(Setting.HARDWARE) + ")");
            }
            gpus.add(new Node.GpuGroup(gpu.get(), count));
        }
        return new Node(
                "answer",
                "",
                ram.orElse(Planner.CATALOG_PAGE_HOST_RAM),
                Planner.CATALOG_PAGE_HOST_CORES,
                Optional.empty(),
                gpus,
                Optional.empty(),
                CpuIsa.AVX2,
                eu.prositronic.core.inventory.Serving.KUBERNETES);
    }
}
