package eu.prositronic.core.verify;

import java.util.List;

/**
 * The shape of {@code verify/<deployment>.json}: the plan against what llama.cpp logged and the GPU reported, per
 * device and part. The Python checker the Ansible role ships ({@code roles/verify/files/prositronic_verify.py})
 * writes the same fields in the same order; a test holds the two to the same result.
 */
public record VerifyReport(
        String deployment,
        String node,
        String model,
        String quant,
        String backend,
        String build,
        Tolerance tolerance,
        boolean pass,
        List<Setting> settings,
        List<Device> devices,
        List<String> notes) {

    /** A part fails when |measured − plan| exceeds the larger of {@code relative × plan} and {@code absoluteBytes}. */
    public record Tolerance(double relative, long absoluteBytes) {
        public long bytesFor(long planBytes) {
            // 3 % as an exact integer: planBytes * 3 / 100, rounded down (the Python checker does the same).
            long rel = Math.multiplyExact(planBytes, Math.round(relative * 100)) / 100;
            return Math.max(rel, absoluteBytes);
        }
    }

    /** A llama-server setting the log states (n_ctx, n_seq_max) against the plan. */
    public record Setting(String name, long plan, Long measured, String result) {}

    public record Device(
            String id,
            String kind,
            List<String> buffers,
            Long gpuUsedBeforeBytes,
            Long gpuUsedAfterBytes,
            List<Part> parts) {}

    /**
     * One part of one device. {@code measuredBytes} is null and {@code result} is {@code not measured} when nothing
     * here can observe it (host overhead; GPU overhead without the nvidia-smi readings).
     */
    public record Part(
            String part,
            long planBytes,
            Long measuredBytes,
            Long differenceBytes,
            Double differencePercent,
            long toleranceBytes,
            String result) {}

    public static final String PASS = "pass";
    public static final String FAIL = "fail";
    public static final String NOT_MEASURED = "not measured";
}
