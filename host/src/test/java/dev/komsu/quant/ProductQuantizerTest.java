package dev.komsu.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.ProgressListener;
import dev.komsu.index.TestVectors;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.PqKernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProductQuantizerTest {
    private static final PqKernels K = Backends.defaultCpu().pq();

    @Test
    void dimensionNotAMultipleOfMIsRejectedNamingBoth() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ProductQuantizer(30, 7, 8));
        assertTrue(e.getMessage().contains("d=30") && e.getMessage().contains("M=7"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ProductQuantizer(32, 8, 6));
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 4})
    void parallelBatchEncodeWritesTheBytesOfOneRowAtATime(int nbits) {
        int d = 24;
        int n = 1000; // several tasks of 64 rows, the last one short
        try (FloatMatrix xs = TestVectors.clustered(n, d, 3);
             dev.komsu.kernels.cpu.CpuBackend threads = new dev.komsu.kernels.cpu.CpuBackend(3);
             Arena arena = Arena.ofConfined()) {
            ProductQuantizer pq = new ProductQuantizer(d, 6, nbits);
            pq.train(xs, Backends.defaultCpu(), ProgressListener.NONE);
            int size = pq.codeSize();
            MemorySegment one = arena.allocate((long) n * size);
            float[] table = new float[pq.m() * pq.ksub()];
            for (int i = 0; i < n; i++) pq.encode(xs.row(i), K, table, one, (long) i * size);
            MemorySegment batch = arena.allocate((long) (n + 1) * size);
            pq.encodeAll(n, (i, row) -> xs.copyRow(i, row, 0), threads, threads.pq(), batch, size);
            assertArrayEquals(one.toArray(ValueLayout.JAVA_BYTE), batch.asSlice(size).toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 4})
    void trainedQuantizerReconstructsBetterThanTheDataSpread(int nbits) {
        int d = 16;
        try (FloatMatrix xs = TestVectors.clustered(3000, d, 1)) {
            ProductQuantizer pq = new ProductQuantizer(d, 4, nbits);
            pq.train(xs, Backends.defaultCpu(), ProgressListener.NONE);
            assertEquals(nbits == 8 ? 4 : 2, pq.codeSize());
            float[] table = new float[pq.m() * pq.ksub()];
            float[] back = new float[d];
            double err = 0;
            double spread = 0;
            float[] mean = new float[d];
            for (int i = 0; i < 3000; i++) for (int j = 0; j < d; j++) mean[j] += xs.get(i, j) / 3000f;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment code = arena.allocate(pq.codeSize());
                for (int i = 0; i < 3000; i++) {
                    float[] x = xs.row(i);
                    pq.encode(x, K, table, code, 0);
                    pq.decode(code, 0, back, 0);
                    for (int j = 0; j < d; j++) {
                        err += (x[j] - back[j]) * (x[j] - back[j]);
                        spread += (x[j] - mean[j]) * (x[j] - mean[j]);
                    }
                    // the table distance of the chosen code is the exact distance to the decoded vector
                    pq.lookupTable(x, Metric.L2, K, table);
                    float adc = 0;
                    double exact = 0;
                    for (int mi = 0; mi < pq.m(); mi++) adc += table[mi * pq.ksub() + pq.codeAt(code, 0, mi)];
                    for (int j = 0; j < d; j++) exact += (x[j] - back[j]) * (x[j] - back[j]);
                    assertEquals(exact, adc, 1e-3 * Math.max(1, exact));
                }
            }
            assertTrue(err < 0.2 * spread, "PQ error " + err + " vs spread " + spread);
        }
    }

    @Test
    void fourBitCodesArePackedLowNibbleFirstAsFaiss() {
        // d=3, M=3, dsub=1: centroid j of every sub-quantiser is the value j.
        float[] c = new float[3 * 16];
        for (int mi = 0; mi < 3; mi++) for (int j = 0; j < 16; j++) c[mi * 16 + j] = j;
        ProductQuantizer pq = ProductQuantizer.ofCentroids(3, 3, 4, c);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment code = arena.allocate(2);
            pq.encode(new float[] {10.2f, 3f, 5.4f}, K, new float[48], code, 0);
            assertEquals((byte) 0x3A, code.get(ValueLayout.JAVA_BYTE, 0));
            assertEquals((byte) 0x05, code.get(ValueLayout.JAVA_BYTE, 1));
            float[] out = new float[3];
            pq.decode(code, 0, out, 0);
            assertArrayEquals(new float[] {10f, 3f, 5f}, out);
        }
    }

    @Test
    void encodingACentroidGivesItsNumberAndTiesGoToTheLowerNumber() {
        float[] c = new float[2 * 256];
        for (int mi = 0; mi < 2; mi++) for (int j = 0; j < 256; j++) c[mi * 256 + j] = j == 7 ? 3f : j * 0.5f;
        ProductQuantizer pq = ProductQuantizer.ofCentroids(2, 2, 8, c);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment code = arena.allocate(2);
            // 3.0 is both centroid 6 (6*0.5) and centroid 7: faiss keeps the first
            pq.encode(new float[] {3f, 100f}, K, new float[512], code, 0);
            assertEquals(6, pq.codeAt(code, 0, 0));
            assertEquals(200, pq.codeAt(code, 0, 1));
        }
    }

    @Test
    void trainingNeedsKsubVectorsAndUntrainedUseFails() {
        ProductQuantizer pq = new ProductQuantizer(8, 2, 8);
        try (FloatMatrix xs = TestVectors.clustered(100, 8, 2)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> pq.train(xs, Backends.defaultCpu(), ProgressListener.NONE));
            assertTrue(e.getMessage().contains("256"), e.getMessage());
        }
        assertThrows(IllegalStateException.class, () -> pq.lookupTable(new float[8], Metric.L2, K, new float[512]));
        assertThrows(IllegalArgumentException.class, () -> ProductQuantizer.ofCentroids(8, 2, 8, new float[10]));
    }

    @Test
    void fourBitTrainingGivesTheSameCodebooksForAnyThreadCountAndReportsEverySubQuantizer() {
        try (FloatMatrix xs = TestVectors.clustered(5000, 24, 3);
             dev.komsu.kernels.cpu.CpuBackend one = new dev.komsu.kernels.cpu.CpuBackend(1);
             dev.komsu.kernels.cpu.CpuBackend two = new dev.komsu.kernels.cpu.CpuBackend(2)) {
            ProductQuantizer a = new ProductQuantizer(24, 12, 4);
            ProductQuantizer b = new ProductQuantizer(24, 12, 4);
            java.util.concurrent.atomic.AtomicLong last = new java.util.concurrent.atomic.AtomicLong();
            java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
            a.train(xs, one, ProgressListener.NONE);
            b.train(xs, two, (stage, done, total) -> {
                calls.incrementAndGet();
                last.accumulateAndGet(done, Math::max);
                assertEquals(12, total);
            });
            assertArrayEquals(a.centroids(), b.centroids());
            assertEquals(12, calls.get());
            assertEquals(12, last.get());
        }
    }
}
