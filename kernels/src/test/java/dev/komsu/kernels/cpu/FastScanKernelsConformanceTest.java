package dev.komsu.kernels.cpu;

import dev.komsu.kernels.scalar.ScalarFastScan;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.komsu.kernels.FastScanKernels;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.QuantizedTopK;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every FastScan kernel against the scalar reference: accumulators bit-identical (random codes
 * and tables, sums that wrap past 65535, ragged list lengths) and the same top-k.
 */
abstract class FastScanKernelsConformanceTest {
    /** Skips a kernel wider than the hardware vectors: emulated, it runs ~100x slower. */
    static void assumeHardwareVectorBits(int bits) {
        org.junit.jupiter.api.Assumptions.assumeTrue(jdk.incubator.vector.ByteVector.SPECIES_PREFERRED.vectorBitSize() >= bits,
                "hardware vectors are " + jdk.incubator.vector.ByteVector.SPECIES_PREFERRED.vectorBitSize()
                        + " bits, the kernel needs " + bits);
    }

    abstract FastScanKernels kernel();

    private static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4, 6, 16, 32, 64, 128, 258, 400})
    void accumulatorsAreBitIdenticalToScalar(int m2) {
        Random r = new Random(m2);
        int nblocks = 5;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment codes = arena.allocate((long) nblocks * 32 * m2 / 2);
            codes.copyFrom(MemorySegment.ofArray(randomBytes(r, (int) codes.byteSize())));
            byte[] lut = randomBytes(r, m2 * 16);
            short[] expected = new short[nblocks * 32];
            short[] actual = new short[nblocks * 32];
            ScalarFastScan.INSTANCE.accumulate(codes, 0, nblocks, m2, lut, expected);
            kernel().accumulate(codes, 0, nblocks, m2, lut, actual);
            assertArrayEquals(expected, actual);
        }
    }

    @Test
    void scalarAccumulatorIsTheSumOfTableEntriesOfEachVectorsCodes() {
        // One block, m2 = 2: vector j's codes are written where faiss's pq4 layout puts them.
        int m2 = 2;
        Random r = new Random(7);
        int[][] code = new int[32][m2];
        byte[] block = new byte[32];
        for (int j = 0; j < 32; j++) {
            for (int sq = 0; sq < m2; sq++) {
                code[j][sq] = r.nextInt(16);
                int v = j & 15;
                int p = (sq & 1) * 16 + (v < 8 ? 2 * v : 2 * (v - 8) + 1);
                block[p] |= (byte) (j < 16 ? code[j][sq] : code[j][sq] << 4);
            }
        }
        byte[] lut = randomBytes(r, m2 * 16);
        short[] out = new short[32];
        kernel().accumulate(MemorySegment.ofArray(block), 0, 1, m2, lut, out);
        for (int j = 0; j < 32; j++) {
            int sum = 0;
            for (int sq = 0; sq < m2; sq++) sum += lut[sq * 16 + code[j][sq]] & 0xff;
            assertEquals(sum, out[j] & 0xffff, "vector " + j);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 31, 32, 33, 100, 257})
    void scanKeepsTheSameTopKAsScalarForRaggedLists(int n) {
        int m2 = 16;
        int k = 10;
        Random r = new Random(n);
        int nblocks = (n + 31) / 32;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment codes = arena.allocate((long) nblocks * 32 * m2 / 2);
            codes.copyFrom(MemorySegment.ofArray(randomBytes(r, (int) codes.byteSize())));
            MemorySegment ids = arena.allocate((long) n * Long.BYTES);
            for (int i = 0; i < n; i++) ids.setAtIndex(ValueLayout.JAVA_LONG, i, 1000L + i);
            // small table values: many equal distances, so tie handling is exercised too
            byte[] lut = new byte[m2 * 16];
            for (int i = 0; i < lut.length; i++) lut[i] = (byte) r.nextInt(4);
            for (int bias : new int[] {0, 300})
            for (Metric metric : Metric.values()) {
                QuantizedTopK expected = new QuantizedTopK(k, metric);
                QuantizedTopK actual = new QuantizedTopK(k, metric);
                ScalarFastScan.INSTANCE.scan(codes, 0, n, m2, lut, bias, ids, 0, expected);
                kernel().scan(codes, 0, n, m2, lut, bias, ids, 0, actual);
                int[] ek = new int[k], ak = new int[k];
                long[] ei = new long[k], ai = new long[k];
                expected.drainRaw(ek, ei);
                actual.drainRaw(ak, ai);
                assertArrayEquals(ek, ak, metric + " bias " + bias);
                assertArrayEquals(ei, ai, metric + " bias " + bias);
                for (long id : ai) assertEquals(true, id == -1 || (id >= 1000 && id < 1000 + n), "padding lane leaked: " + id);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Metric.class, names = {"L2", "INNER_PRODUCT"}) // FastScan's metrics
    void scanKeepsTheKBestAccumulatorsLargestForInnerProduct(Metric metric) {
        int m2 = 8;
        int n = 200;
        int k = 7;
        Random r = new Random(41);
        int nblocks = (n + 31) / 32;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment codes = arena.allocate((long) nblocks * 32 * m2 / 2);
            codes.copyFrom(MemorySegment.ofArray(randomBytes(r, (int) codes.byteSize())));
            MemorySegment ids = arena.allocate((long) n * Long.BYTES);
            for (int i = 0; i < n; i++) ids.setAtIndex(ValueLayout.JAVA_LONG, i, i);
            byte[] lut = new byte[m2 * 16];
            for (int i = 0; i < lut.length; i++) lut[i] = (byte) r.nextInt(30);
            short[] acc = new short[nblocks * 32];
            ScalarFastScan.INSTANCE.accumulate(codes, 0, nblocks, m2, lut, acc);
            QuantizedTopK heap = new QuantizedTopK(k, metric);
            kernel().scan(codes, 0, n, m2, lut, 0, ids, 0, heap);
            int[] keys = new int[k];
            long[] got = new long[k];
            heap.drainRaw(keys, got);
            int[] sorted = new int[n];
            for (int i = 0; i < n; i++) sorted[i] = acc[i] & 0xffff;
            java.util.Arrays.sort(sorted);
            for (int j = 0; j < k; j++) {
                int expectedKey = metric == Metric.L2 ? sorted[j] : sorted[n - 1 - j];
                assertEquals(expectedKey, keys[j], "rank " + j);
                assertEquals(keys[j], acc[(int) got[j]] & 0xffff, "the key of id " + got[j]);
            }
        }
    }

    @Test
    void rejectsAnOddSubQuantizerCountAndShortBuffers() {
        MemorySegment codes = MemorySegment.ofArray(new byte[64]);
        short[] out = new short[32];
        assertThrows(IllegalArgumentException.class, () -> kernel().accumulate(codes, 0, 1, 3, new byte[48], out));
        assertThrows(IllegalArgumentException.class, () -> kernel().accumulate(codes, 0, 1, 4, new byte[32], out));
        assertThrows(IllegalArgumentException.class, () -> kernel().accumulate(codes, 0, 2, 4, new byte[64], new short[64]));
    }
}
