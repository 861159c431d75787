package eu.prositronic.core.catalog;

import eu.prositronic.core.units.Bytes;
import eu.prositronic.core.yaml.Problems;
import eu.prositronic.core.yaml.YamlNode;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Reads {@code hardware/<id>.yaml} into a {@link Hardware}. */
final class HardwareReader {
    private HardwareReader() {}

    static Optional<Hardware> read(YamlNode root, String fileId, Problems problems) {
        return root.map(CatalogKeys.Hardware.KEYS).map(h -> {
            String id = EntryFields.id(h, CatalogKeys.Hardware.ID, fileId);
            String kind = h.require(CatalogKeys.Hardware.KIND, "gpu")
                    .flatMap(k -> k.oneOf(List.of("gpu", "cpu")))
                    .orElse("gpu");
            String vendor = h.require(CatalogKeys.Hardware.VENDOR, "nvidia")
                    .flatMap(k -> k.oneOf(List.of("nvidia", "amd", "cpu")))
                    .orElse("cpu");
            Optional<String> cc = h.string(CatalogKeys.Hardware.COMPUTE_CAPABILITY);
            if (vendor.equals("nvidia") && cc.isEmpty()) {
                problems.at(
                        h.node(), "an NVIDIA GPU needs `computeCapability`", "add e.g. `computeCapability: \"8.6\"`");
            }
            return new Hardware(
                    id,
                    h.string(CatalogKeys.Hardware.NAME, id),
                    Hardware.Kind.valueOf(kind.toUpperCase(Locale.ROOT)),
                    Hardware.Vendor.valueOf(vendor.toUpperCase(Locale.ROOT)),
                    Bytes.of(h.integer(CatalogKeys.Hardware.MEMORY_BYTES, 0, 0, Long.MAX_VALUE)),
                    h.integer(CatalogKeys.Hardware.MEMORY_BANDWIDTH, 1, 1, Long.MAX_VALUE),
                    h.get(CatalogKeys.Hardware.FP16_TFLOPS)
                            .flatMap(x -> x.decimal(0))
                            .orElse(0.0),
                    h.get(CatalogKeys.Hardware.FP32_TFLOPS)
                            .flatMap(x -> x.decimal(0))
                            .orElse(0.0),
                    cc,
                    h.string(CatalogKeys.Hardware.ARCHITECTURE, ""),
                    h.string(CatalogKeys.Hardware.GFX_TARGET).filter(s -> !s.isEmpty()),
                    h.string(CatalogKeys.Hardware.PRODUCT_LABEL).filter(s -> !s.isEmpty()),
                    (int) h.integer(CatalogKeys.Hardware.POWER_WATTS, 0, 0, 100_000),
                    EntryFields.requireSource(h));
        });
    }
}
