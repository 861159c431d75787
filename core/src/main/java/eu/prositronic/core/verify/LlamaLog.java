package eu.prositronic.core.verify;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What llama.cpp says it allocated, per buffer and part, read from the log of one llama-server (or any llama.cpp
 * program) start. Each pattern names the format string it reads at the pinned llama.cpp (v0.5.0 as bundled by
 * node-llama-cpp 3.22.1, squashed commit de3ff81; upstream 7fe450e). Lines may carry a prefix (journald, a log
 * level, node-llama-cpp's "info "), so the patterns are not anchored.
 *
 * <p>Within one load, model and KV buffers of the same name add up (split files, the two caches of a
 * sliding-window model); compute and output buffers keep their last value (the scheduler may reserve again). A
 * model buffer line after the context was built starts a new load, and the last load wins.
 */
public record LlamaLog(
        Map<String, Long> model,
        Map<String, Long> kv,
        Map<String, Long> recurrent,
        Map<String, Long> compute,
        Map<String, Long> output,
        List<BreakdownRow> breakdown,
        Optional<String> build,
        Optional<Long> nCtx,
        Optional<Long> nSeqMax,
        int loads,
        Map<String, Long> projectorWeights,
        Map<String, Long> projectorCompute,
        Map<String, Long> draft) {

    /** One row of common_memory_breakdown_print (MiB as printed; total, free, unaccounted only for devices). */
    public record BreakdownRow(
            String name,
            Long totalMiB,
            Long freeMiB,
            long selfMiB,
            long modelMiB,
            long contextMiB,
            long computeMiB,
            Long unaccountedMiB) {}

    private static final String MIB = "\\s*=\\s*([0-9]+(?:\\.[0-9]+)?) MiB";
    // src/llama-model.cpp load_tensors: "%s: %12s model buffer size = %8.2f MiB\n"
    private static final Pattern MODEL = Pattern.compile("load_tensors:\\s+(\\S+) model buffer size" + MIB);
    // src/llama-kv-cache.cpp: "%s: %10s KV buffer size = %8.2f MiB\n"
    private static final Pattern KV = Pattern.compile("llama_kv_cache:\\s+(\\S+) KV buffer size" + MIB);
    // src/llama-memory-recurrent.cpp: "%s: %10s RS buffer size = %8.2f MiB\n"
    private static final Pattern RS = Pattern.compile("llama_memory_recurrent:\\s+(\\S+) RS buffer size" + MIB);
    // src/llama-context.cpp sched_reserve: "%s: %10s compute buffer size = %8.2f MiB\n"
    private static final Pattern COMPUTE = Pattern.compile("sched_reserve:\\s+(\\S+) compute buffer size" + MIB);
    // src/llama-context.cpp llama_context: "%s: %10s  output buffer size = %8.2f MiB\n"
    private static final Pattern OUTPUT = Pattern.compile("llama_context:\\s+(\\S+)\\s+output buffer size" + MIB);
    // common/common.cpp: "build: %d (%s) with %s for %s"
    private static final Pattern BUILD = Pattern.compile("\\bbuild: ([0-9]+) \\(([0-9a-f]+)\\)");
    // src/llama-context.cpp llama_context: "%s: n_ctx = %u", "%s: n_seq_max = %u"
    private static final Pattern N_CTX = Pattern.compile("llama_context: n_ctx\\s+=\\s+([0-9]+)");
    private static final Pattern N_SEQ = Pattern.compile("llama_context: n_seq_max\\s+=\\s+([0-9]+)");
    // common/fit.cpp common_memory_breakdown_print: "%s: | %s | %s = %s + (%s = %s + %s + %s) + %s |" (devices)
    private static final Pattern BREAKDOWN_DEVICE = Pattern.compile("memory_breakdown_print: \\|\\s+- (.+?)\\s+\\|"
            + "\\s*([0-9]+)\\s*=\\s*([0-9]+)\\s*\\+\\s*\\(\\s*([0-9]+)\\s*=\\s*([0-9]+)\\s*\\+\\s*([0-9]+)\\s*\\+\\s*([0-9]+)\\s*\\)"
            + "\\s*\\+\\s*(-?[0-9]+)\\s*\\|");
    // and "%s: | %s | %s   %s    %s = %s + %s + %s    %s |" (the host and other buffer types)
    private static final Pattern BREAKDOWN_OTHER = Pattern.compile("memory_breakdown_print: \\|\\s+- (.+?)\\s+\\|"
            + "\\s*([0-9]+)\\s*=\\s*([0-9]+)\\s*\\+\\s*([0-9]+)\\s*\\+\\s*([0-9]+)\\s*\\|");

    // tools/mtmd/clip.cpp clip_ctx: "%s: CLIP using %s backend\n"; load_hparams: "%s: model size:         %.2f MiB\n"
    // (the projector's weights, all in that backend's buffer); reserve_compute_meta (alloc_compute_meta in older
    // builds): "%s: %10s compute buffer size = %8.2f MiB\n"
    private static final Pattern CLIP_BACKEND = Pattern.compile("clip_ctx: CLIP using (\\S+) backend");
    private static final Pattern CLIP_MODEL =
            Pattern.compile("load_hparams: model size:\\s+([0-9]+(?:\\.[0-9]+)?) MiB");
    private static final Pattern CLIP_COMPUTE =
            Pattern.compile("(?:reserve|alloc)_compute_meta:\\s+(\\S+) compute buffer size" + MIB);

    // common/speculative.cpp common_speculative_init_result: "%s: loading draft model '%s'\n": the model, KV,
    // recurrent, compute and output buffer lines that follow are the draft model's and its context's (summed per
    // buffer into `draft`), until the vision projector's lines or the end
    private static final Pattern DRAFT = Pattern.compile("loading draft model '");

    public static LlamaLog parse(List<String> lines) {
        Acc acc = new Acc();
        for (String line : lines) {
            acc.line(line);
        }
        return acc.done();
    }

    /** Every buffer name the log mentions, in first-seen order per part. */
    public List<String> bufferNames() {
        LinkedHashMap<String, Boolean> names = new LinkedHashMap<>();
        for (Map<String, Long> m : List.of(model, kv, recurrent, compute, output)) {
            m.keySet().forEach(k -> names.put(k, true));
        }
        return List.copyOf(names.keySet());
    }

    public boolean isEmpty() {
        return model.isEmpty() && kv.isEmpty() && recurrent.isEmpty() && compute.isEmpty() && output.isEmpty();
    }

    static long mibToBytes(String mib) {
        return new java.math.BigDecimal(mib)
                .multiply(java.math.BigDecimal.valueOf(1024L * 1024L))
                .setScale(0, java.math.RoundingMode.HALF_EVEN)
                .longValueExact();
    }

    private static final class Acc {
        Map<String, Long> model = new LinkedHashMap<>();
        Map<String, Long> kv = new LinkedHashMap<>();
        Map<String, Long> rs = new LinkedHashMap<>();
        Map<String, Long> compute = new LinkedHashMap<>();
        Map<String, Long> output = new LinkedHashMap<>();
        List<BreakdownRow> breakdown = new ArrayList<>();
        String build;
        Long nCtx;
        Long nSeq;
        int loads;
        boolean contextSeen;
        String clipBackend = "CPU";
        Map<String, Long> projectorWeights = new LinkedHashMap<>();
        Map<String, Long> projectorCompute = new LinkedHashMap<>();
        Map<String, Long> draft = new LinkedHashMap<>();
        boolean inDraft;

        void line(String line) {
            Matcher m;
            if (DRAFT.matcher(line).find()) {
                inDraft = true;
                draft = new LinkedHashMap<>();
            } else if (inDraft && !CLIP_BACKEND.matcher(line).find()) {
                for (Pattern p : List.of(MODEL, KV, RS, COMPUTE, OUTPUT)) {
                    Matcher dm = p.matcher(line);
                    if (dm.find()) {
                        draft.merge(dm.group(1), mibToBytes(dm.group(2)), Long::sum);
                        break;
                    }
                }
            } else if ((m = CLIP_BACKEND.matcher(line)).find()) {
                inDraft = false;
                clipBackend = m.group(1);
                projectorWeights = new LinkedHashMap<>();
                projectorCompute = new LinkedHashMap<>();
            } else if ((m = CLIP_MODEL.matcher(line)).find()) {
                projectorWeights.put(clipBackend, mibToBytes(m.group(1)));
            } else if ((m = CLIP_COMPUTE.matcher(line)).find()) {
                projectorCompute.put(m.group(1), mibToBytes(m.group(2)));
            } else if ((m = MODEL.matcher(line)).find()) {
                if (contextSeen || loads == 0) {
                    newLoad();
                }
                model.merge(m.group(1), mibToBytes(m.group(2)), Long::sum);
            } else if ((m = KV.matcher(line)).find()) {
                contextSeen = true;
                kv.merge(m.group(1), mibToBytes(m.group(2)), Long::sum);
            } else if ((m = RS.matcher(line)).find()) {
                contextSeen = true;
                rs.merge(m.group(1), mibToBytes(m.group(2)), Long::sum);
            } else if ((m = COMPUTE.matcher(line)).find()) {
                contextSeen = true;
                compute.put(m.group(1), mibToBytes(m.group(2)));
            } else if ((m = OUTPUT.matcher(line)).find()) {
                contextSeen = true;
                output.put(m.group(1), mibToBytes(m.group(2)));
            } else if ((m = BREAKDOWN_DEVICE.matcher(line)).find()) {
                breakdown.add(new BreakdownRow(
                        m.group(1),
                        Long.parseLong(m.group(2)),
                        Long.parseLong(m.group(3)),
                        Long.parseLong(m.group(4)),
                        Long.parseLong(m.group(5)),
                        Long.parseLong(m.group(6)),
                        Long.parseLong(m.group(7)),
                        Long.parseLong(m.group(8))));
            } else if ((m = BREAKDOWN_OTHER.matcher(line)).find()) {
                breakdown.add(new BreakdownRow(
                        m.group(1),
                        null,
                        null,
                        Long.parseLong(m.group(2)),
                        Long.parseLong(m.group(3)),
                        Long.parseLong(m.group(4)),
                        Long.parseLong(m.group(5)),
                        null));
            } else if (build == null && (m = BUILD.matcher(line)).find()) {
                build = "b" + m.group(1) + " (" + m.group(2) + ")";
            } else if ((m = N_CTX.matcher(line)).find()) {
                nCtx = Long.parseLong(m.group(1));
            } else if ((m = N_SEQ.matcher(line)).find()) {
                nSeq = Long.parseLong(m.group(1));
            }
        }

        void newLoad() {
            loads++;
            contextSeen = false;
            model = new LinkedHashMap<>();
            kv = new LinkedHashMap<>();
            rs = new LinkedHashMap<>();
            compute = new LinkedHashMap<>();
            output = new LinkedHashMap<>();
            breakdown = new ArrayList<>();
        }

        LlamaLog done() {
            return new LlamaLog(
                    new LinkedHashMap<>(model),
                    new LinkedHashMap<>(kv),
                    new LinkedHashMap<>(rs),
                    new LinkedHashMap<>(compute),
                    new LinkedHashMap<>(output),
                    List.copyOf(breakdown),
                    Optional.ofNullable(build),
                    Optional.ofNullable(nCtx),
                    Optional.ofNullable(nSeq),
                    loads,
                    new LinkedHashMap<>(projectorWeights),
                    new LinkedHashMap<>(projectorCompute),
                    new LinkedHashMap<>(draft));
        }
    }
}
