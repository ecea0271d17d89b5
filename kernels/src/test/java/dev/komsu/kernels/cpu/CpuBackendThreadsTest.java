package dev.komsu.kernels.cpu;

import static dev.komsu.kernels.BackendConformanceTest.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.komsu.kernels.BackendConformanceTest.TestLists;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend splits work by queries, by base ranges or by lists depending on the batch
 * and the thread count; none of that may change a single bit of the result.
 */
class CpuBackendThreadsTest {
    private static final int[] THREADS = {2, 3, 7};

    @Test
    void knnGivesBitIdenticalResultsForAnyThreadCount() {
        try (CpuBackend one = new CpuBackend(1); FloatMatrix b = random(5000, 45, 1)) {
            for (int nq : new int[] {1, 5, 13, 100}) {
                try (FloatMatrix q = random(nq, 45, nq)) {
                    for (Metric metric : Metric.values()) {
                        Neighbors expected = one.knn(q, b, 10, metric);
                        for (int t : THREADS) {
                            try (CpuBackend many = new CpuBackend(t)) {
                                assertBitEqual(expected, many.knn(q, b, 10, metric));
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void knnGivesBitIdenticalResultsForAnyThreadCountOnDataFarFromTheOrigin() {
        // One thread takes all 100 queries in one task (the L2 norm filter on, then dropped
        // as the offset makes its error bound useless); more threads split them into tasks
        // too small for the filter. Both must give the same bits.
        try (CpuBackend one = new CpuBackend(1); FloatMatrix b = random(3000, 50, 5); FloatMatrix q = random(100, 50, 6)) {
            for (FloatMatrix m : new FloatMatrix[] {b, q}) {
                for (long i = 0; i < m.rows(); i++) {
                    for (int c = 0; c < 50; c++) m.set(i, c, 1000f + m.get(i, c));
                }
            }
            Neighbors expected = one.knn(q, b, 10, Metric.L2);
            for (int t : THREADS) {
                try (CpuBackend many = new CpuBackend(t)) {
                    assertBitEqual(expected, many.knn(q, b, 10, Metric.L2));
                }
            }
        }
    }

    @Test
    void scanListsGivesBitIdenticalResultsForAnyThreadCount() {
        int d = 29;
        try (CpuBackend one = new CpuBackend(1); TestLists lists = new TestLists(40, d, 120, 3)) {
            for (int nq : new int[] {1, 6, 90}) {
                try (FloatMatrix q = random(nq, d, 10 + nq)) {
                    SplittableRandom r = new SplittableRandom(nq);
                    int nprobe = 5;
                    int[] probes = new int[nq * nprobe];
                    for (int i = 0; i < probes.length; i++) probes[i] = r.nextInt(40);
                    for (Metric metric : Metric.values()) {
                        Neighbors expected = one.scanLists(q, lists, probes, nprobe, 10, metric);
                        for (int t : THREADS) {
                            try (CpuBackend many = new CpuBackend(t)) {
                                assertBitEqual(expected, many.scanLists(q, lists, probes, nprobe, 10, metric));
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void rejectsZeroThreads() {
        assertThrows(IllegalArgumentException.class, () -> new CpuBackend(0));
    }

    private static void assertBitEqual(Neighbors expected, Neighbors actual) {
        assertArrayEquals(expected.labels(), actual.labels(), "labels");
        float[] e = expected.distances();
        float[] a = actual.distances();
        for (int i = 0; i < e.length; i++) {
            assertArrayEquals(new int[] {Float.floatToIntBits(e[i])}, new int[] {Float.floatToIntBits(a[i])},
                    "distance bits at " + i);
        }
    }
}
