package dev.komsu.kernels;

import dev.komsu.kernels.scalar.ScalarBackend;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One conformance suite for every backend (Lucene's BaseKnnVectorsFormatTestCase idea): each
 * backend's test class subclasses this and supplies the backend. Results must equal the
 * references, the direct form for knn ({@link DirectReference}) and the scalar backend for list
 * scans: ids exactly wherever the reference's distances are distinct, distances within
 * {@link #relativeTolerance()} (summation order differs between implementations).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendConformanceTest {
    private final ScalarBackend reference = new ScalarBackend();
    private ComputeBackend backend;

    /** The backend under test; called once per test class, closed after it. */
    protected abstract ComputeBackend createBackend();

    /** Allowed relative difference of a distance from the scalar reference. */
    protected double relativeTolerance() {
        return 1e-4;
    }

    @BeforeAll
    void open() {
        backend = createBackend();
    }

    @AfterAll
    void closeBackend() {
        if (backend != null) backend.close();
    }

    protected ComputeBackend backend() {
        return backend;
    }

    /** Uniform values in [-1, 1), reproducible from {@code seed}. */
    public static FloatMatrix random(long rows, int cols, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        FloatMatrix m = FloatMatrix.allocate(rows, cols);
        for (long i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) m.set(i, j, (float) (r.nextDouble() * 2 - 1));
        }
        return m;
    }

    @ParameterizedTest(name = "nq={0} n={1} d={2} k={3}")
    @CsvSource({
        "1, 1, 1, 1", "3, 17, 5, 4", "7, 100, 13, 10", "33, 257, 31, 8", "16, 1000, 64, 100",
        "5, 300, 127, 17", "64, 2049, 96, 10", "9, 50, 768, 8", "2, 10, 256, 20", "40, 513, 33, 1",
        "130, 700, 24, 5", "8, 77, 100, 3", "9, 1001, 9, 10", "17, 333, 250, 12", "33, 4099, 40, 7",
        "300, 1500, 17, 10", "2, 300, 13, 5", "1, 999, 70, 9",
    })
    void knnMatchesScalarReferenceForL2AndInnerProduct(int nq, int n, int d, int k) {
        try (FloatMatrix q = random(nq, d, 1 + nq); FloatMatrix b = random(n, d, 2 + n)) {
            for (Metric metric : computedMetrics()) {
                assertMatches(DirectReference.knn(q, b, k, metric), backend.knn(q, b, k, metric), metric);
            }
        }
    }

    @Test
    void knnWithKLargerThanBasePadsWithFaissEmptySlots() {
        try (FloatMatrix q = random(3, 8, 5); FloatMatrix b = random(4, 8, 6)) {
            for (Metric metric : computedMetrics()) {
                Neighbors r = backend.knn(q, b, 7, metric);
                for (int i = 0; i < 3; i++) {
                    for (int j = 4; j < 7; j++) {
                        assertEquals(-1L, r.label(i, j));
                        assertEquals(metric.emptyDistance(), r.distance(i, j));
                    }
                }
                assertMatches(DirectReference.knn(q, b, 7, metric), r, metric);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void knnBreaksTiesBySmallerId(Metric metric) {
        assumeTrue(backend.computes(metric), () -> backend.name() + " hands " + metric
                + " to its CPU fallback, whose own suite checks it: skipped here");
        // Five identical base rows: every query sees five equal distances.
        try (FloatMatrix q = random(4, 12, 7); FloatMatrix b = FloatMatrix.allocate(5, 12)) {
            float[] row = random(1, 12, 8).row(0);
            for (int i = 0; i < 5; i++) b.setRow(i, row, 0);
            Neighbors r = backend.knn(q, b, 3, metric);
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 3; j++) assertEquals(j, r.label(i, j));
            }
        }
    }

    @Test
    void knnGivesIdenticalRowsBitIdenticalDistancesWhereverTheyLie() {
        // Copies of one row far apart (different blocks, tiles and thread ranges of a tiled
        // backend) must tie exactly and come out in id order, for small and large batches.
        int n = 6000;
        int d = 37;
        long[] copies = {5, 777, 4096, 5999};
        for (int nq : new int[] {1, 3, 40}) {
            try (FloatMatrix b = random(n, d, 21); FloatMatrix q = random(nq, d, 22)) {
                // Ten times longer than any other row: nearest under both metrics.
                float[] row = b.row(1234);
                for (int c = 0; c < d; c++) row[c] *= 10;
                b.setRow(1234, row, 0);
                for (long c : copies) b.setRow(c, row, 0);
                // Near the row but not on it, so the distances are not trivially 0.
                float[] query = row.clone();
                SplittableRandom noise = new SplittableRandom(23);
                for (int c = 0; c < d; c++) query[c] += (float) (noise.nextDouble() * 0.02 - 0.01);
                q.setRow(0, query, 0);
                for (Metric metric : computedMetrics()) {
                    Neighbors r = backend.knn(q, b, 8, metric);
                    assertMatches(DirectReference.knn(q, b, 8, metric), r, metric);
                    long[] expected = {5, 777, 1234, 4096, 5999};
                    for (int j = 0; j < expected.length; j++) {
                        assertEquals(expected[j], r.label(0, j), metric + " nq=" + nq + " rank " + j);
                        assertEquals(Float.floatToIntBits(r.distance(0, 0)), Float.floatToIntBits(r.distance(0, j)),
                                "copies of one row must have bit-identical distances, " + metric + " nq=" + nq);
                    }
                }
            }
        }
    }

    @Test
    void knnAndScanListsAreBitReproducibleRunToRun() {
        try (FloatMatrix q = random(50, 70, 31); FloatMatrix b = random(3000, 70, 32);
                TestLists lists = new TestLists(20, 70, 80, 33)) {
            int[] probes = new int[50 * 4];
            SplittableRandom r = new SplittableRandom(34);
            for (int i = 0; i < probes.length; i++) probes[i] = r.nextInt(20);
            for (Metric metric : computedMetrics()) {
                Neighbors first = backend.knn(q, b, 10, metric);
                Neighbors firstScan = backend.scanLists(q, lists, probes, 4, 10, metric);
                for (int run = 0; run < 3; run++) {
                    assertSame(first, backend.knn(q, b, 10, metric));
                    assertSame(firstScan, backend.scanLists(q, lists, probes, 4, 10, metric));
                }
            }
        }
    }

    /** Bit-for-bit equality of two results (labels and the bits of every distance). */
    public static void assertSame(Neighbors expected, Neighbors actual) {
        assertArrayEquals(expected.labels(), actual.labels(), "labels");
        int[] e = new int[expected.distances().length];
        int[] a = new int[actual.distances().length];
        for (int i = 0; i < e.length; i++) e[i] = Float.floatToIntBits(expected.distances()[i]);
        for (int i = 0; i < a.length; i++) a[i] = Float.floatToIntBits(actual.distances()[i]);
        assertArrayEquals(e, a, "distance bits");
    }

    /**
     * Data far from the origin and close together: Fashion-MNIST-like pixels (integers 0..255
     * around a shared template, 784-d) and a +1000 offset. The |x|^2+|y|^2-2xy decomposition
     * loses the small differences here; distances must still match the direct reference.
     */
    @ParameterizedTest(name = "offset={0} spread={1} d={2}")
    @CsvSource({"0, 255, 784", "1000, 1, 64", "-500, 3, 33"})
    void knnAndScanListsStayPreciseOnDataFarFromTheOrigin(float offset, int spread, int d) {
        SplittableRandom r = new SplittableRandom(41);
        float[] template = new float[d];
        for (int c = 0; c < d; c++) template[c] = offset + (spread >= 255 ? r.nextInt(256) : 0);
        int pixelJitter = spread >= 255 ? 8 : 0;
        // 40 queries: enough for a tiled backend to take its batch path.
        try (FloatMatrix b = FloatMatrix.allocate(600, d); FloatMatrix q = FloatMatrix.allocate(40, d);
                TestLists lists = new TestLists(6, d, 100, 42)) {
            for (FloatMatrix m : new FloatMatrix[] {b, q}) {
                for (long i = 0; i < m.rows(); i++) {
                    for (int c = 0; c < d; c++) m.set(i, c, near(template[c], spread, pixelJitter, r));
                }
            }
            for (int l = 0; l < lists.listCount(); l++) {
                for (long i = 0; i < lists.size(l); i++) {
                    for (int c = 0; c < d; c++) {
                        lists.vectors[l].setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i * d + c,
                                near(template[c], spread, pixelJitter, r));
                    }
                }
            }
            int[] probes = new int[40 * 3];
            for (int i = 0; i < probes.length; i++) probes[i] = r.nextInt(6);
            for (Metric metric : computedMetrics()) {
                assertMatches(DirectReference.knn(q, b, 10, metric), backend.knn(q, b, 10, metric), metric);
                assertMatches(reference.scanLists(q, lists, probes, 3, 10, metric),
                        backend.scanLists(q, lists, probes, 3, 10, metric), metric);
            }
        }
    }

    private static float near(float center, int spread, int pixelJitter, SplittableRandom r) {
        if (pixelJitter > 0) return Math.clamp(center + r.nextInt(-pixelJitter, pixelJitter + 1), 0f, 255f);
        return center + (float) (r.nextDouble() * 2 - 1) * spread;
    }

    @Test
    void scanListsWithEveryProbeEmptyOrKLargerThanListsPadsWithEmptySlots() {
        try (TestLists lists = new TestLists(4, 10, 3, 51); FloatMatrix q = random(3, 10, 52)) {
            int[] none = {-1, -1, -1, -1, -1, -1};
            int[] some = {0, 1, 2, -1, 1, 1};
            for (Metric metric : computedMetrics()) {
                Neighbors empty = backend.scanLists(q, lists, none, 2, 5, metric);
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 5; j++) {
                        assertEquals(-1L, empty.label(i, j));
                        assertEquals(metric.emptyDistance(), empty.distance(i, j));
                    }
                }
                assertMatches(reference.scanLists(q, lists, some, 2, 12, metric),
                        backend.scanLists(q, lists, some, 2, 12, metric), metric);
            }
        }
    }

    @Test
    void knnOfBaseRowsFindsThemselvesFirst() {
        try (FloatMatrix b = random(500, 40, 9)) {
            Neighbors r = backend.knn(b, b, 1, Metric.L2);
            for (int i = 0; i < 500; i++) {
                assertEquals(i, r.label(i, 0));
                assertEquals(0f, r.distance(i, 0), 1e-4f);
            }
        }
    }

    @Test
    void knnRejectsBadArguments() {
        try (FloatMatrix q = random(2, 8, 1); FloatMatrix b = random(4, 9, 2); FloatMatrix b8 = random(4, 8, 3)) {
            assertThrows(IllegalArgumentException.class, () -> backend.knn(q, b, 1, Metric.L2));
            assertThrows(IllegalArgumentException.class, () -> backend.knn(q, b8, 0, Metric.L2));
        }
    }

    /** Lists of random vectors with distinct ids; every fifth list empty. */
    public static final class TestLists implements VectorLists, AutoCloseable {
        final Arena arena = Arena.ofShared();
        final int d;
        final MemorySegment[] vectors;
        final MemorySegment[] ids;
        final long[] sizes;

        public TestLists(int nlist, int d, int maxSize, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            this.d = d;
            vectors = new MemorySegment[nlist];
            ids = new MemorySegment[nlist];
            sizes = new long[nlist];
            long nextId = 1000;
            for (int l = 0; l < nlist; l++) {
                int size = l % 5 == 3 ? 0 : r.nextInt(maxSize + 1);
                sizes[l] = size;
                vectors[l] = arena.allocate(Math.max(1, (long) size * d * 4));
                ids[l] = arena.allocate(Math.max(1, size * 8L));
                for (int i = 0; i < size; i++) {
                    for (int j = 0; j < d; j++) {
                        vectors[l].setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, (long) i * d + j, (float) (r.nextDouble() * 2 - 1));
                    }
                    ids[l].setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, i, nextId + 7L * (l * 1000 + i));
                }
            }
        }

        @Override
        public int listCount() {
            return sizes.length;
        }

        @Override
        public int dim() {
            return d;
        }

        @Override
        public long size(int list) {
            return sizes[list];
        }

        @Override
        public MemorySegment vectors(int list) {
            return vectors[list].asSlice(0, sizes[list] * d * 4);
        }

        @Override
        public MemorySegment ids(int list) {
            return ids[list].asSlice(0, sizes[list] * 8);
        }

        @Override
        public void close() {
            arena.close();
        }
    }

    @ParameterizedTest(name = "nq={0} nlist={1} d={2} nprobe={3} k={4}")
    @CsvSource({
        "1, 1, 4, 1, 1", "5, 8, 16, 3, 5", "20, 32, 33, 8, 10", "7, 16, 256, 16, 8", "50, 64, 24, 4, 100",
        "3, 10, 7, 10, 50", "200, 16, 19, 4, 10", "64, 8, 96, 8, 20",
    })
    void scanListsMatchesScalarReference(int nq, int nlist, int d, int nprobe, int k) {
        SplittableRandom r = new SplittableRandom(nq * 31L + nlist);
        try (TestLists lists = new TestLists(nlist, d, 60, nlist * 7L + d); FloatMatrix q = random(nq, d, 11 + d)) {
            int[] probes = new int[nq * nprobe];
            for (int i = 0; i < probes.length; i++) probes[i] = r.nextInt(8) == 0 ? -1 : r.nextInt(nlist);
            for (Metric metric : computedMetrics()) {
                assertMatches(reference.scanLists(q, lists, probes, nprobe, k, metric),
                        backend.scanLists(q, lists, probes, nprobe, k, metric), metric);
            }
        }
    }

    /** Ids equal wherever the reference's neighbouring distances are distinct; distances close. */
    /**
     * The metrics the backend computes itself: a device backend hands L1 and L-infinity to its
     * CPU fallback, which the CPU backends' own suites check.
     */
    private Metric[] computedMetrics() {
        return java.util.Arrays.stream(Metric.values()).filter(backend::computes).toArray(Metric[]::new);
    }

    protected void assertMatches(Neighbors expected, Neighbors actual, Metric metric) {
        assertMatches(expected, actual, metric, relativeTolerance());
    }

    /** {@link #assertMatches(Neighbors, Neighbors, Metric)} with relative tolerance {@code tol}. */
    public static void assertMatches(Neighbors expected, Neighbors actual, Metric metric, double tol) {
        assertEquals(expected.nq(), actual.nq(), "nq");
        assertEquals(expected.k(), actual.k(), "k");
        for (int i = 0; i < expected.nq(); i++) {
            for (int j = 0; j < expected.k(); j++) {
                float e = expected.distance(i, j);
                float a = actual.distance(i, j);
                int qi = i;
                int rj = j;
                // Messages are built only on failure: huge-k cases compare millions of slots.
                if (Float.isInfinite(e)) {
                    assertEquals(e, a, () -> "empty slot distance q=" + qi + " rank=" + rj);
                    assertEquals(-1L, actual.label(i, j), () -> "empty slot label q=" + qi + " rank=" + rj);
                    continue;
                }
                double scale = Math.max(1.0, Math.abs(e));
                assertTrue(Math.abs(e - a) <= tol * scale, () -> "distance q=" + qi + " rank=" + rj + ": expected " + e + ", got " + a);
                boolean distinct = (j == 0 || Math.abs(expected.distance(i, j - 1) - e) > 2 * tol * scale)
                        && (j == expected.k() - 1 || Math.abs(expected.distance(i, j + 1) - e) > 2 * tol * scale);
                if (distinct) {
                    assertEquals(expected.label(i, j), actual.label(i, j), () -> "label q=" + qi + " rank=" + rj + " (" + metric + ")");
                }
            }
        }
    }
}
