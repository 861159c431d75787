package eu.prositronic.llama;

import com.fasterxml.jackson.databind.JsonNode;
import eu.prositronic.TestSupport;
import eu.prositronic.core.catalog.ModelSpec;
import eu.prositronic.core.fit.DeviceMemory;
import eu.prositronic.core.fit.Layout;
import eu.prositronic.core.fit.LlamaCpp;
import eu.prositronic.core.fit.MemoryModel;
import eu.prositronic.core.fit.RunSettings;
import eu.prositronic.core.fit.WeightModel;
import eu.prositronic.core.inventory.CacheType;
import eu.prositronic.core.units.Bytes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One llama.cpp context on a GPU machine, as a public log (tools/llama-measure/results/gpu-public-logs.jsonl) or the
 * GPU kit (tools/gpu-measure/results/*.jsonl) recorded it: the settings, -ngl, and per part (weights, KV cache,
 * recurrent state, compute) what llama.cpp put on the GPU and on the host, next to the engine's figures for the same
 * settings ({@link MemoryModel#devices}). One GPU: the multi-GPU logs carry no settings to replay.
 *
 * @param source the record's id (public logs) or its command (kit)
 * @param exact true where llama.cpp printed the buffers (2 decimals, MiB); false for the --fit test allocations,
 *     whose table prints whole MiB rounded down
 * @param measured GPU first, host second (MiB)
 * @param predicted the same parts from the engine (MiB)
 * @param reserveMiB nvidia-smi's memory minus the GPU buffers, where the record has both; else null
 */
record GpuContext(
        String source,
        String modelId,
        String quant,
        String backend,
        String settings,
        int ngl,
        boolean exact,
        Parts[] measured,
        Parts[] predicted,
        Double reserveMiB) {

    /** What one device holds, in MiB. {@code compute} on the host includes the output (logits) buffer. */
    record Parts(double weights, double kv, double rs, double compute) {
        double context() {
            return kv + rs;
        }
    }

    static final int GPU = 0;
    static final int HOST = 1;

    /** The replayable contexts of one public-log record: its real load and its --fit test allocations. */
    static List<GpuContext> fromPublicLog(JsonNode r) {
        List<GpuContext> out = new ArrayList<>();
        JsonNode m = r.path("model");
        JsonNode s = r.path("settings");
        if (!m.hasNonNull("catalog") || !s.has("ctx") || !s.has("ub")) {
            return out;
        }
        String quant = m.path("quant").asText().split(" ")[0];
        String id = r.path("id").asText();
        String backend = r.path("backend").asText();
        String offloaded = s.path("offloaded").asText("");
        JsonNode buffers = r.path("buffers_mib");
        if (r.path("phase").asText().equals("load") && offloaded.contains("/") && buffers.isObject()) {
            int ngl = Integer.parseInt(offloaded.substring(0, offloaded.indexOf('/')));
            Parts[] measured = {new Parts(0, 0, 0, 0), new Parts(0, 0, 0, 0)};
            for (Iterator<Map.Entry<String, JsonNode>> it = buffers.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                int dev = isHost(e.getKey()) ? HOST : GPU;
                JsonNode b = e.getValue();
                Parts p = measured[dev];
                measured[dev] = new Parts(
                        p.weights() + b.path("model").asDouble(),
                        p.kv() + b.path("kv").asDouble(),
                        p.rs() + b.path("rs").asDouble(),
                        p.compute()
                                + b.path("compute").asDouble()
                                + b.path("output").asDouble());
            }
            Double reserve = r.path("derived").hasNonNull("runtime_reserve_mib")
                    ? r.path("derived").path("runtime_reserve_mib").asDouble()
                    : null;
            out.add(of(id, m.path("catalog").asText(), quant, backend, s, ngl, true, measured, reserve));
        }
        for (JsonNode a : r.path("fit").path("test_allocations")) {
            if (!a.path("n_layer").isInt() || !a.has("device")) {
                continue;
            }
            JsonNode d = a.path("device");
            JsonNode h = a.path("host");
            // the table's "context" is KV + recurrent state; it does not say which, so it goes to kv
            Parts[] measured = {
                new Parts(
                        d.path("model").asDouble(),
                        d.path("context").asDouble(),
                        0,
                        d.path("compute").asDouble()),
                new Parts(
                        h.path("model").asDouble(),
                        h.path("context").asDouble(),
                        0,
                        h.path("compute").asDouble())
            };
            out.add(of(
                    id + " fit n_layer=" + a.path("n_layer").asInt(),
                    m.path("catalog").asText(),
                    quant,
                    backend,
                    s,
                    a.path("n_layer").asInt(),
                    false,
                    measured,
                    null));
        }
        return out;
    }

    /**
     * A real load the GPU kit recorded (tools/gpu-measure/measure_gpu.py), from its buffers; empty for dry runs
     * (their buffers are no-alloc dummies: only compute is sized, which {@code dry_run.compute_buffers_mib} holds).
     */
    static Optional<GpuContext> fromKit(JsonNode r) {
        JsonNode phase = r.path("real");
        if (!r.path("harness").asText().equals("llama-server")
                || !phase.path("bytes_by_buffer").isObject()) {
            return Optional.empty();
        }
        long gpus = 0;
        for (Iterator<String> it = phase.path("bytes_by_buffer").fieldNames(); it.hasNext(); ) {
            gpus += isHost(it.next()) ? 0 : 1;
        }
        if (gpus > 1) {
            return Optional.empty(); // several GPUs: the replay models one (the split is not recorded as settings)
        }
        Parts[] measured = {new Parts(0, 0, 0, 0), new Parts(0, 0, 0, 0)};
        double mib = Bytes.MIB;
        for (Iterator<Map.Entry<String, JsonNode>> it =
                        phase.path("bytes_by_buffer").fields();
                it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int dev = isHost(e.getKey()) ? HOST : GPU;
            JsonNode b = e.getValue();
            Parts p = measured[dev];
            measured[dev] = new Parts(
                    p.weights() + b.path("model").asLong() / mib,
                    p.kv() + b.path("kv").asLong() / mib,
                    p.rs() + b.path("rs").asLong() / mib,
                    p.compute() + (b.path("compute").asLong() + b.path("output").asLong()) / mib);
        }
        // nvidia-smi: the process's own memory where the driver lists processes (not in every VM), else the GPU's
        // memory used at "listening" minus before the start
        Double used = null;
        JsonNode proc = r.path("smi_at_stop").path("process");
        if (proc.isArray() && !proc.isEmpty()) {
            double sum = 0;
            for (JsonNode p : proc) {
                sum += p.path("used_mib").asDouble();
            }
            used = sum;
        } else if (r.path("smi_before").path("gpus").isArray()
                && r.path("smi_at_stop").path("gpus").isArray()) {
            used = r.path("smi_at_stop").path("gpus").path(0).path("used_mib").asDouble()
                    - r.path("smi_before").path("gpus").path(0).path("used_mib").asDouble();
        }
        Double reserve = used == null
                ? null
                : used - measured[GPU].weights() - measured[GPU].context() - measured[GPU].compute();
        return Optional.of(of(
                r.path("command").asText(),
                r.path("model").asText(),
                r.path("weights").asText().toUpperCase(Locale.ROOT),
                r.path("backend").asText(),
                r.path("config"),
                r.path("config").path("ngl").asInt(),
                true,
                measured,
                reserve));
    }

    static boolean isHost(String buffer) {
        return buffer.startsWith("CPU") || buffer.endsWith("_Host") || buffer.equals("Host");
    }

    private static GpuContext of(
            String source,
            String modelId,
            String quant,
            String backend,
            JsonNode s,
            int ngl,
            boolean exact,
            Parts[] measured,
            Double reserve) {
        ModelSpec model = TestSupport.catalog().model(modelId).orElseThrow();
        ModelSpec.QuantFile q =
                model.quant(quant).orElseGet(() -> model.quantizations().get(0));
        int np = s.path("np").asInt(1);
        boolean kvu = s.path("kv_unified").asBoolean(s.path("kvu").asBoolean(false));
        boolean fa = !s.path("fa").asText("on").equals("off");
        int ub = s.path("ub").asInt();
        RunSettings rs = new RunSettings(
                LlamaCpp.padContext(s.path("ctx").asLong()),
                ub,
                s.path("b").asInt(2048),
                np,
                CacheType.fromFlag(s.path("ctk").asText("f16")),
                CacheType.fromFlag(s.path("ctv").asText("f16")),
                fa,
                kvu,
                0,
                0,
                Bytes.ZERO,
                np);
        MemoryModel mm = new MemoryModel(model.architecture(), WeightModel.of(model.architecture(), q));
        List<DeviceMemory> dev = mm.devices(
                rs,
                new Layout(ngl, 0, List.of()),
                List.of("gpu0"),
                List.of(Bytes.ofGiB(1024)),
                Bytes.ofGiB(4096),
                Bytes.ZERO,
                Bytes.ZERO);
        Parts[] predicted = {parts(dev.get(0)), parts(dev.get(1))};
        String settings = String.format(
                Locale.ROOT,
                "ctx %d ub %d np %d%s fa %s",
                s.path("ctx").asLong(),
                ub,
                np,
                kvu ? " kvu" : "",
                fa ? "on" : "off");
        return new GpuContext(source, modelId, q.quant(), backend, settings, ngl, exact, measured, predicted, reserve);
    }

    private static Parts parts(DeviceMemory d) {
        return new Parts(
                d.weights().mib(),
                d.kvCache().mib(),
                d.recurrentState().mib(),
                d.compute().mib());
    }

    /**
     * Whether the engine's KV cache plus recurrent state equals llama.cpp's on {@code device}: to the printed 0.01 MiB
     * for buffers; for the --fit table (whole MiB rounded down), to its floor.
     */
    boolean contextMatches(int device) {
        double m = measured[device].context();
        double p = predicted[device].context();
        return exact ? Math.abs(m - p) <= 0.011 : Math.floor(p + 1e-9) == m;
    }

    /** Relative error of the engine's figure for a part, per cent; null when llama.cpp's is 0. */
    static Double error(double predicted, double measured) {
        return measured == 0 ? null : 100.0 * (predicted - measured) / measured;
    }

    String row() {
        Parts mg = measured[GPU];
        Parts pg = predicted[GPU];
        Parts mh = measured[HOST];
        Parts ph = predicted[HOST];
        return String.format(
                Locale.ROOT,
                "| %s | %s %s | %s | %s | %d | %.2f / %.2f | %.2f / %.2f | %.2f / %.2f %s | %.2f / %.2f %s | %.2f / %.2f |"
                        + " %s |",
                source,
                modelId,
                quant,
                backend,
                settings,
                ngl,
                mg.context(),
                pg.context(),
                mh.context(),
                ph.context(),
                mg.compute(),
                pg.compute(),
                pct(error(pg.compute(), mg.compute())),
                mh.compute(),
                ph.compute(),
                pct(error(ph.compute(), mh.compute())),
                mg.weights(),
                pg.weights(),
                reserveMiB == null ? "-" : String.format(Locale.ROOT, "%.1f", reserveMiB));
    }

    private static String pct(Double e) {
        return e == null ? "" : String.format(Locale.ROOT, "(%+.0f %%)", e);
    }

    static final String TABLE_HEADER = "| source | model | backend | settings | ngl | GPU KV+RS log / ours |"
            + " host KV+RS log / ours | GPU compute log / ours | host compute+output log / ours |"
            + " GPU weights log / ours | runtime reserve (smi − buffers) |\n"
            + "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |";
}
