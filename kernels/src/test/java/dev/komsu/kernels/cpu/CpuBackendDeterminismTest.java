package dev.komsu.kernels.cpu;

import static dev.komsu.kernels.BackendConformanceTest.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.komsu.kernels.BackendConformanceTest.TestLists;
import dev.komsu.kernels.DenseRefine;
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
 * and the thread count, and ranks knn candidates by an estimate; none of that may change a
 * single bit of the result.
 */
class CpuBackendDeterminismTest {
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
        // One thread takes all 100 queries in one task, more threads split them (or the base):
        // the dense kernel's estimates on centred +1000-offset rows, re-checked exactly, must
        // give the same bits whatever the split.
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

    /**
     * knn over a batch runs the dense kernel (the L2 expansion, candidates re-checked exactly);
     * a scan of one list holding the whole base runs the direct form. Same rows, same ids: the
     * bits must agree, on smooth data, on tight clusters (many near-ties at the threshold) and
     * on small integers (exact ties).
     */
    @Test
    void knnWithTheDenseKernelEqualsTheDirectListScanBitForBit() {
        int n = 20000;
        int d = 24;
        SplittableRandom r = new SplittableRandom(7);
        try (CpuBackend backend = new CpuBackend(1); Arena arena = Arena.ofConfined()) {
            for (String kind : new String[] {"uniform", "clusters", "integers"}) {
                try (FloatMatrix b = random(n, d, 8); FloatMatrix q = random(64, d, 9)) {
                    for (FloatMatrix m : new FloatMatrix[] {b, q}) {
                        for (long i = 0; i < m.rows(); i++) {
                            for (int c = 0; c < d; c++) {
                                float v = m.get(i, c);
                                if (kind.equals("clusters")) v = (i % 50) * 0.5f + 0.01f * v;
                                if (kind.equals("integers")) v = r.nextInt(4);
                                m.set(i, c, v);
                            }
                        }
                    }
                    MemorySegment ids = arena.allocate((long) n * Long.BYTES);
                    for (int i = 0; i < n; i++) ids.setAtIndex(ValueLayout.JAVA_LONG, i, i);
                    VectorLists whole = oneList(b, ids);
                    int[] probes = new int[64];
                    assertBitEqual(backend.scanLists(q, whole, probes, 1, 10, Metric.L2), backend.knn(q, b, 10, Metric.L2));
                }
            }
        }
    }

    private static VectorLists oneList(FloatMatrix base, MemorySegment ids) {
        return new VectorLists() {
            @Override
            public int listCount() {
                return 1;
            }

            @Override
            public int dim() {
                return base.cols();
            }

            @Override
            public long size(int list) {
                return base.rows();
            }

            @Override
            public MemorySegment vectors(int list) {
                return base.segment();
            }

            @Override
            public MemorySegment ids(int list) {
                return ids;
            }
        };
    }

    /**
     * A list probed by a single query of a batch is scanned without a query group (one query,
     * rows read in place, any list length including those short of a kernel step); its keys
     * must be the lane kernels' bits, i.e. {@link DenseRefine#exactKey}, and the top-k the k
     * smallest (key, id) pairs, exactly as for a list probed by a whole group.
     */
    @Test
    void listsProbedByOneQueryGiveTheExactKeysBitForBit() {
        int d = 37;
        int nlist = 30;
        int k = 6;
        try (CpuBackend backend = new CpuBackend(1); TestLists lists = new TestLists(nlist, d, 45, 17);
             FloatMatrix q = random(nlist, d, 18)) {
            int[] probes = new int[nlist];
            for (int i = 0; i < nlist; i++) probes[i] = (i * 7) % nlist; // every list once
            Neighbors got = backend.scanLists(q, lists, probes, 1, k, Metric.L2);
            float[] query = q.toArray();
            for (int i = 0; i < nlist; i++) {
                int list = probes[i];
                int size = (int) lists.size(list);
                long[][] keyed = new long[size][];
                for (int r = 0; r < size; r++) {
                    float key = DenseRefine.exactKey(Metric.L2, query, i * d, lists.vectors(list), (long) r * d * Float.BYTES, d);
                    keyed[r] = new long[] {Float.floatToIntBits(key), lists.ids(list).getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, r)};
                }
                // Non-negative floats order like their bits; ties go to the smaller id.
                java.util.Arrays.sort(keyed, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
                for (int j = 0; j < k; j++) {
                    long label = j < size ? keyed[j][1] : -1L;
                    assertArrayEquals(new long[] {label}, new long[] {got.label(i, j)}, "label q=" + i + " rank=" + j);
                    if (j < size) {
                        assertArrayEquals(new int[] {(int) keyed[j][0]}, new int[] {Float.floatToIntBits(got.distance(i, j))},
                                "distance bits q=" + i + " rank=" + j);
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
