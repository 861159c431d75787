package eu.prositronic.core.verify;

import com.fasterxml.jackson.databind.JsonNode;
import eu.prositronic.core.verify.VerifyReport.Device;
import eu.prositronic.core.verify.VerifyReport.Part;
import eu.prositronic.core.verify.VerifyReport.Setting;
import eu.prositronic.core.verify.VerifyReport.Tolerance;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compares one deployment of plan.json with what llama.cpp logged and nvidia-smi reported on the node.
 *
 * <p>Buffers map to devices by name: a backend name with a device number ({@code CUDA0}, {@code ROCm1},
 * {@code Vulkan0}) is that GPU, in the order plan.json lists the GPUs; every other buffer ({@code CPU},
 * {@code CPU_Mapped}, {@code CPU_REPACK}, {@code AMX}, {@code CUDA_Host}, …) is host memory. Parts: weights = model
 * buffers, kvCache = KV buffers, recurrentState = RS buffers, compute = compute buffers plus the output buffer
 * (plan.json counts the output buffer in computeBytes). On a GPU with both nvidia-smi readings, atLoad = used after
 * minus used before, and overhead = that minus the logged buffers (the runtime's own memory). Host overhead,
 * checkpoints and the prompt cache are not observable in the log (the last two grow only while serving) and are
 * reported as not measured.
 */
public final class Verifier {
    public static final Tolerance DEFAULT_TOLERANCE = new Tolerance(0.03, 256L * 1024 * 1024);
    private static final Pattern GPU_BUFFER = Pattern.compile("^[A-Za-z]+([0-9]+)$");

    private Verifier() {}

    public static VerifyReport verify(
            JsonNode deployment, LlamaLog log, GpuMemory before, GpuMemory after, Tolerance tolerance) {
        List<String> notes = new ArrayList<>();
        boolean pass = true;
        if (log.isEmpty()) {
            notes.add("the log has no buffer lines of llama.cpp (load_tensors/llama_kv_cache/sched_reserve): "
                    + "was the model loaded, and is the log level at least info?");
            pass = false;
        }
        if (log.loads() > 1) {
            notes.add("the log holds " + log.loads() + " model loads; the last one is compared");
        }
        List<JsonNode> planDevices = new ArrayList<>();
        deployment.path("memory").path("devices").forEach(planDevices::add);
        List<JsonNode> gpus = planDevices.stream()
                .filter(d -> "gpu".equals(d.path("kind").asText()))
                .toList();

        for (String buffer : log.bufferNames()) {
            Matcher m = GPU_BUFFER.matcher(buffer);
            if (m.matches() && Integer.parseInt(m.group(1)) >= gpus.size()) {
                notes.add("buffer " + buffer + " is on a GPU the plan does not use (the plan has " + gpus.size()
                        + "); set CUDA_VISIBLE_DEVICES (or the backend's equivalent) to the planned GPUs");
                pass = false;
            }
        }

        List<Setting> settings = new ArrayList<>();
        pass &= setting(
                settings,
                "ctxSize",
                deployment.path("ctxSize").asLong(),
                log.nCtx().orElse(null));
        pass &= setting(
                settings,
                "parallel",
                deployment.path("parallel").asLong(),
                log.nSeqMax().orElse(null));

        List<Device> devices = new ArrayList<>();
        int gpuIndex = 0;
        for (JsonNode d : planDevices) {
            boolean gpu = "gpu".equals(d.path("kind").asText());
            int index = gpu ? gpuIndex++ : -1;
            List<String> buffers =
                    log.bufferNames().stream().filter(b -> deviceOf(b) == index).toList();
            long weights = sum(log.model(), index);
            long kv = sum(log.kv(), index);
            long rs = sum(log.recurrent(), index);
            long compute = sum(log.compute(), index) + sum(log.output(), index);
            long projectorWeights = sum(log.projectorWeights(), index);
            long projectorCompute = sum(log.projectorCompute(), index);
            long draft = sum(log.draft(), index);
            List<Part> parts = new ArrayList<>();
            parts.add(part("weights", d.path("weightsBytes").asLong(), weights, tolerance));
            parts.add(part("kvCache", d.path("kvCacheBytes").asLong(), kv, tolerance));
            parts.add(part("recurrentState", d.path("recurrentStateBytes").asLong(), rs, tolerance));
            parts.add(part("compute", d.path("computeBytes").asLong(), compute, tolerance));
            long planProjector = d.path("projectorWeightsBytes").asLong()
                    + d.path("projectorComputeBytes").asLong();
            if (planProjector > 0 || projectorWeights + projectorCompute > 0) {
                // the vision projector (clip): its weights ("model size") on the backend it logs, its warmup buffer
                parts.add(part(
                        "projectorWeights", d.path("projectorWeightsBytes").asLong(), projectorWeights, tolerance));
                parts.add(part(
                        "projectorCompute", d.path("projectorComputeBytes").asLong(), projectorCompute, tolerance));
            }
            if (d.path("draftBytes").asLong() > 0 || draft > 0) {
                // the draft model of speculative decoding: its model, KV, RS, compute and output buffers together
                parts.add(part("draft", d.path("draftBytes").asLong(), draft, tolerance));
            }
            Long usedBefore = null;
            Long usedAfter = null;
            Long delta = null;
            if (gpu && before != null && after != null && before.gpu(index) != null && after.gpu(index) != null) {
                usedBefore = before.gpu(index).usedBytes();
                usedAfter = after.gpu(index).usedBytes();
                delta = usedAfter - usedBefore;
            }
            long logged = weights + kv + rs + compute + projectorWeights + projectorCompute + draft;
            long planOverhead = d.path("overheadBytes").asLong();
            long planAtLoad = d.has("atLoadBytes")
                    ? d.path("atLoadBytes").asLong()
                    : d.path("weightsBytes").asLong()
                            + d.path("kvCacheBytes").asLong()
                            + d.path("recurrentStateBytes").asLong()
                            + d.path("computeBytes").asLong()
                            + d.path("projectorWeightsBytes").asLong()
                            + d.path("projectorComputeBytes").asLong()
                            + d.path("draftBytes").asLong()
                            + planOverhead;
            parts.add(
                    delta != null
                            ? part("overhead", planOverhead, delta - logged, tolerance)
                            : notMeasured("overhead", planOverhead, tolerance));
            parts.add(
                    delta != null
                            ? part("atLoad", planAtLoad, delta, tolerance)
                            : notMeasured("atLoad", planAtLoad, tolerance));
            for (Part p : parts) {
                pass &= !VerifyReport.FAIL.equals(p.result());
            }
            devices.add(new Device(
                    d.path("id").asText(),
                    d.path("kind").asText(),
                    buffers,
                    usedBefore,
                    usedAfter,
                    List.copyOf(parts)));
        }
        for (LlamaLog.BreakdownRow row : log.breakdown()) {
            if (row.unaccountedMiB() != null) {
                notes.add("llama.cpp's memory breakdown: " + row.name() + " total " + row.totalMiB() + " MiB, free "
                        + row.freeMiB() + ", self " + row.selfMiB() + " (model " + row.modelMiB() + ", context "
                        + row.contextMiB() + ", compute " + row.computeMiB() + "), unaccounted "
                        + row.unaccountedMiB());
            }
        }
        if (gpus.size() > 0 && (before == null || after == null)) {
            notes.add("no nvidia-smi readings before and after the load: GPU overhead and at-load totals not measured");
        }
        return new VerifyReport(
                deployment.path("name").asText(),
                deployment.path("node").asText(),
                deployment.path("model").asText(),
                deployment.path("quant").asText(),
                deployment.path("backend").asText(),
                log.build().orElse("unknown"),
                tolerance,
                pass,
                List.copyOf(settings),
                List.copyOf(devices),
                List.copyOf(notes));
    }

    /** The plan's device index of a buffer: its GPU number, or -1 for host memory. */
    static int deviceOf(String buffer) {
        Matcher m = GPU_BUFFER.matcher(buffer);
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static long sum(Map<String, Long> buffers, int index) {
        return buffers.entrySet().stream()
                .filter(e -> deviceOf(e.getKey()) == index)
                .mapToLong(Map.Entry::getValue)
                .sum();
    }

    private static boolean setting(List<Setting> settings, String name, long plan, Long measured) {
        String result =
                measured == null ? VerifyReport.NOT_MEASURED : measured == plan ? VerifyReport.PASS : VerifyReport.FAIL;
        settings.add(new Setting(name, plan, measured, result));
        return !VerifyReport.FAIL.equals(result);
    }

    static Part part(String name, long plan, long measured, Tolerance tolerance) {
        long diff = measured - plan;
        long tol = tolerance.bytesFor(plan);
        return new Part(
                name,
                plan,
                measured,
                diff,
                percent(diff, plan),
                tol,
                Math.abs(diff) > tol ? VerifyReport.FAIL : VerifyReport.PASS);
    }

    private static Part notMeasured(String name, long plan, Tolerance tolerance) {
        return new Part(name, plan, null, null, null, tolerance.bytesFor(plan), VerifyReport.NOT_MEASURED);
    }

    /** diff / plan in percent with two decimals, rounded half away from zero in integer arithmetic. */
    static Double percent(long diff, long plan) {
        if (plan == 0) {
            return null;
        }
        java.math.BigInteger num = java.math.BigInteger.valueOf(Math.abs(diff))
                .multiply(java.math.BigInteger.valueOf(20000))
                .add(java.math.BigInteger.valueOf(plan));
        long bp = num.divide(java.math.BigInteger.valueOf(2 * plan)).longValueExact();
        return (diff < 0 ? -bp : bp) / 100.0;
    }
}
