package eu.prositronic.core.fit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import eu.prositronic.core.fit.Plan.DeploymentPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The llama-server flags of a plan, in the order the chart's {@code llama-server.args} helper renders them (without
 * {@code --host}, {@code --port} and the model source, which each deployment target adds itself). Every value is
 * passed explicitly so that a newer llama-server's defaults cannot change what was planned.
 */
public final class ServerFlags {
    private static final ObjectMapper JSON =
            new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private ServerFlags() {}

    public static List<String> args(DeploymentPlan p, Map<String, Object> chatTemplateKwargs) {
        List<String> a = new ArrayList<>();
        add(a, "--alias", p.model());
        add(a, "--ctx-size", p.ctxSize());
        add(a, "--n-gpu-layers", p.gpuLayers());
        if (p.nCpuMoe() > 0) {
            add(a, "--n-cpu-moe", p.nCpuMoe());
        }
        if (!p.tensorSplit().isEmpty()) {
            add(
                    a,
                    "--tensor-split",
                    String.join(
                            ",", p.tensorSplit().stream().map(String::valueOf).toList()));
        }
        add(a, "--flash-attn", p.flashAttn());
        add(a, "--cache-type-k", p.cacheTypeK());
        add(a, "--cache-type-v", p.cacheTypeV());
        add(a, "--parallel", p.parallel());
        add(a, "--batch-size", p.batchSize());
        add(a, "--ubatch-size", p.ubatchSize());
        add(a, "--cache-ram", p.cacheRamBytes() / (1024 * 1024));
        add(a, "--ctx-checkpoints", p.ctxCheckpoints());
        if (p.metrics()) {
            a.add("--metrics");
        }
        a.add("--jinja");
        if (!chatTemplateKwargs.isEmpty()) {
            add(a, "--chat-template-kwargs", compactJson(chatTemplateKwargs));
        }
        return List.copyOf(a);
    }

    public static String compactJson(Map<String, Object> map) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(map));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void add(List<String> a, String flag, Object value) {
        a.add(flag);
        a.add(String.valueOf(value));
    }
}
