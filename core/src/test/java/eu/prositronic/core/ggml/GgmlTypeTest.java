package eu.prositronic.core.ggml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class GgmlTypeTest {
    @Test
    void sizesMatchGgmlCommon() {
        assertEquals(18, GgmlType.Q4_0.typeSize());
        assertEquals(34, GgmlType.Q8_0.typeSize());
        assertEquals(144, GgmlType.Q4_K.typeSize());
        assertEquals(210, GgmlType.Q6_K.typeSize());
        assertEquals(4.5, GgmlType.Q4_0.bitsPerWeight(), 1e-9);
        assertEquals(8.5, GgmlType.Q8_0.bitsPerWeight(), 1e-9);
        assertEquals(6.5625, GgmlType.Q6_K.bitsPerWeight(), 1e-9);
        assertEquals(1.5625, GgmlType.IQ1_S.bitsPerWeight(), 1e-9);
        assertEquals(1.75, GgmlType.IQ1_M.bitsPerWeight(), 1e-9);
        assertEquals(3.4375, GgmlType.IQ3_S.bitsPerWeight(), 1e-9);
        assertEquals(1.6875, GgmlType.TQ1_0.bitsPerWeight(), 1e-9);
        assertEquals(4.25, GgmlType.MXFP4.bitsPerWeight(), 1e-9);
        assertEquals(GgmlType.BF16, GgmlType.fromId(30));
        assertEquals(GgmlType.Q8_0, GgmlType.fromName("q8_0"));
        assertThrows(IllegalArgumentException.class, () -> GgmlType.fromId(4));
        assertEquals(2L * 4096 * 248320, GgmlType.F16.bytes(4096, 248320));
    }
}
