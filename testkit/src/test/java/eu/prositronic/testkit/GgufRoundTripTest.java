package eu.prositronic.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.prositronic.core.ggml.GgmlType;
import eu.prositronic.core.gguf.GgufFile;
import eu.prositronic.core.gguf.GgufFormatException;
import eu.prositronic.core.gguf.GgufReader;
import eu.prositronic.core.gguf.GgufTensorInfo;
import eu.prositronic.core.gguf.GgufValue;
import eu.prositronic.core.gguf.GgufValueType;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufRoundTripTest {
    @TempDir
    Path dir;

    private static GgufWriter allTypes() {
        GgufWriter w = new GgufWriter();
        w.put("u8", GgufValue.uint8(255));
        w.put("i8", GgufValue.int8(-128));
        w.put("u16", GgufValue.uint16(65535));
        w.put("i16", GgufValue.int16(-32768));
        w.put("u32", GgufValue.uint32(4294967295L));
        w.put("i32", GgufValue.int32(Integer.MIN_VALUE));
        w.put("u64", GgufValue.uint64(-1L)); // 2^64-1
        w.put("i64", GgufValue.int64(Long.MIN_VALUE));
        w.put("f32", GgufValue.float32(3.25f));
        w.put("f64", GgufValue.float64(-1.0e300));
        w.put("bool.t", GgufValue.bool(true));
        w.put("bool.f", GgufValue.bool(false));
        w.put("str", GgufValue.string("héllo ✓"));
        w.put("str.empty", GgufValue.string(""));
        w.put("arr.i32", GgufValue.int32Array(11, 11, 10, 0));
        w.put("arr.f32", GgufValue.float32Array(0.5f, -2f));
        w.put("arr.str", GgufValue.stringArray(List.of("a", "", "ü", "Ġthe")));
        w.put("arr.bool", GgufValue.array(GgufValueType.BOOL, List.of(true, false, true)));
        w.put("arr.u8", GgufValue.array(GgufValueType.UINT8, List.of(0L, 255L)));
        w.put("arr.i8", GgufValue.array(GgufValueType.INT8, List.of(-1L, 127L)));
        w.put("arr.u16", GgufValue.array(GgufValueType.UINT16, List.of(1L, 65535L)));
        w.put("arr.i16", GgufValue.array(GgufValueType.INT16, List.of(-2L)));
        w.put("arr.u32", GgufValue.array(GgufValueType.UINT32, List.of(7L)));
        w.put("arr.u64", GgufValue.array(GgufValueType.UINT64, List.of(1L << 40)));
        w.put("arr.i64", GgufValue.array(GgufValueType.INT64, List.of(-5L)));
        w.put("arr.f64", GgufValue.array(GgufValueType.FLOAT64, List.of(1.5)));
        w.put("arr.empty", GgufValue.array(GgufValueType.INT32, List.of()));
        return w;
    }

    @Test
    void roundTripsEveryValueType() throws IOException {
        GgufWriter w = allTypes();
        w.addTensor("t0", GgmlType.F32, 3);
        Path p = dir.resolve("all.gguf");
        w.write(p);
        GgufFile f = GgufReader.read(p);
        assertEquals(3, f.version());
        assertEquals(
                new ArrayList<>(w.metadata().keySet()),
                new ArrayList<>(f.metadata().keySet()));
        for (String k : w.metadata().keySet()) {
            assertEquals(w.metadata().get(k), f.get(k), k);
        }
        assertEquals("18446744073709551615", Long.toUnsignedString(f.get("u64").asLong()));
        assertEquals(GgufValueType.STRING, f.get("arr.str").elementType());
        assertEquals("Ġthe", f.get("arr.str").asList().get(3));
    }

    @Test
    void tensorTableAndDefaultAlignment() throws IOException {
        GgufWriter w = new GgufWriter();
        w.putString("general.architecture", "test");
        w.addTensor("a", GgmlType.F32, 5); // 20 bytes -> padded 32
        w.addTensor("b", GgmlType.Q8_0, 64, 3); // 2 blocks * 34 * 3 = 204 -> 224
        w.addTensor("c", GgmlType.Q4_0, 32, 2, 2, 2); // 18 * 8 = 144 -> 160
        w.addTensor("d", GgmlType.F16, 7); // 14 -> 32
        Path p = dir.resolve("t.gguf");
        long size = w.write(p);
        GgufFile f = GgufReader.read(p);
        assertEquals(32, f.alignment());
        assertEquals(4, f.tensors().size());
        assertEquals(0, f.dataOffset() % 32);
        long[] offsets = f.tensors().stream().mapToLong(GgufTensorInfo::offset).toArray();
        assertArrayEquals(new long[] {0, 32, 256, 416}, offsets);
        assertEquals(204, f.tensor("b").bytes());
        assertArrayEquals(new long[] {32, 2, 2, 2}, f.tensor("c").shape());
        assertEquals(GgmlType.Q4_0, f.tensor("c").type());
        assertEquals(f.dataOffset() + 448, size);
        assertEquals(size, Files.size(p));
        assertEquals(w.layout(), f.tensors());
    }

    @Test
    void customAlignment() throws IOException {
        GgufWriter w = new GgufWriter();
        w.putUint32("general.alignment", 64);
        w.addTensor("a", GgmlType.F32, 5);
        w.addTensor("b", GgmlType.F32, 1);
        Path p = dir.resolve("a64.gguf");
        long size = w.write(p);
        GgufFile f = GgufReader.read(p);
        assertEquals(64, f.alignment());
        assertEquals(0, f.dataOffset() % 64);
        assertEquals(64, f.tensor("b").offset());
        assertEquals(f.dataOffset() + 128, size);
        assertThrows(IllegalArgumentException.class, () -> new GgufWriter().putUint32("general.alignment", 48));
        assertThrows(IllegalArgumentException.class, () -> new GgufWriter().putInt32("general.alignment", 64));
    }

    @Test
    void explicitTensorDataIsWrittenAtItsOffset() throws IOException {
        GgufWriter w = new GgufWriter();
        w.addTensor("z", GgmlType.F32, 8);
        byte[] data = new byte[16];
        ByteBuffer.wrap(data)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putFloat(1.5f)
                .putFloat(-2f)
                .putFloat(0f)
                .putFloat(7f);
        w.addTensor("x", GgmlType.F32, new long[] {4}, data);
        Path p = dir.resolve("d.gguf");
        w.write(p);
        GgufFile f = GgufReader.read(p);
        byte[] all = Files.readAllBytes(p);
        long at = f.dataOffset() + f.tensor("x").offset();
        assertArrayEquals(data, Arrays.copyOfRange(all, (int) at, (int) at + 16));
        for (int i = 0; i < 32; i++) {
            assertEquals(0, all[(int) f.dataOffset() + i]);
        }
    }

    @Test
    void rejectsBadTensorsAtWriteTime() {
        GgufWriter w = new GgufWriter();
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("q", GgmlType.Q8_0, 33, 2));
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("x".repeat(64), GgmlType.F32, 1));
        w.addTensor("dup", GgmlType.F32, 1);
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("dup", GgmlType.F32, 1));
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("five", GgmlType.F32, 1, 1, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> GgufValue.uint8(256));
        assertThrows(IllegalArgumentException.class, () -> GgufValue.array(GgufValueType.ARRAY, List.of()));
    }

    @Test
    void truncatedInputReportsOffset() throws IOException {
        GgufWriter w = allTypes();
        w.addTensor("t0", GgmlType.F16, 64, 4);
        Path p = dir.resolve("full.gguf");
        long size = w.write(p);
        byte[] all = Files.readAllBytes(p);
        GgufFile full = GgufReader.read(p);
        long headerEnd = full.dataOffset();
        // every cut inside the header must fail with an offset inside the file
        for (int cut = 0; cut < headerEnd; cut += 7) {
            Path q = dir.resolve("cut" + cut + ".gguf");
            Files.write(q, Arrays.copyOf(all, cut));
            GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufReader.read(q), "cut " + cut);
            assertTrue(e.offset() >= 0 && e.offset() <= cut, "offset " + e.offset() + " for cut " + cut);
            assertTrue(e.getMessage().contains("byte offset"), e.getMessage());
        }
        // cut inside tensor data
        Path q = dir.resolve("cutdata.gguf");
        Files.write(q, Arrays.copyOf(all, (int) size - 1));
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufReader.read(q));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void malformedInputIsRejected() throws IOException {
        GgufWriter w = new GgufWriter();
        w.putString("k", "v");
        w.addTensor("a", GgmlType.F32, 4);
        w.addTensor("b", GgmlType.F32, 4);
        Path p = dir.resolve("m.gguf");
        w.write(p);
        byte[] good = Files.readAllBytes(p);

        byte[] badMagic = good.clone();
        badMagic[0] = 'X';
        assertEquals(0, expectFormatError(badMagic, "magic").offset());

        byte[] badVersion = good.clone();
        badVersion[4] = 9;
        assertEquals(4, expectFormatError(badVersion, "version").offset());

        // value type of "k" lives after magic(4) version(4) nt(8) nkv(8) keylen(8) key(1) = 33
        byte[] badType = good.clone();
        badType[33] = 42;
        assertEquals(33, expectFormatError(badType, "invalid GGUF type").offset());

        // offset of tensor "b": find it from the end of the tensor table
        GgufFile f = GgufReader.read(p);
        long tableEnd = tableEnd(good);
        byte[] badOffset = good.clone();
        ByteBuffer.wrap(badOffset).order(ByteOrder.LITTLE_ENDIAN).putLong((int) tableEnd - 8, 8);
        assertEquals(tableEnd - 8, expectFormatError(badOffset, "expected 32").offset());
        assertEquals(2, f.tensors().size());

        byte[] badGgmlType = good.clone();
        ByteBuffer.wrap(badGgmlType).order(ByteOrder.LITTLE_ENDIAN).putInt((int) tableEnd - 12, 4); // removed Q4_2
        expectFormatError(badGgmlType, "unknown ggml type 4");
    }

    /** Byte offset just after the tensor table of the file written in malformedInputIsRejected. */
    private static long tableEnd(byte[] b) {
        // header 24 + kv ("k": 8+1 + 4 + 8+1) = 46; tensors: name(8+1) ndims(4) ne(8) type(4) off(8) = 33 each
        return 24 + 22 + 33 * 2;
    }

    private GgufFormatException expectFormatError(byte[] content, String messagePart) throws IOException {
        Path q = dir.resolve("bad.gguf");
        Files.write(q, content);
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufReader.read(q));
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
        return e;
    }

    @Test
    void largeSparseFileCostsNoDataBlocks() throws IOException {
        GgufWriter w = new GgufWriter();
        w.addTensor("big", GgmlType.F16, 1024, 1024, 512); // 1 GiB of zeros
        Path p = dir.resolve("sparse.gguf");
        long size = w.write(p);
        assertEquals(size, Files.size(p));
        GgufFile f = GgufReader.read(p);
        assertEquals(1L << 30, f.tensor("big").bytes());
        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "r")) {
            raf.seek(size - 1);
            assertEquals(0, raf.read());
        }
    }
}
