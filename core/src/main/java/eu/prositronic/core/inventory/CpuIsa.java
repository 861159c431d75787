package eu.prositronic.core.inventory;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The node CPU's instruction set, as far as llama.cpp's CPU backend cares. It decides which weight types are repacked
 * into a second copy in RAM (fit/CpuRepack). Inventory key {@code cpu.isa}; the default is {@code avx2}, the x86-64
 * baseline of the images' CPU backend.
 */
public enum CpuIsa {
    /** x86-64 with AVX2 (Haswell and newer, Zen). */
    AVX2("avx2"),
    /** x86-64 with AVX-512 (Skylake-SP, Ice Lake, Zen 4 and newer). */
    AVX512("avx512"),
    /** x86-64 with AMX-INT8 and AVX512-VNNI (Sapphire Rapids and newer Xeons). */
    AMX("amx"),
    /** ARMv8.2+ with the dot-product extension (Graviton 2, Ampere Altra). */
    NEON("neon"),
    /** ARMv8.6+ with int8 matrix multiply as well (Graviton 3 and 4, Grace). */
    NEON_I8MM("neon-i8mm");

    private final String key;

    CpuIsa(String key) {
        this.key = key;
    }

    /** The inventory's spelling. */
    public String key() {
        return key;
    }

    public static List<String> keys() {
        return Arrays.stream(values()).map(CpuIsa::key).toList();
    }

    public static CpuIsa fromKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        for (CpuIsa isa : values()) {
            if (isa.key.equals(k)) {
                return isa;
            }
        }
        throw new IllegalArgumentException(key);
    }
}
