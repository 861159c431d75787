package eu.prositronic.core.emit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import eu.prositronic.core.fit.DeploymentPlan;
import eu.prositronic.core.fit.RunSettings;
import eu.prositronic.core.units.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The one home of llama-server's flags for a plan, in the order the chart's {@code llama-server.args} helper renders
 * them from the values (without {@code --host}, {@code --port} and the model source, which each deployment target adds
 * itself). The systemd unit and plan.json use this list as it is; a test renders the chart and compares. Every value is
 * passed explicitly so that a newer llama-server's defaults cannot change what was planned.
 */
public final class ServerArgs {
    private static final ObjectMapper JSON =
            new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    /** The template kwarg that {@code --reasoning} sets (ModelSpec's default thinking kwarg). */
    static final String THINKING_KWARG = "enable_thinking";

    private ServerArgs() {}

    public static List<String> of(DeploymentPlan p) {
        RunSettings s = p.settings();
        List<String> a = new ArrayList<>();
        add(a, "--alias", p.model().id());
        add(a, "--ctx-size", s.nCtx());
        add(a, "--n-gpu-layers", p.gpuLayers());
        // the plan fixes the layers and the context; llama-server's own --fit (on by default) would still run a dry
        // load (about 10 s for a 262,144-token context) before giving up on an explicit --n-gpu-layers:
        // https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/common/fit.cpp#L463-L465
        add(a, "--fit", "off");
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
        add(a, "--flash-attn", flashAttn(p));
        add(a, "--cache-type-k", s.cacheTypeK().flag());
        add(a, "--cache-type-v", s.cacheTypeV().flag());
        add(a, "--parallel", s.nSeq());
        add(a, "--batch-size", s.nBatch());
        add(a, "--ubatch-size", s.nUbatch());
        add(a, "--cache-ram", s.cacheRam().value() / Bytes.MIB);
        add(a, "--ctx-checkpoints", s.checkpointsPerSlot());
        if (s.kvUnified()) {
            a.add("--kv-unified");
        }
        String projector = projectorFlag(p);
        if (!projector.isEmpty()) {
            a.add(projector);
        }
        // speculative decoding with a draft model: the type explicitly (a plain GGUF infers none), its draft length,
        // its layers on the GPU and its cache types (the target's); the draft file is part of the model source
        eu.prositronic.core.fit.DraftModel.of(p.deployment()).ifPresent(d -> {
            add(a, "--spec-type", "draft-simple");
            add(a, "--spec-draft-n-max", d.setting().nDraft());
            add(a, "--spec-draft-ngl", d.gpuLayers());
            add(a, "--spec-draft-type-k", s.cacheTypeK().flag());
            add(a, "--spec-draft-type-v", s.cacheTypeV().flag());
        });
        // in the chart's order (templates/_helpers.tpl): the chart, the unit and plan.json run one list of flags
        if (p.threads() > 0) {
            add(a, "--threads", p.threads());
        }
        if (p.deployment().metrics()) {
            a.add("--metrics");
        }
        a.add("--jinja");
        String reasoning = reasoning(p);
        if (!reasoning.isEmpty()) {
            add(a, "--reasoning", reasoning);
        }
        SortedMap<String, Object> kwargs = templateKwargs(p);
        if (!kwargs.isEmpty()) {
            add(a, "--chat-template-kwargs", compactJson(kwargs));
        }
        return List.copyOf(a);
    }

    /**
     * {@code on} or {@code off} when the plan switches a boolean {@code enable_thinking} toggle, else "" (no flag). The
     * pinned llama-server deprecates {@code enable_thinking} inside {@code --chat-template-kwargs} and sets that same
     * template kwarg from {@code --reasoning on|off} (common/arg.cpp at llama.cpp de3ff81, lines 3530-3546 and
     * 3685-3701).
     */
    public static String reasoning(DeploymentPlan p) {
        Object v = p.chatTemplateKwargs().get(THINKING_KWARG);
        return v instanceof Boolean b ? (b ? "on" : "off") : "";
    }

    /** The chat-template kwargs that still go through {@code --chat-template-kwargs}: all but a boolean thinking toggle. */
    public static SortedMap<String, Object> templateKwargs(DeploymentPlan p) {
        SortedMap<String, Object> rest = new TreeMap<>(p.chatTemplateKwargs());
        if (rest.get(THINKING_KWARG) instanceof Boolean) {
            rest.remove(THINKING_KWARG);
        }
        return rest;
    }

    /**
     * {@code --no-mmproj} without vision: the target passes no {@code --mmproj}, and with {@code --hf-repo} this keeps
     * llama-server from downloading and loading the repository's projector on its own (common/arg.cpp and
     * common/download.cpp: {@code download_mmproj} unless {@code --no-mmproj}); {@code --no-mmproj-offload} when the
     * deployment keeps the projector on the host; "" when it goes to the first GPU (llama-server's default). The
     * {@code --mmproj} path itself is part of the model source, which each target adds.
     *
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/common/arg.cpp#L397-L398">common/arg.cpp L397-L398</a>
     * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/common/download.cpp#L781-L783">common/download.cpp L781-L783</a>
     */
    public static String projectorFlag(DeploymentPlan p) {
        var v = p.deployment().vision();
        if (!v.enabled()) {
            return "--no-mmproj";
        }
        return v.offload() ? "" : "--no-mmproj-offload";
    }

    /** {@code on} or {@code off}: the plan resolves {@code auto}, so a server's own guess never decides. */
    public static String flashAttn(DeploymentPlan p) {
        return p.settings().flashAttn() ? "on" : "off";
    }

    public static String compactJson(Map<String, Object> map) {
        try {
            return JSON.writeValueAsString(map);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void add(List<String> a, String flag, Object value) {
        a.add(flag);
        a.add(String.valueOf(value));
    }
}
