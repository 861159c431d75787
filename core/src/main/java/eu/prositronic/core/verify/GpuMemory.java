package eu.prositronic.core.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The GPUs' memory as {@code nvidia-smi --query-gpu=index,memory.used,memory.total,memory.free --format=csv} prints it
 * (with or without {@code ,noheader} and {@code ,nounits}; without a header the columns are taken to be
 * {@code memory.used} alone or {@code index,memory.used}). Values are MiB, as nvidia-smi reports them.
 */
public record GpuMemory(List<Gpu> gpus) {

    /** One GPU; total and free are null when the query did not ask for them. */
    public record Gpu(int index, long usedBytes, Long totalBytes, Long freeBytes) {}

    /** A CSV that is not nvidia-smi's: the line (1-based) and what was wrong. */
    public static final class FormatException extends Exception {
        public FormatException(String message) {
            super(message);
        }
    }

    public static GpuMemory parse(List<String> lines) throws FormatException {
        List<String> columns = null;
        List<Gpu> gpus = new ArrayList<>();
        int n = 0;
        for (String raw : lines) {
            n++;
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] cells = line.split("\\s*,\\s*");
            if (columns == null && line.toLowerCase(Locale.ROOT).contains("memory.")) {
                columns = new ArrayList<>();
                for (String c : cells) {
                    columns.add(c.replaceAll("\\s*\\[.*]$", "").strip().toLowerCase(Locale.ROOT));
                }
                continue;
            }
            List<String> cols = columns != null
                    ? columns
                    : cells.length == 1
                            ? List.of("memory.used")
                            : cells.length == 2 ? List.of("index", "memory.used") : null;
            if (cols == null || cols.size() != cells.length) {
                throw new FormatException("line " + n + ": `" + line + "` has " + cells.length + " columns; query "
                        + "nvidia-smi --query-gpu=index,memory.used,memory.total,memory.free --format=csv");
            }
            Integer index = null;
            Long used = null;
            Long total = null;
            Long free = null;
            for (int i = 0; i < cells.length; i++) {
                switch (cols.get(i)) {
                    case "index" -> index = (int) number(cells[i], n, false);
                    case "memory.used" -> used = number(cells[i], n, true);
                    case "memory.total" -> total = number(cells[i], n, true);
                    case "memory.free" -> free = number(cells[i], n, true);
                    default -> {}
                }
            }
            if (used == null) {
                throw new FormatException("line " + n + ": no memory.used column; query "
                        + "nvidia-smi --query-gpu=index,memory.used,memory.total,memory.free --format=csv");
            }
            gpus.add(new Gpu(index != null ? index : gpus.size(), used, total, free));
        }
        return new GpuMemory(List.copyOf(gpus));
    }

    public Gpu gpu(int index) {
        return gpus.stream().filter(g -> g.index() == index).findFirst().orElse(null);
    }

    private static long number(String cell, int line, boolean mib) throws FormatException {
        String v = cell.replaceAll("\\s*MiB$", "").strip();
        if (!v.matches("[0-9]+")) {
            throw new FormatException("line " + line + ": `" + cell + "` is not a number of MiB (nvidia-smi prints "
                    + "`[N/A]` when the driver cannot read the memory; verify needs a GPU that reports it)");
        }
        long x = Long.parseLong(v);
        return mib ? x * 1024L * 1024L : x;
    }
}
