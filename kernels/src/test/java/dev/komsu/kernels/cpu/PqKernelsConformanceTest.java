package dev.komsu.kernels.cpu;

import dev.komsu.kernels.scalar.ScalarPqKernels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.kernels.Metric;
import dev.komsu.kernels.PqKernels;
import dev.komsu.kernels.TopK;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Vector API PQ/SQ kernels against the scalar reference, and the reference against hand-computed values. */
class PqKernelsConformanceTest {
    private final PqKernels scalar = ScalarPqKernels.INSTANCE;
    private final PqKernels vector = VectorPqKernels.INSTANCE;

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextDouble() * 2 - 1);
        return a;
    }

    private static MemorySegment randomBytes(Arena arena, long n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        MemorySegment s = arena.allocate(Math.max(n, 1));
        for (long i = 0; i < n; i++) s.set(ValueLayout.JAVA_BYTE, i, (byte) r.nextInt(256));
        return s;
    }

    private static MemorySegment ids(Arena arena, long n) {
        MemorySegment s = arena.allocate(Math.max(n, 1) * 8);
        for (long i = 0; i < n; i++) s.setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, i, 1000 + i * 3);
        return s;
    }

    @ParameterizedTest
    @CsvSource({"16,256,16,L2", "32,256,8,INNER_PRODUCT", "64,16,4,L2", "3,256,1,L2", "5,16,3,INNER_PRODUCT", "2,8,2,L2",
            "4,48,5,L2", "3,40,3,INNER_PRODUCT"})
    void lookupTablesAreBitIdenticalToTheReference(int m, int ksub, int dsub, Metric metric) {
        float[] q = random(m * dsub, 1);
        float[] c = random(m * ksub * dsub, 2);
        float[] a = new float[m * ksub];
        float[] b = new float[m * ksub];
        scalar.lookupTable(q, c, m, ksub, dsub, metric, a);
        vector.lookupTable(q, c, m, ksub, dsub, metric, b);
        assertArrayEquals(a, b);
    }

    @ParameterizedTest
    @CsvSource({"100,16,2,L2", "30,256,8,INNER_PRODUCT", "17,40,3,L2", "5,3,1,L2"})
    void blockTablesAreOneRowTablesBitForBit(int n, int k, int d, Metric metric) {
        float[] points = random((n + 2) * d, 6);
        float[] c = random(k * d, 7);
        float[] expected = new float[k];
        float[] a = new float[n * k];
        float[] b = new float[n * k];
        scalar.lookupTables(points, 2, n, c, k, d, metric, a);
        vector.lookupTables(points, 2, n, c, k, d, metric, b);
        assertArrayEquals(a, b);
        float[] point = new float[d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(points, (2 + i) * d, point, 0, d);
            scalar.lookupTable(point, c, 1, k, d, metric, expected);
            assertArrayEquals(expected, java.util.Arrays.copyOfRange(a, i * k, (i + 1) * k));
        }
        assertThrows(IllegalArgumentException.class, () -> vector.lookupTables(points, 3, n, c, k, d, metric, b));
    }

    @ParameterizedTest
    @CsvSource({"384,16", "96,256", "50,3", "20,8", "7,40"})
    void argminIsTheReferencesIndexWithTiesSignedZerosAndNaN(int m, int ksub) {
        SplittableRandom r = new SplittableRandom(ksub);
        float[] table = new float[m * ksub];
        // Few distinct values: most rows have their minimum at several indices.
        float[] values = {0f, -0f, 1f, 2f, 0.5f, Float.POSITIVE_INFINITY};
        for (int i = 0; i < table.length; i++) table[i] = values[r.nextInt(values.length)];
        table[r.nextInt(table.length)] = Float.NaN;
        table[0] = Float.NaN; // a row starting with NaN keeps index 0, as the strict scan does
        int[] a = new int[m];
        int[] b = new int[m];
        scalar.argmin(table, m, ksub, a);
        vector.argmin(table, m, ksub, b);
        assertArrayEquals(a, b);
        float[] spread = random(m * ksub, 5);
        scalar.argmin(spread, m, ksub, a);
        vector.argmin(spread, m, ksub, b);
        assertArrayEquals(a, b);
    }

    @Test
    void referenceArgminTakesTheFirstSmallestAndSkipsNaN() {
        int[] out = new int[3];
        scalar.argmin(new float[] {3, 1, 1, 2, Float.NaN, 5, 4, 5, 7, 0, -0f, 0}, 3, 4, out);
        assertArrayEquals(new int[] {1, 0, 1}, out);
        assertThrows(IllegalArgumentException.class, () -> vector.argmin(new float[7], 2, 4, out));
        assertThrows(IllegalArgumentException.class, () -> vector.argmin(new float[8], 4, 2, new int[3]));
    }

    @Test
    void referenceLookupTableHoldsSquaredDistancesAndInnerProducts() {
        // m=1, ksub=2, dsub=2; centroids (1,2) and (3,-1) stored transposed: t0 = [1,3], t1 = [2,-1].
        float[] ct = {1, 3, 2, -1};
        float[] q = {0.5f, 1f};
        float[] out = new float[2];
        scalar.lookupTable(q, ct, 1, 2, 2, Metric.L2, out);
        assertArrayEquals(new float[] {0.25f + 1f, 6.25f + 4f}, out);
        scalar.lookupTable(q, ct, 1, 2, 2, Metric.INNER_PRODUCT, out);
        assertArrayEquals(new float[] {0.5f + 2f, 1.5f - 1f}, out);
    }

    @ParameterizedTest
    @CsvSource({"16,8,1000", "32,8,17", "7,8,33", "32,4,1000", "5,4,100", "16,8,0"})
    void codeDistancesAreBitIdenticalToTheReference(int m, int nbits, int n) {
        try (Arena arena = Arena.ofConfined()) {
            int codeSize = (m * nbits + 7) / 8;
            MemorySegment codes = randomBytes(arena, (long) n * codeSize, 3);
            float[] lut = random(m << nbits, 4);
            float[] a = new float[n];
            float[] b = new float[n];
            scalar.distances(codes, n, m, nbits, lut, 0.75f, a);
            vector.distances(codes, n, m, nbits, lut, 0.75f, b);
            assertArrayEquals(a, b);
        }
    }

    @Test
    void referenceDistanceReadsFourBitCodesLowNibbleFirst() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment code = arena.allocate(2);
            code.set(ValueLayout.JAVA_BYTE, 0, (byte) 0x3A); // sub 0 -> 0xA, sub 1 -> 0x3
            code.set(ValueLayout.JAVA_BYTE, 1, (byte) 0x05); // sub 2 -> 0x5
            float[] lut = new float[3 * 16];
            lut[10] = 1f;
            lut[16 + 3] = 10f;
            lut[32 + 5] = 100f;
            float[] out = new float[1];
            scalar.distances(code, 1, 3, 4, lut, 0.5f, out);
            assertEquals(111.5f, out[0]);
        }
    }

    @ParameterizedTest
    @CsvSource({"16,8,L2", "16,8,INNER_PRODUCT", "32,4,L2"})
    void codeScansKeepTheSameTopK(int m, int nbits, Metric metric) {
        int n = 777;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment codes = randomBytes(arena, (long) n * ((m * nbits + 7) / 8), 5);
            MemorySegment ids = ids(arena, n);
            float[] lut = random(m << nbits, 6);
            assertSameTopK(metric, 10,
                    h -> scalar.scanCodes(codes, ids, n, m, nbits, lut, -0.25f, metric, h),
                    h -> vector.scanCodes(codes, ids, n, m, nbits, lut, -0.25f, metric, h), 0);
        }
    }

    @ParameterizedTest
    @CsvSource({"256,L2", "256,INNER_PRODUCT", "37,L2", "5,INNER_PRODUCT"})
    void sq8ScansMatchTheReferenceWithinRounding(int d, Metric metric) {
        int n = 300;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment codes = randomBytes(arena, (long) n * d, 7);
            MemorySegment ids = ids(arena, n);
            float[] q = random(d, 8);
            float[] vmin = random(d, 9);
            float[] vdiff = random(d, 10);
            for (int i = 0; i < d; i++) vdiff[i] = Math.abs(vdiff[i]) + 0.1f;
            assertSameTopK(metric, 20,
                    h -> scalar.scanSq8(codes, ids, n, q, vmin, vdiff, 0.5f, metric, h),
                    h -> vector.scanSq8(codes, ids, n, q, vmin, vdiff, 0.5f, metric, h), 1e-5);
        }
    }

    @Test
    void referenceSq8DecodesAsFaissQt8bit() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment code = arena.allocate(1);
            code.set(ValueLayout.JAVA_BYTE, 0, (byte) 200);
            MemorySegment id = ids(arena, 1);
            TopK heap = new TopK(1);
            // decoded = vmin + (200 + 0.5) / 255 * vdiff = -1 + 0.78627... * 4
            scalar.scanSq8(code, id, 1, new float[] {0f}, new float[] {-1f}, new float[] {4f}, 0f, Metric.INNER_PRODUCT, heap);
            float[] d = new float[1];
            long[] l = new long[1];
            heap.drainTo(Metric.INNER_PRODUCT, d, l, 0);
            assertEquals(0f, d[0]); // query is zero: inner product 0
            TopK heap2 = new TopK(1);
            scalar.scanSq8(code, id, 1, new float[] {0f}, new float[] {-1f}, new float[] {4f}, 0f, Metric.L2, heap2);
            heap2.drainTo(Metric.L2, d, l, 0);
            float x = -1f + ((200 + 0.5f) / 255f) * 4f;
            assertEquals(x * x, d[0]);
            assertEquals(1000L, l[0]);
        }
    }

    @ParameterizedTest
    @CsvSource({"256,L2", "37,INNER_PRODUCT"})
    void gatheredDistancesMatchTheReferenceAndExactValues(int d, Metric metric) {
        float[] data = random(50 * d, 13);
        try (dev.komsu.kernels.FloatMatrix base = dev.komsu.kernels.FloatMatrix.of(data, 50, d)) {
            float[] q = random(d, 14);
            long[] rows = {49, 0, 7, 7};
            float[] a = new float[4];
            float[] b = new float[4];
            scalar.gatherDistances(q, base, rows, 4, metric, a);
            vector.gatherDistances(q, base, rows, 4, metric, b);
            for (int i = 0; i < 4; i++) {
                double exact = 0;
                for (int j = 0; j < d; j++) {
                    double x = data[(int) rows[i] * d + j];
                    exact += metric == Metric.L2 ? (q[j] - x) * (q[j] - x) : q[j] * x;
                }
                assertEquals(exact, a[i], 1e-4 * Math.max(1, Math.abs(exact)));
                assertEquals(a[i], b[i], 1e-5 * Math.max(1, Math.abs(a[i])));
            }
            // rows gathered several at a time sum exactly as rows gathered one by one
            long[] many = {3, 49, 0, 7, 7, 12, 31, 5, 44};
            float[] together = new float[many.length];
            vector.gatherDistances(q, base, many, many.length, metric, together);
            for (int i = 0; i < many.length; i++) {
                float[] alone = new float[1];
                vector.gatherDistances(q, base, new long[] {many[i]}, 1, metric, alone);
                assertEquals(Float.floatToRawIntBits(alone[0]), Float.floatToRawIntBits(together[i]), "row " + many[i]);
            }
            assertThrows(IllegalArgumentException.class,
                    () -> vector.gatherDistances(q, base, new long[] {50}, 1, metric, new float[1]));
        }
    }

    @ParameterizedTest
    @CsvSource({"256,L2", "256,INNER_PRODUCT", "37,L2", "5,INNER_PRODUCT"})
    void gatheredSq8DistancesMatchTheReferenceAndTheDecodedVectors(int d, Metric metric) {
        int n = 50;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment codes = randomBytes(arena, (long) n * d, 15);
            float[] q = random(d, 16);
            float[] vmin = random(d, 17);
            float[] vdiff = random(d, 18);
            for (int i = 0; i < d; i++) vdiff[i] = Math.abs(vdiff[i]) + 0.1f;
            long[] rows = {49, 0, 7, 7, 12};
            float[] a = new float[rows.length];
            float[] b = new float[rows.length];
            scalar.gatherSq8Distances(q, codes, rows, rows.length, vmin, vdiff, metric, a);
            vector.gatherSq8Distances(q, codes, rows, rows.length, vmin, vdiff, metric, b);
            for (int i = 0; i < rows.length; i++) {
                // the reference sums faiss QT_8bit's decoded components in order, in float
                float expected = 0f;
                for (int j = 0; j < d; j++) {
                    int c = codes.get(ValueLayout.JAVA_BYTE, rows[i] * d + j) & 0xff;
                    float x = vmin[j] + ((c + 0.5f) / 255f) * vdiff[j];
                    expected += metric == Metric.L2 ? (q[j] - x) * (q[j] - x) : q[j] * x;
                }
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(a[i]), "row " + rows[i]);
                assertEquals(a[i], b[i], 1e-5 * Math.max(1, Math.abs(a[i])), "row " + rows[i]);
            }
            // codes gathered four at a time sum exactly as codes gathered one by one (callers pad with repeats)
            long[] many = {3, 49, 0, 7, 7, 12, 31, 5, 44};
            float[] together = new float[many.length];
            vector.gatherSq8Distances(q, codes, many, many.length, vmin, vdiff, metric, together);
            for (int i = 0; i < many.length; i++) {
                float[] alone = new float[1];
                vector.gatherSq8Distances(q, codes, new long[] {many[i]}, 1, vmin, vdiff, metric, alone);
                assertEquals(Float.floatToRawIntBits(alone[0]), Float.floatToRawIntBits(together[i]), "row " + many[i]);
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> vector.gatherSq8Distances(q, codes, new long[] {n}, 1, vmin, vdiff, metric, new float[1]));
            assertTrue(e.getMessage().contains("row " + n), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> scalar.gatherSq8Distances(q, codes, new long[] {-1}, 1, vmin, vdiff, metric, new float[1]));
        }
    }

    @Test
    void maddIsBitIdenticalToTheReference() {
        float[] a = random(1000, 11);
        float[] b = random(997, 12);
        float[] x = new float[997];
        float[] y = new float[997];
        scalar.madd(997, a, 3, -2f, b, x);
        vector.madd(997, a, 3, -2f, b, y);
        assertArrayEquals(x, y);
        assertEquals(a[3] - 2f * b[0], x[0]);
    }

    @Test
    void badArgumentsAreRejectedWithTheirValues() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment codes = arena.allocate(10);
            for (PqKernels k : new PqKernels[] {scalar, vector}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> k.distances(codes, 1, 16, 8, new float[16 * 256], 0f, new float[1]));
                assertEquals(true, e.getMessage().contains("10 bytes"), e.getMessage());
                assertThrows(IllegalArgumentException.class,
                        () -> k.distances(codes, 1, 2, 5, new float[64], 0f, new float[1]));
                assertThrows(IllegalArgumentException.class,
                        () -> k.lookupTable(new float[3], new float[64], 2, 16, 2, Metric.L2, new float[32]));
            }
        }
    }

    private static void assertSameTopK(Metric metric, int k, java.util.function.Consumer<TopK> ref,
                                       java.util.function.Consumer<TopK> test, double tol) {
        TopK a = new TopK(k);
        TopK b = new TopK(k);
        ref.accept(a);
        test.accept(b);
        float[] da = new float[k];
        float[] db = new float[k];
        long[] la = new long[k];
        long[] lb = new long[k];
        a.drainTo(metric, da, la, 0);
        b.drainTo(metric, db, lb, 0);
        for (int i = 0; i < k; i++) {
            assertEquals(da[i], db[i], tol * Math.max(1, Math.abs(da[i])), "distance " + i);
        }
        for (int i = 0; i < k; i++) {
            // ids must agree wherever the reference's distance is clear of its neighbours'
            double gap = 10 * tol * Math.max(1, Math.abs(da[i]));
            boolean clear = (i == 0 || Math.abs(da[i] - da[i - 1]) > gap) && (i == k - 1 || Math.abs(da[i + 1] - da[i]) > gap);
            if (clear) assertEquals(la[i], lb[i], "label " + i);
        }
    }
}
