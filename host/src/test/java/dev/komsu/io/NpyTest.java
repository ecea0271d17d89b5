package dev.komsu.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.kernels.FloatMatrix;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    @TempDir
    Path dir;

    /** The values numpy writes below: i * 0.5 - 3 for element i (exact in float16 too). */
    private static float[] ramp(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = i * 0.5f - 3f;
        return v;
    }

    @Test
    void float32MatrixRoundTripsAndIsMapped() throws IOException {
        float[] values = ramp(6 * 5);
        Path f = dir.resolve("m.npy");
        try (FloatMatrix m = FloatMatrix.of(values, 6, 5)) {
            Npy.write(f, m);
        }
        NpyHeader h = Npy.readHeader(f);
        assertEquals(NpyDtype.FLOAT32, h.dtype());
        assertArrayEquals(new long[] {6, 5}, h.shape());
        assertEquals(0, h.dataOffset() % 64, "data is 64-byte aligned as numpy writes it");
        try (FloatMatrix back = Npy.readMatrix(f)) {
            assertEquals(6, back.rows());
            assertEquals(5, back.cols());
            assertTrue(back.segment().isMapped());
            assertArrayEquals(values, back.toArray());
        }
        assertArrayEquals(values, Npy.readFloats(f));
    }

    @Test
    void integerArraysRoundTripWithTheirShapes() throws IOException {
        long[] longs = {-1, 0, 1L << 40, Long.MIN_VALUE, 7, 8};
        Path l = dir.resolve("l.npy");
        Npy.writeLongs(l, longs, 2, 3);
        assertArrayEquals(new long[] {2, 3}, Npy.readHeader(l).shape());
        assertEquals(NpyDtype.INT64, Npy.readHeader(l).dtype());
        assertArrayEquals(longs, Npy.readLongs(l));

        int[] ints = {-5, 4, Integer.MAX_VALUE, Integer.MIN_VALUE};
        Path i = dir.resolve("i.npy");
        Npy.writeInts(i, ints, 4, 1);
        assertEquals(NpyDtype.INT32, Npy.readHeader(i).dtype());
        assertArrayEquals(ints, Npy.readInts(i));
        assertArrayEquals(Arrays.stream(ints).asLongStream().toArray(), Npy.readLongs(i));
        NpyFormatException tooBig = assertThrows(NpyFormatException.class, () -> Npy.readInts(l));
        assertTrue(tooBig.getMessage().contains("does not fit"), tooBig.getMessage());
    }

    @Test
    void oneDimensionalFloatArrayIsReadAsOneRow() throws IOException {
        Path f = dir.resolve("v.npy");
        Npy.writeFloats(f, ramp(7), 7);
        try (FloatMatrix m = Npy.readMatrix(f)) {
            assertEquals(1, m.rows());
            assertEquals(7, m.cols());
            assertArrayEquals(ramp(7), m.toArray());
        }
    }

    @Test
    void zeroRowMatrixIsValid() throws IOException {
        Path f = dir.resolve("z.npy");
        Npy.writeFloats(f, new float[0], 0, 4);
        try (FloatMatrix m = Npy.readMatrix(f)) {
            assertEquals(0, m.rows());
            assertEquals(4, m.cols());
        }
    }

    @Test
    void wrongDimensionalityAndDtypeAreRejectedByName() throws IOException {
        Path cube = dir.resolve("cube.npy");
        Npy.writeFloats(cube, ramp(8), 2, 2, 2);
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.readMatrix(cube));
        assertTrue(e.getMessage().contains("cube.npy") && e.getMessage().contains("(2, 2, 2)"), e.getMessage());

        Path ids = dir.resolve("ids.npy");
        Npy.writeLongs(ids, new long[] {1, 2}, 1, 2);
        e = assertThrows(NpyFormatException.class, () -> Npy.readMatrix(ids));
        assertTrue(e.getMessage().contains("int64"), e.getMessage());
        e = assertThrows(NpyFormatException.class, () -> Npy.readLongs(cube));
        assertTrue(e.getMessage().contains("float32"), e.getMessage());
    }

    @Test
    void handMadeVersion2And3HeadersAreRead() throws IOException {
        for (int major : new int[] {2, 3}) {
            String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
            if (major == 3) dict = "{'shape': (2, 3), 'fortran_order': False, 'descr': '<f4'}   ";
            byte[] text = (dict + "\n").getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(12 + text.length + 24).order(ByteOrder.LITTLE_ENDIAN);
            b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0}).putInt(text.length).put(text);
            for (float v : ramp(6)) b.putFloat(v);
            Path f = dir.resolve("v" + major + ".npy");
            Files.write(f, b.array());
            try (FloatMatrix m = Npy.readMatrix(f)) {
                assertArrayEquals(ramp(6), m.toArray());
            }
        }
    }

    @Test
    void corruptHeadersAreRejectedWithTheProblem() throws IOException {
        Path good = dir.resolve("good.npy");
        Npy.writeFloats(good, ramp(6), 2, 3);
        byte[] bytes = Files.readAllBytes(good);

        assertProblem(bytes, b -> b[0] = 'X', "magic");
        assertProblem(bytes, b -> b[6] = 9, "version 9.0");
        assertProblem(bytes, b -> { b[8] = (byte) 0xff; b[9] = (byte) 0xff; }, "truncated header");
        assertProblem(bytes, b -> replace(b, "'descr'", "'dexcr'"), "unknown header key");
        assertProblem(bytes, b -> replace(b, "(2, 3)", "(2, x)"), "integer dimension");
        assertProblem(bytes, b -> replace(b, "False", "Maybe"), "True or False");
        assertProblem(bytes, b -> replace(b, ", }", ", }x"), "unexpected text after the dict");
        assertProblem(bytes, b -> replace(b, "(2, 3)", "(3, 3)"), "truncated data");
        assertProblem(bytes, b -> replace(b, "(2, 3)", "(1, 3)"), "unexpected bytes");
        assertProblem(bytes, b -> replace(b, "'<f4'", "'<c8'"), "unsupported dtype '<c8'");
        assertProblem(bytes, b -> replace(b, "'<f4'", "'|O' "), "object arrays");
        assertProblem(bytes, b -> replace(b, "'<f4'", "'>f4'"), "big-endian");
        assertProblem(bytes, b -> replace(b, "False", "True "), "Fortran-order");
        assertProblem(bytes, b -> replace(b, "(2, 3)", "(99999999999999, 99999999)"), "too large");
    }

    @Test
    void everyTruncationIsRejected() throws IOException {
        Path good = dir.resolve("good.npy");
        Npy.writeFloats(good, ramp(6), 2, 3);
        byte[] bytes = Files.readAllBytes(good);
        for (int len = 0; len < bytes.length; len++) {
            Path cut = dir.resolve("cut.npy");
            Files.write(cut, Arrays.copyOf(bytes, len));
            NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.readMatrix(cut), "length " + len);
            assertTrue(e.getMessage().startsWith(cut.toString()), e.getMessage());
        }
    }

    private interface Edit {
        void apply(byte[] b);
    }

    private void assertProblem(byte[] original, Edit edit, String expected) throws IOException {
        byte[] b = original.clone();
        edit.apply(b);
        Path f = dir.resolve("bad.npy");
        Files.write(f, b);
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.readMatrix(f), expected);
        assertTrue(e.getMessage().contains(expected) && e.getMessage().contains("bad.npy"),
                "expected '" + expected + "' in: " + e.getMessage());
        assertEquals(f, e.file());
    }

    /** Overwrites the first occurrence of {@code from} with {@code to}, same length or padded. */
    private static void replace(byte[] b, String from, String to) {
        String s = new String(b, StandardCharsets.ISO_8859_1);
        int at = s.indexOf(from);
        assertTrue(at >= 0, from);
        int shift = to.length() - from.length();
        if (shift > 0) {
            // Borrow spaces from the header's padding, which follows the dict.
            int pad = s.indexOf("}", at) + 1;
            System.arraycopy(b, pad, b, pad + shift, s.indexOf('\n') - pad - shift);
            System.arraycopy(b, at + from.length(), b, at + to.length(), pad - at - from.length());
        }
        byte[] t = to.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(t, 0, b, at, t.length);
    }

    @Test
    void missingFileNamesThePath() {
        Path f = dir.resolve("absent.npy");
        IOException e = assertThrows(IOException.class, () -> Npy.readMatrix(f));
        assertTrue(e.getMessage().contains("absent.npy"), e.getMessage());
    }

    @Test
    void streamingWriterCommitsBatchesAtomically() throws IOException {
        Path f = dir.resolve("labels.npy");
        Files.writeString(f, "old content");
        long[] all = new long[10 * 3];
        for (int i = 0; i < all.length; i++) all[i] = i * 1000L - 7;
        try (NpyWriter w = NpyWriter.create(f, NpyDtype.INT64, 10, 3)) {
            for (int from = 0; from < all.length; from += 9) {
                w.writeLongs(all, from, Math.min(9, all.length - from));
                assertEquals("old content", Files.readString(f), "the target is untouched until commit");
            }
            w.commit();
        }
        assertArrayEquals(all, Npy.readLongs(f));
        assertEquals(1, countFiles(), "no temporary file is left");
    }

    @Test
    void abortedOrIncompleteWriteLeavesNoFileBehind() throws IOException {
        Path f = dir.resolve("d.npy");
        try (NpyWriter w = NpyWriter.create(f, NpyDtype.FLOAT32, 4, 2)) {
            w.writeFloats(ramp(4), 0, 4);
            IllegalStateException e = assertThrows(IllegalStateException.class, w::commit);
            assertTrue(e.getMessage().contains("only 4"), e.getMessage());
        }
        assertFalse(Files.exists(f));
        try (NpyWriter w = NpyWriter.create(f, NpyDtype.FLOAT32, 1, 2)) {
            assertThrows(IllegalStateException.class, () -> w.writeFloats(ramp(3), 0, 3));
            assertThrows(IllegalArgumentException.class, () -> w.writeLongs(new long[2], 0, 2));
        }
        assertEquals(0, countFiles());
        assertThrows(IllegalArgumentException.class, () -> Npy.writeFloats(f, ramp(5), 2, 3));
        assertEquals(0, countFiles());
    }

    private long countFiles() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void folderIsConcatenatedInFileNameOrder() throws IOException {
        Path feats = Files.createDirectory(dir.resolve("feats"));
        Npy.writeFloats(feats.resolve("b.npy"), new float[] {3, 4}, 1, 2);
        Npy.writeFloats(feats.resolve("a.npy"), new float[] {1, 2}, 1, 2);
        Npy.writeFloats(feats.resolve("c.npy"), new float[] {5, 6, 7, 8}, 2, 2);
        Files.writeString(feats.resolve("notes.txt"), "ignored");
        assertEquals(3, NpyFolder.files(feats).size());
        try (FloatMatrix m = NpyFolder.read(feats)) {
            assertEquals(4, m.rows());
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, m.toArray());
        }
        Npy.writeFloats(feats.resolve("d.npy"), new float[] {1, 2, 3}, 1, 3);
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> NpyFolder.read(feats));
        assertTrue(e.getMessage().contains("d.npy") && e.getMessage().contains("a.npy"), e.getMessage());

        Path empty = Files.createDirectory(dir.resolve("empty"));
        e = assertThrows(NpyFormatException.class, () -> NpyFolder.read(empty));
        assertTrue(e.getMessage().contains("no .npy files"), e.getMessage());
    }

    @Test
    void filesWrittenByNumpyAreRead() throws IOException {
        DebianPython.assumeModules("numpy");
        DebianPython.runOk("""
                import numpy as np
                from numpy.lib import format as fmt
                a = (np.arange(12, dtype=np.float64) * 0.5 - 3).reshape(3, 4)
                np.save('f4.npy', a.astype('<f4'))
                np.save('f2.npy', a.astype('<f2'))
                np.save('f8.npy', a)
                np.save('tenth.npy', np.array([0.1, 1e300]))
                np.save('i8.npy', (np.arange(12) * 1000000007 - 5).reshape(3, 4).astype('<i8'))
                np.save('i4.npy', (np.arange(12) - 5).reshape(3, 4).astype('<i4'))
                for v in [(1, 0), (2, 0), (3, 0)]:
                    with open('v%d.npy' % v[0], 'wb') as f:
                        fmt.write_array(f, a.astype('<f4'), version=v)
                np.save('fortran.npy', np.asfortranarray(a.astype('<f4')))
                np.save('big.npy', a.astype('>f4'))
                np.save('obj.npy', np.array([{'a': 1}, None], dtype=object))
                """, dir);
        float[] expected = ramp(12);
        for (String name : new String[] {"f4", "f2", "f8", "v1", "v2", "v3"}) {
            try (FloatMatrix m = Npy.readMatrix(dir.resolve(name + ".npy"))) {
                assertEquals(3, m.rows(), name);
                assertEquals(4, m.cols(), name);
                assertArrayEquals(expected, m.toArray(), name);
            }
        }
        long[] i8 = Npy.readLongs(dir.resolve("i8.npy"));
        for (int i = 0; i < 12; i++) assertEquals(i * 1000000007L - 5, i8[i]);
        int[] i4 = Npy.readInts(dir.resolve("i4.npy"));
        for (int i = 0; i < 12; i++) assertEquals(i - 5, i4[i]);
        assertArrayEquals(new long[] {3, 4}, Npy.readHeader(dir.resolve("i4.npy")).shape());

        try (FloatMatrix m = Npy.readMatrix(dir.resolve("tenth.npy"))) { // float64 rounds to the nearest float32
            assertArrayEquals(new float[] {0.1f, Float.POSITIVE_INFINITY}, m.toArray());
        }
        assertMessage("i8.npy", "expected float32 (<f4), float16 (<f2) or float64 (<f8)");
        assertMessage("fortran.npy", "Fortran-order");
        assertMessage("big.npy", "big-endian");
        assertMessage("obj.npy", "object arrays");
    }

    private void assertMessage(String file, String expected) {
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.readMatrix(dir.resolve(file)));
        assertTrue(e.getMessage().contains(expected) && e.getMessage().contains(file), e.getMessage());
    }

    @Test
    void numpyReadsWhatKomsuWrites() throws IOException {
        DebianPython.assumeModules("numpy");
        try (FloatMatrix m = FloatMatrix.of(ramp(12), 3, 4)) {
            Npy.write(dir.resolve("f4.npy"), m);
        }
        Npy.writeLongs(dir.resolve("i8.npy"), new long[] {-1, 1L << 40, 3, 4}, 2, 2);
        Npy.writeInts(dir.resolve("i4.npy"), new int[] {-1, 2, 3, 4, 5, 6}, 3, 2);
        try (NpyWriter w = NpyWriter.create(dir.resolve("f2.npy"), NpyDtype.FLOAT16, 2, 6)) {
            w.writeFloats(ramp(12), 0, 12);
            w.commit();
        }
        DebianPython.runOk("""
                import numpy as np
                a = (np.arange(12, dtype=np.float64) * 0.5 - 3).reshape(3, 4)
                f4 = np.load('f4.npy'); assert f4.dtype == np.float32 and f4.shape == (3, 4) and (f4 == a).all(), f4
                f2 = np.load('f2.npy'); assert f2.dtype == np.float16 and (f2 == a.reshape(2, 6)).all(), f2
                i8 = np.load('i8.npy'); assert i8.dtype == np.int64 and i8.tolist() == [[-1, 1 << 40], [3, 4]], i8
                i4 = np.load('i4.npy'); assert i4.dtype == np.int32 and i4.tolist() == [[-1, 2], [3, 4], [5, 6]], i4
                """, dir);
    }
}
