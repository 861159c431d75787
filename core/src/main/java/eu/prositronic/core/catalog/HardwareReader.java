package eu.prositronic.core.catalog;

import eu.prositronic.core.units.Bytes;
import eu.prositronic.core.yaml.Problems;
import eu.prositronic.core.yaml.YamlNode;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Reads {@code hardware/<id>.yaml} into a {@link Hardware}. */
final class HardwareReader {
    /** 1 PB/s: far above any device, far below where bytes over bandwidth lose their meaning. */
    static final long MAX_BANDWIDTH = 1_000_000_000_000_000L;
    /** 10^6 TFLOPS (an exaflop): above any one device. */
    static final double MAX_TFLOPS = 1e6;

    private HardwareReader() {}

    private static double tflops(eu.prositronic.core.yaml.YamlMap h, String key) {
        Optional<YamlNode> n = h.get(key);
        double v = n.flatMap(x -> x.decimal(0)).orElse(0.0);
        if (v > MAX_TFLOPS) {
            h.node().problems().at(n.get(), "out of range", "use a value between 0 and " + (long) MAX_TFLOPS);
            return 0.0;
        }
        return v;
    }

    static Optional<Hardware> read(YamlNode root, String fileId, Problems problems) {
        return root.map(CatalogKeys.Hardware.KEYS).map(h -> {
            String id = EntryFields.id(h, CatalogKeys.Hardware.ID, fileId);
            String kind = h.require(CatalogKeys.Hardware.KIND, "gpu")
                    .flatMap(k -> k.oneOf(List.of("gpu", "cpu")))
                    .orElse("gpu");
            String vendor = h.require(CatalogKeys.Hardware.VENDOR, "nvidia")
                    .flatMap(k -> k.oneOf(List.of("nvidia", "amd", "cpu")))
                    .orElse("cpu");
            // "" is how a non-NVIDIA entry says it has none
            Optional<String> cc =
                    h.string(CatalogKeys.Hardware.COMPUTE_CAPABILITY).filter(s -> !s.isEmpty());
            if (cc.isPresent() && !ComputeCapability.PATTERN.matcher(cc.get()).matches()) {
                problems.at(
                        h.get(CatalogKeys.Hardware.COMPUTE_CAPABILITY).get(),
                        "not a compute capability",
                        "write it as major.minor in quotes, e.g. `computeCapability: \"8.6\"`");
                cc = Optional.empty();
            } else if (vendor.equals("nvidia") && cc.isEmpty()) {
                problems.at(
                        h.get(CatalogKeys.Hardware.COMPUTE_CAPABILITY).orElse(h.node()),
                        "an NVIDIA GPU needs `computeCapability`",
                        "add e.g. `computeCapability: \"8.6\"`");
            }
            Bytes memory = Bytes.of(h.integer(CatalogKeys.Hardware.MEMORY_BYTES, 0, 0, Bytes.MAX_PARSED));
            String source = EntryFields.requireSource(h);
            return new Hardware(
                    id,
                    h.string(CatalogKeys.Hardware.NAME, id),
                    Hardware.Kind.valueOf(kind.toUpperCase(Locale.ROOT)),
                    Hardware.Vendor.valueOf(vendor.toUpperCase(Locale.ROOT)),
                    memory,
                    usableMemory(h, kind, memory),
                    h.integer(CatalogKeys.Hardware.MEMORY_BANDWIDTH, 1, 1, MAX_BANDWIDTH),
                    tflops(h, CatalogKeys.Hardware.FP16_TFLOPS),
                    tflops(h, CatalogKeys.Hardware.FP32_TFLOPS),
                    cc,
                    h.string(CatalogKeys.Hardware.ARCHITECTURE, ""),
                    h.string(CatalogKeys.Hardware.GFX_TARGET).filter(s -> !s.isEmpty()),
                    h.string(CatalogKeys.Hardware.PRODUCT_LABEL).filter(s -> !s.isEmpty()),
                    (int) h.integer(CatalogKeys.Hardware.POWER_WATTS, 0, 0, 100_000),
                    source);
        });
    }

    /**
     * {@code usableMemoryBytes}: optional, a GPU's only, at most {@code memoryBytes} (the driver's reservation comes
     * off the nominal total, never on top), and cited: one of the entry's sources names the key and gives a URL.
     */
    private static Optional<Hardware.UsableMemory> usableMemory(
            eu.prositronic.core.yaml.YamlMap h, String kind, Bytes memory) {
        Optional<YamlNode> n = h.get(CatalogKeys.Hardware.USABLE_MEMORY_BYTES);
        if (n.isEmpty()) {
            return Optional.empty();
        }
        Problems problems = h.node().problems();
        Optional<Long> v = n.get().integer(1, Bytes.MAX_PARSED);
        if (v.isEmpty()) {
            return Optional.empty(); // integer() placed the problem
        }
        if (!kind.equals("gpu")) {
            problems.at(n.get(), "only a GPU has a usable memory", "remove `usableMemoryBytes` from this entry");
            return Optional.empty();
        }
        if (v.get() > memory.value()) {
            problems.at(
                    n.get(),
                    "usable memory above memoryBytes (" + memory.value() + ")",
                    "write the total the runtime reports (llama.cpp's memory breakdown `total`, in bytes), which is"
                            + " at most nvidia-smi's total in `memoryBytes`");
            return Optional.empty();
        }
        Optional<String> cited = h.get(CatalogKeys.SOURCE).stream()
                .flatMap(x -> x.isList() ? x.list().stream() : java.util.stream.Stream.of(x))
                .flatMap(x -> x.string().stream())
                .filter(line ->
                        line.startsWith(CatalogKeys.Hardware.USABLE_MEMORY_BYTES + ":") && line.contains("https://"))
                .findFirst();
        if (cited.isEmpty()) {
            problems.at(
                    n.get(),
                    "usable memory without a source",
                    "add a source line `usableMemoryBytes: https://... (the log line with the total)`");
            return Optional.empty();
        }
        return Optional.of(new Hardware.UsableMemory(Bytes.of(v.get()), cited.get()));
    }
}
