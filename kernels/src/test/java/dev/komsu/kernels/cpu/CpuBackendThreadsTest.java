package dev.komsu.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.VectorLists;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend splits work by queries, by base ranges or by lists depending on the batch
 * and the thread count; none of that may change a single bit of the result.
 */
class CpuBackendThreadsTest {
    private static final int[] THREADS = {2, 3, 7};

    private static FloatMatrix random(long rows, int cols, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        FloatMatrix m = FloatMatrix.allocate(rows, cols);
        for (long i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) m.set(i, j, (float) (r.nextDouble() * 2 - 1));
        }
        return m;
    }

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
    void scanListsGivesBitIdenticalResultsForAnyThreadCount() {
        int d = 29;
        try (CpuBackend one = new CpuBackend(1); Lists lists = new Lists(40, d, 120, 3)) {
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

    /** Random lists with ids that descend within each list (so scan order != id order). */
    private static final class Lists implements VectorLists, AutoCloseable {
        private final Arena arena = Arena.ofShared();
        private final int d;
        private final MemorySegment[] vectors;
        private final MemorySegment[] ids;

        Lists(int nlist, int d, int maxSize, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            this.d = d;
            vectors = new MemorySegment[nlist];
            ids = new MemorySegment[nlist];
            for (int l = 0; l < nlist; l++) {
                int size = r.nextInt(maxSize + 1);
                vectors[l] = arena.allocate((long) size * d * 4);
                ids[l] = arena.allocate(size * 8L);
                for (int i = 0; i < size; i++) {
                    for (int c = 0; c < d; c++) {
                        vectors[l].setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, (long) i * d + c, (float) (r.nextDouble() * 2 - 1));
                    }
                    ids[l].setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, i, 1_000_000L - (l * 1000L + i));
                }
            }
        }

        @Override
        public int listCount() {
            return vectors.length;
        }

        @Override
        public int dim() {
            return d;
        }

        @Override
        public long size(int list) {
            return ids[list].byteSize() / 8;
        }

        @Override
        public MemorySegment vectors(int list) {
            return vectors[list];
        }

        @Override
        public MemorySegment ids(int list) {
            return ids[list];
        }

        @Override
        public void close() {
            arena.close();
        }
    }
}
