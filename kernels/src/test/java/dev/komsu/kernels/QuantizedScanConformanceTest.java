package dev.komsu.kernels;

import dev.komsu.kernels.scalar.ScalarFastScan;
import dev.komsu.kernels.scalar.ScalarPqKernels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One conformance suite for the batched quantised scans of every backend
 * ({@link ComputeBackend#pqLists()}, {@link ComputeBackend#fastScanLists()},
 * {@link ComputeBackend#refiner()}): each backend's test class subclasses this and supplies the
 * backend. The expected results come from independent per-query loops written here over the
 * scalar reference kernels ({@link ScalarPqKernels}, {@link ScalarFastScan}) with one
 * {@link TopK} / {@link QuantizedTopK} per query. Float results (PQ, SQ8, refine) must match
 * within {@link #relativeTolerance()} (ids exactly wherever the reference's distances are
 * distinct); FastScan results are integers and must match exactly, ties included.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class QuantizedScanConformanceTest {
    /** Refine (RFlat) serves L2 and inner product only: faiss refines no L1 / L-infinity index. */
    private static final Metric[] DENSE_METRICS = {Metric.L2, Metric.INNER_PRODUCT};

    private ComputeBackend backend;

    /** The backend under test; called once per test class, closed after it. */
    protected abstract ComputeBackend createBackend();

    /** Allowed relative difference of a float distance from the scalar reference. */
    protected double relativeTolerance() {
        return 1e-4;
    }

    /**
     * Kernels the backend's batched PQ/SQ8/refine must reproduce bit for bit when run per query
     * (its CPU form promises this of {@link ComputeBackend#pq()}), or null when the backend only
     * promises {@link #relativeTolerance()}.
     */
    protected PqKernels bitIdenticalTo() {
        return null;
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

    // ---------------------------------------------------------------- lookup tables

    @ParameterizedTest(name = "nq={0} m={1} ksub={2} dsub={3} {4}")
    @CsvSource({"1,8,256,4,L2", "7,16,16,2,INNER_PRODUCT", "40,3,256,5,L2", "5,32,16,1,INNER_PRODUCT", "0,4,16,2,L2"})
    void lookupTablesMatchThePerQueryReference(int nq, int m, int ksub, int dsub, Metric metric) {
        float[] centroidsT = randomFloats(m * ksub * dsub, 3 + m);
        try (FloatMatrix q = BackendConformanceTest.random(nq, m * dsub, 4 + nq);
             FloatMatrix tables = backend.pqLists().lookupTables(q, centroidsT, m, ksub, dsub, metric)) {
            assertEquals(nq, tables.rows(), "rows");
            assertEquals(m * ksub, tables.cols(), "cols");
            for (int i = 0; i < nq; i++) {
                float[] expected = new float[m * ksub];
                ScalarPqKernels.INSTANCE.lookupTable(q.row(i), centroidsT, m, ksub, dsub, metric, expected);
                float[] actual = tables.row(i);
                if (bitIdenticalTo() != null) {
                    assertArrayEquals(expected, actual, "table of query " + i);
                } else {
                    for (int j = 0; j < expected.length; j++) {
                        assertClose(expected[j], actual[j], "table of query " + i + " entry " + j);
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- PQ

    @ParameterizedTest(name = "nq={0} nlist={1} m={2} nbits={3} nprobe={4} k={5} {6} listTables={7} biases={8}")
    @CsvSource({
        "1, 1, 8, 8, 1, 1, L2, false, false",
        "5, 8, 8, 8, 3, 10, L2, true, true",
        "9, 12, 16, 4, 4, 7, L2, true, true",
        "6, 10, 7, 4, 5, 20, INNER_PRODUCT, false, true",
        "11, 6, 4, 8, 6, 5, INNER_PRODUCT, false, false",
        "33, 20, 5, 4, 3, 16, L2, false, false",
        "3, 5, 8, 8, 5, 500, L2, true, true",
        "17, 16, 32, 4, 8, 10, INNER_PRODUCT, true, false",
    })
    void scanPqMatchesThePerQueryReference(int nq, int nlist, int m, int nbits, int nprobe, int k, Metric metric,
                                           boolean withListTables, boolean withBiases) {
        int ksub = 1 << nbits;
        int tableSize = m * ksub;
        SplittableRandom r = new SplittableRandom(nq * 131L + nlist * 7L + m);
        try (TestCodeLists lists = new TestCodeLists(nlist, (m * nbits + 7) / 8, 70, r.nextLong());
             FloatMatrix tables = BackendConformanceTest.random(nq, tableSize, r.nextLong())) {
            float[] listTables = withListTables ? randomFloats(nlist * tableSize, r.nextLong()) : null;
            int[] probes = randomProbes(nq, nprobe, nlist, r);
            float[] biases = withBiases ? randomFloats(nq * nprobe, r.nextLong()) : null;
            Neighbors actual = backend.pqLists().scanPq(lists, m, nbits, tables, listTables, -2f, probes, biases,
                    nprobe, k, metric);
            assertMatches(referencePq(ScalarPqKernels.INSTANCE, lists, m, nbits, tables, listTables, -2f, probes,
                    biases, nprobe, k, metric), actual, metric);
            if (bitIdenticalTo() != null) {
                assertSame(referencePq(bitIdenticalTo(), lists, m, nbits, tables, listTables, -2f, probes, biases,
                        nprobe, k, metric), actual);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void scanPqWithEveryProbeMissingOrEmptyPadsEverySlot(Metric metric) {
        try (TestCodeLists lists = new TestCodeLists(5, 8, 30, 71); FloatMatrix tables = BackendConformanceTest.random(3, 8 * 256, 72)) {
            int empty = lists.firstEmptyList();
            int[] probes = {-1, -1, empty, -1, empty, empty};
            Neighbors r = backend.pqLists().scanPq(lists, 8, 8, tables, null, 1f, probes, null, 2, 4, metric);
            assertAllEmpty(r, metric);
        }
    }

    // ---------------------------------------------------------------- SQ8

    @ParameterizedTest(name = "nq={0} nlist={1} d={2} nprobe={3} k={4} {5} residual={6} biases={7}")
    @CsvSource({
        "1, 1, 4, 1, 1, L2, false, false",
        "7, 10, 16, 3, 10, L2, true, false",
        "12, 8, 37, 4, 5, INNER_PRODUCT, false, true",
        "5, 6, 64, 6, 300, L2, true, true",
        "20, 15, 9, 2, 8, INNER_PRODUCT, true, true",
        "40, 12, 33, 5, 10, L2, false, false",
    })
    void scanSq8MatchesThePerQueryReference(int nq, int nlist, int d, int nprobe, int k, Metric metric,
                                            boolean residual, boolean withBiases) {
        SplittableRandom r = new SplittableRandom(nq * 17L + d);
        float[] vmin = randomFloats(d, r.nextLong());
        float[] vdiff = randomFloats(d, r.nextLong());
        for (int i = 0; i < d; i++) vdiff[i] = Math.abs(vdiff[i]) + 0.1f;
        try (TestCodeLists lists = new TestCodeLists(nlist, d, 60, r.nextLong());
             FloatMatrix q = BackendConformanceTest.random(nq, d, r.nextLong());
             FloatMatrix centroids = residual ? BackendConformanceTest.random(nlist, d, r.nextLong()) : null) {
            int[] probes = randomProbes(nq, nprobe, nlist, r);
            float[] biases = withBiases ? randomFloats(nq * nprobe, r.nextLong()) : null;
            Neighbors actual = backend.pqLists().scanSq8(lists, q, centroids, vmin, vdiff, probes, biases, nprobe, k, metric);
            assertMatches(referenceSq8(ScalarPqKernels.INSTANCE, lists, q, centroids, vmin, vdiff, probes, biases,
                    nprobe, k, metric), actual, metric);
            if (bitIdenticalTo() != null) {
                assertSame(referenceSq8(bitIdenticalTo(), lists, q, centroids, vmin, vdiff, probes, biases, nprobe, k,
                        metric), actual);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void scanSq8WithEveryProbeMissingOrEmptyPadsEverySlot(Metric metric) {
        try (TestCodeLists lists = new TestCodeLists(5, 6, 30, 73); FloatMatrix q = BackendConformanceTest.random(2, 6, 74)) {
            int empty = lists.firstEmptyList();
            int[] probes = {empty, -1, -1, -1};
            float[] ones = {1, 1, 1, 1, 1, 1};
            Neighbors r = backend.pqLists().scanSq8(lists, q, null, ones, ones, probes, new float[4], 2, 3, metric);
            assertAllEmpty(r, metric);
        }
    }

    // ---------------------------------------------------------------- refine

    @ParameterizedTest(name = "nq={0} n={1} d={2} kIn={3} k={4}")
    @CsvSource({"1, 1, 3, 1, 1", "6, 200, 24, 20, 5", "30, 500, 65, 40, 10", "4, 50, 7, 8, 12", "9, 300, 128, 64, 64"})
    void refineMatchesThePerQueryReference(int nq, int n, int d, int kIn, int k) {
        SplittableRandom r = new SplittableRandom(n * 3L + d);
        try (FloatMatrix q = BackendConformanceTest.random(nq, d, r.nextLong());
             FloatMatrix base = BackendConformanceTest.random(n, d, r.nextLong())) {
            long[] candidates = new long[nq * kIn];
            for (int i = 0; i < candidates.length; i++) candidates[i] = r.nextInt(6) == 0 ? -1 : r.nextInt(n);
            for (Metric metric : DENSE_METRICS) {
                Neighbors actual = backend.refiner().refine(q, base, candidates, kIn, k, metric);
                assertMatches(referenceRefine(ScalarPqKernels.INSTANCE, q, base, candidates, kIn, k, metric), actual, metric);
                if (bitIdenticalTo() != null) {
                    assertSame(referenceRefine(bitIdenticalTo(), q, base, candidates, kIn, k, metric), actual);
                }
            }
        }
    }

    @Test
    void refineOfOnlyMissingCandidatesPadsEverySlot() {
        try (FloatMatrix q = BackendConformanceTest.random(2, 5, 81); FloatMatrix base = BackendConformanceTest.random(10, 5, 82)) {
            for (Metric metric : DENSE_METRICS) {
                assertAllEmpty(backend.refiner().refine(q, base, new long[] {-1, -1, -1, -1, -1, -1}, 3, 4, metric), metric);
            }
        }
    }

    // ---------------------------------------------------------------- FastScan

    @ParameterizedTest(name = "nq={0} nlist={1} m2={2} nprobe={3} k={4} tables={5} biases={6}")
    @CsvSource({
        "1, 1, 2, 1, 1, 1, false",
        "5, 8, 8, 3, 10, 1, false",
        "9, 12, 16, 4, 7, 4, true",
        "20, 10, 4, 5, 20, 5, true",
        "6, 6, 32, 6, 400, 1, true",
        "40, 20, 6, 3, 16, 3, false",
        "3, 4, 2, 4, 5, 4, false",
    })
    void fastScanMatchesOneQuantizedHeapPerQueryFedInListOrder(int nq, int nlist, int m2, int nprobe, int k,
                                                               int tables, boolean withBiases) {
        SplittableRandom r = new SplittableRandom(nq * 1009L + m2 * 31L + nlist);
        try (TestBlockLists lists = new TestBlockLists(nlist, m2, 150, r.nextLong())) {
            byte[] luts = new byte[nq * tables * m2 * 16];
            // Small entries make many equal keys, so the order-dependent ties are exercised.
            for (int i = 0; i < luts.length; i++) luts[i] = (byte) r.nextInt(m2 <= 4 ? 4 : 256);
            int[] probes = randomProbes(nq, nprobe, nlist, r);
            int[] biases = null;
            if (withBiases) {
                biases = new int[nq * nprobe];
                // some near 65535 so that accumulator + bias wraps modulo 2^16
                for (int i = 0; i < biases.length; i++) biases[i] = r.nextInt(8) == 0 ? 65535 - r.nextInt(100) : r.nextInt(3000);
            }
            int[] keys = new int[nq * k];
            long[] ids = new long[nq * k];
            backend.fastScanLists().scan(lists, luts, tables, biases, probes, nprobe, k, keys, ids, Metric.L2);
            int[] expectedKeys = new int[nq * k];
            long[] expectedIds = new long[nq * k];
            referenceFastScan(lists, luts, tables, biases, probes, nprobe, k, expectedKeys, expectedIds);
            assertArrayEquals(expectedIds, ids, "ids");
            assertArrayEquals(expectedKeys, keys, "keys");
        }
    }

    @Test
    void fastScanTiesAreDecidedByIncreasingListNumberNotProbeRank() {
        // Six copies of one list, probed in decreasing list order: every distance occurs in
        // every list, and faiss keeps the equal ones of the smallest list it visits first.
        int nlist = 6;
        int size = 100;
        try (TestBlockLists lists = new TestBlockLists(nlist, 4, size, 95, true)) {
            SplittableRandom r = new SplittableRandom(96);
            int nq = 4;
            int k = 7;
            byte[] luts = new byte[nq * 4 * 16];
            for (int i = 0; i < luts.length; i++) luts[i] = (byte) r.nextInt(3);
            int[] probes = new int[nq * 3];
            for (int q = 0; q < nq; q++) {
                probes[q * 3] = 5;
                probes[q * 3 + 1] = 4 - q % 2;
                probes[q * 3 + 2] = 1 + q % 2;
            }
            int[] keys = new int[nq * k];
            long[] ids = new long[nq * k];
            backend.fastScanLists().scan(lists, luts, 1, null, probes, 3, k, keys, ids, Metric.L2);
            int[] expectedKeys = new int[nq * k];
            long[] expectedIds = new long[nq * k];
            referenceFastScan(lists, luts, 1, null, probes, 3, k, expectedKeys, expectedIds);
            assertArrayEquals(expectedIds, ids, "ids");
            assertArrayEquals(expectedKeys, keys, "keys");
            for (int q = 0; q < nq; q++) {
                long smallestList = probes[q * 3 + 2];
                // the best key has copies in every probed list: the one kept is the first list's
                long list = (ids[q * k] - 9000) / 13 / 1000;
                assertEquals(smallestList, list, "list of the best id of query " + q);
            }
        }
    }

    @Test
    void fastScanWithEveryProbeMissingOrEmptyGivesFaissEmptySlots() {
        try (TestBlockLists lists = new TestBlockLists(5, 4, 40, 91)) {
            int empty = lists.firstEmptyList();
            int[] probes = {-1, empty, empty, -1};
            int[] keys = new int[2 * 3];
            long[] ids = new long[2 * 3];
            backend.fastScanLists().scan(lists, new byte[2 * 4 * 16], 1, null, probes, 2, 3, keys, ids, Metric.L2);
            for (int i = 0; i < keys.length; i++) {
                assertEquals(QuantizedTopK.EMPTY, keys[i], "key " + i);
                assertEquals(-1L, ids[i], "id " + i);
            }
        }
    }

    // ---------------------------------------------------------------- bad arguments

    @Test
    void pqScansRejectBadArgumentsNamingTheProblem() {
        try (TestCodeLists lists = new TestCodeLists(4, 8, 20, 101); FloatMatrix tables = BackendConformanceTest.random(2, 8 * 256, 102);
             FloatMatrix q = BackendConformanceTest.random(2, 8, 103)) {
            PqListScanner s = backend.pqLists();
            int[] ok = {0, 1, 2, 3};
            float[] ones = new float[8];
            java.util.Arrays.fill(ones, 1f);
            checkRejects("probe list 4", () -> s.scanPq(lists, 8, 8, tables, null, 1f, new int[] {0, 4, 1, 2}, null, 2, 1, Metric.L2));
            checkRejects("probe list -2", () -> s.scanPq(lists, 8, 8, tables, null, 1f, new int[] {0, -2, 1, 2}, null, 2, 1, Metric.L2));
            checkRejects("multiple of nprobe", () -> s.scanPq(lists, 8, 8, tables, null, 1f, new int[] {0, 1, 2}, null, 2, 1, Metric.L2));
            checkRejects("nprobe", () -> s.scanPq(lists, 8, 8, tables, null, 1f, ok, null, 0, 1, Metric.L2));
            checkRejects("k must be", () -> s.scanPq(lists, 8, 8, tables, null, 1f, ok, null, 2, 0, Metric.L2));
            checkRejects("biases", () -> s.scanPq(lists, 8, 8, tables, null, 1f, ok, new float[3], 2, 1, Metric.L2));
            checkRejects("rows", () -> s.scanPq(lists, 8, 8, tables, null, 1f, ok, null, 4, 1, Metric.L2));
            checkRejects("list tables", () -> s.scanPq(lists, 8, 8, tables, new float[5], 1f, ok, null, 2, 1, Metric.L2));
            checkRejects("nbits", () -> s.scanPq(lists, 8, 5, tables, null, 1f, ok, null, 2, 1, Metric.L2));
            checkRejects("code", () -> s.scanPq(lists, 4, 8, tables, null, 1f, ok, null, 2, 1, Metric.L2));
            checkRejects("query tables", () -> s.scanPq(lists, 16, 4, tables, null, 1f, ok, null, 2, 1, Metric.L2));
            checkRejects("queries", () -> s.scanSq8(lists, q, null, ones, ones, new int[] {0, 1, 2, 3, 0, 1}, null, 2, 1, Metric.L2));
            checkRejects("vmin", () -> s.scanSq8(lists, q, null, new float[3], ones, ok, null, 2, 1, Metric.L2));
            checkRejects("vdiff", () -> s.scanSq8(lists, q, null, ones, new float[9], ok, null, 2, 1, Metric.L2));
            checkRejects("probe list 7", () -> s.scanSq8(lists, q, null, ones, ones, new int[] {0, 7, 1, 2}, null, 2, 1, Metric.L2));
            try (FloatMatrix q5 = BackendConformanceTest.random(2, 5, 104); FloatMatrix c5 = BackendConformanceTest.random(4, 5, 105)) {
                checkRejects("SQ8 codes", () -> s.scanSq8(lists, q5, null, new float[5], new float[5], ok, null, 2, 1, Metric.L2));
                checkRejects("centroids", () -> s.scanSq8(lists, q, c5, ones, ones, ok, null, 2, 1, Metric.L2));
                checkRejects("queries", () -> s.lookupTables(q5, new float[8 * 16], 4, 16, 2, Metric.L2));
                checkRejects("codebooks", () -> s.lookupTables(q, new float[10], 4, 16, 2, Metric.L2));
            }
        }
    }

    @Test
    void refineRejectsBadArgumentsNamingTheProblem() {
        try (FloatMatrix q = BackendConformanceTest.random(2, 6, 111); FloatMatrix base = BackendConformanceTest.random(5, 6, 112);
             FloatMatrix q7 = BackendConformanceTest.random(2, 7, 113)) {
            Refiner s = backend.refiner();
            checkRejects("candidate row 5", () -> s.refine(q, base, new long[] {0, 5, 1, 2}, 2, 1, Metric.L2));
            checkRejects("candidate row -3", () -> s.refine(q, base, new long[] {0, -3, 1, 2}, 2, 1, Metric.L2));
            checkRejects("candidates", () -> s.refine(q, base, new long[] {0, 1, 2}, 2, 1, Metric.L2));
            checkRejects("kIn", () -> s.refine(q, base, new long[0], 0, 1, Metric.L2));
            checkRejects("k must be", () -> s.refine(q, base, new long[] {0, 1, 2, 3}, 2, 0, Metric.L2));
            checkRejects("dimension", () -> s.refine(q7, base, new long[] {0, 1, 2, 3}, 2, 1, Metric.L2));
        }
    }

    @Test
    void fastScanRejectsBadArgumentsNamingTheProblem() {
        try (TestBlockLists lists = new TestBlockLists(3, 4, 40, 121)) {
            FastScanListScanner s = backend.fastScanLists();
            int[] probes = {0, 1, 2, 0};
            byte[] one = new byte[2 * 4 * 16];
            int[] keys = new int[4];
            long[] ids = new long[4];
            checkRejects("probe list 3", () -> s.scan(lists, one, 1, null, new int[] {0, 3, 1, 2}, 2, 2, keys, ids, Metric.L2));
            checkRejects("multiple of nprobe", () -> s.scan(lists, one, 1, null, new int[] {0, 1, 2}, 2, 2, keys, ids, Metric.L2));
            checkRejects("nprobe", () -> s.scan(lists, one, 1, null, probes, 0, 2, keys, ids, Metric.L2));
            checkRejects("k must be", () -> s.scan(lists, one, 1, null, probes, 2, 0, keys, ids, Metric.L2));
            checkRejects("biases", () -> s.scan(lists, one, 1, new int[3], probes, 2, 2, keys, ids, Metric.L2));
            checkRejects("tables", () -> s.scan(lists, one, 3, null, probes, 2, 2, keys, ids, Metric.L2));
            checkRejects("lookup tables", () -> s.scan(lists, new byte[100], 1, null, probes, 2, 2, keys, ids, Metric.L2));
            checkRejects("lookup tables", () -> s.scan(lists, one, 2, null, probes, 2, 2, keys, ids, Metric.L2));
            checkRejects("outputs", () -> s.scan(lists, one, 1, null, probes, 2, 2, new int[3], ids, Metric.L2));
            checkRejects("outputs", () -> s.scan(lists, one, 1, null, probes, 2, 2, keys, new long[3], Metric.L2));
        }
    }

    private static void checkRejects(String fragment, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call, "expected a rejection naming '" + fragment + "'");
        assertTrue(e.getMessage() != null && e.getMessage().contains(fragment),
                "message should name '" + fragment + "': " + e.getMessage());
    }

    // ---------------------------------------------------------------- references (per query)

    /** One probed list of query q, scanned into that query's heap. */
    @FunctionalInterface
    private interface ProbeScan {
        void scan(int q, int list, float bias, TopK heap);
    }

    /** The per-query loop of an IVF scan: one {@link TopK} per query over its probes (-1 skipped). */
    private static Neighbors perQuery(int[] probes, float[] biases, int nprobe, int k, Metric metric, ProbeScan scan) {
        int nq = probes.length / nprobe;
        Neighbors out = Neighbors.empty(nq, k, metric);
        for (int q = 0; q < nq; q++) {
            TopK heap = new TopK(k);
            for (int p = 0; p < nprobe; p++) {
                int list = probes[q * nprobe + p];
                if (list >= 0) scan.scan(q, list, biases == null ? 0f : biases[q * nprobe + p], heap);
            }
            heap.drainTo(metric, out.distances(), out.labels(), q * k);
        }
        return out;
    }

    private static Neighbors referencePq(PqKernels kern, CodeLists lists, int m, int nbits, FloatMatrix tables,
                                         float[] listTables, float scale, int[] probes, float[] biases, int nprobe,
                                         int k, Metric metric) {
        int tableSize = m << nbits;
        return perQuery(probes, biases, nprobe, k, metric, (q, list, bias, heap) -> {
            float[] table = tables.row(q);
            if (listTables != null) {
                float[] combined = new float[tableSize];
                kern.madd(tableSize, listTables, list * tableSize, scale, table, combined);
                table = combined;
            }
            kern.scanCodes(lists.codes(list), lists.ids(list), lists.size(list), m, nbits, table, bias, metric, heap);
        });
    }

    private static Neighbors referenceSq8(PqKernels kern, CodeLists lists, FloatMatrix queries, FloatMatrix centroids,
                                          float[] vmin, float[] vdiff, int[] probes, float[] biases, int nprobe, int k,
                                          Metric metric) {
        return perQuery(probes, biases, nprobe, k, metric, (q, list, bias, heap) -> {
            float[] query = queries.row(q);
            if (centroids != null) {
                float[] c = centroids.row(list);
                for (int i = 0; i < query.length; i++) query[i] -= c[i];
            }
            kern.scanSq8(lists.codes(list), lists.ids(list), lists.size(list), query, vmin, vdiff, bias, metric, heap);
        });
    }

    private static Neighbors referenceRefine(PqKernels kern, FloatMatrix queries, FloatMatrix base, long[] candidates,
                                             int kIn, int k, Metric metric) {
        int nq = Math.toIntExact(queries.rows());
        Neighbors out = Neighbors.empty(nq, k, metric);
        float[] one = new float[1];
        for (int q = 0; q < nq; q++) {
            TopK heap = new TopK(k);
            for (int j = 0; j < kIn; j++) {
                long row = candidates[q * kIn + j];
                if (row < 0) continue;
                kern.gatherDistances(queries.row(q), base, new long[] {row}, 1, metric, one);
                heap.offer(metric.toKey(one[0]), row);
            }
            heap.drainTo(metric, out.distances(), out.labels(), q * k);
        }
        return out;
    }

    private static void referenceFastScan(BlockCodeLists lists, byte[] luts, int tables, int[] biases, int[] probes,
                                          int nprobe, int k, int[] outKeys, long[] outIds) {
        int nq = probes.length / nprobe;
        int tableBytes = lists.m2() * 16;
        int[] keys = new int[k];
        long[] ids = new long[k];
        for (int q = 0; q < nq; q++) {
            QuantizedTopK heap = new QuantizedTopK(k);
            // this query's probes by increasing list number (then probe rank): faiss's order
            Integer[] order = new Integer[nprobe];
            for (int p = 0; p < nprobe; p++) order[p] = p;
            int qq = q;
            java.util.Arrays.sort(order, (a, b) -> probes[qq * nprobe + a] != probes[qq * nprobe + b]
                    ? Integer.compare(probes[qq * nprobe + a], probes[qq * nprobe + b]) : Integer.compare(a, b));
            for (int p : order) {
                int list = probes[q * nprobe + p];
                if (list < 0) continue;
                int t = q * tables + (tables == 1 ? 0 : p);
                byte[] table = java.util.Arrays.copyOfRange(luts, t * tableBytes, (t + 1) * tableBytes);
                ScalarFastScan.INSTANCE.scan(lists.codes(list), 0, lists.size(list), lists.m2(), table,
                        biases == null ? 0 : biases[q * nprobe + p], lists.ids(list), 0, heap);
            }
            heap.drainRaw(keys, ids);
            System.arraycopy(keys, 0, outKeys, q * k, k);
            System.arraycopy(ids, 0, outIds, q * k, k);
        }
    }

    // ---------------------------------------------------------------- helpers

    private static float[] randomFloats(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextDouble() * 2 - 1);
        return a;
    }

    /** Distinct lists per query in random order, about one in eight replaced by -1. */
    private static int[] randomProbes(int nq, int nprobe, int nlist, SplittableRandom r) {
        int[] probes = new int[nq * nprobe];
        for (int q = 0; q < nq; q++) {
            int[] perm = new int[nlist];
            for (int i = 0; i < nlist; i++) perm[i] = i;
            for (int i = nlist - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
            for (int p = 0; p < nprobe; p++) probes[q * nprobe + p] = p < nlist && r.nextInt(8) != 0 ? perm[p] : -1;
        }
        return probes;
    }

    private void assertClose(float expected, float actual, String what) {
        double scale = Math.max(1.0, Math.abs(expected));
        assertTrue(Math.abs(expected - actual) <= relativeTolerance() * scale, what + ": expected " + expected + ", got " + actual);
    }

    private static void assertAllEmpty(Neighbors r, Metric metric) {
        for (int i = 0; i < r.nq(); i++) {
            for (int j = 0; j < r.k(); j++) {
                assertEquals(-1L, r.label(i, j), "label q=" + i + " rank=" + j);
                assertEquals(metric.emptyDistance(), r.distance(i, j), "distance q=" + i + " rank=" + j);
            }
        }
    }

    private void assertMatches(Neighbors expected, Neighbors actual, Metric metric) {
        BackendConformanceTest.assertMatches(expected, actual, metric, relativeTolerance());
    }

    private static void assertSame(Neighbors expected, Neighbors actual) {
        BackendConformanceTest.assertSame(expected, actual);
    }

    /**
     * Random lists for the batched scans: ragged sizes up to {@code maxSize} with every fourth
     * list empty, or, with {@code copies}, every list holding the same {@code maxSize} codes (so
     * equal distances appear in every list and the visiting order decides ties); random code
     * bytes (any bytes are valid PQ, SQ8 and FastScan codes) and distinct ids
     * {@code idBase + step * (list * 1000 + i)}.
     */
    private abstract static class RandomLists implements AutoCloseable {
        private final Arena arena = Arena.ofShared();
        private final MemorySegment[] codes;
        private final MemorySegment[] ids;
        private final long[] sizes;

        RandomLists(int nlist, int maxSize, long seed, boolean copies, long idBase, long step,
                    java.util.function.LongUnaryOperator codeBytes) {
            SplittableRandom r = new SplittableRandom(seed);
            codes = new MemorySegment[nlist];
            ids = new MemorySegment[nlist];
            sizes = new long[nlist];
            for (int l = 0; l < nlist; l++) {
                int size = copies ? maxSize : l % 4 == 2 ? 0 : r.nextInt(maxSize + 1);
                if (copies) r = new SplittableRandom(seed);
                sizes[l] = size;
                long bytes = codeBytes.applyAsLong(size);
                codes[l] = arena.allocate(bytes);
                ids[l] = arena.allocate(size * 8L, 8);
                for (long i = 0; i < bytes; i++) codes[l].set(ValueLayout.JAVA_BYTE, i, (byte) r.nextInt(256));
                for (int i = 0; i < size; i++) ids[l].setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, i, idBase + step * (l * 1000L + i));
            }
        }

        /**
         * Lists of exactly {@code listSizes}, code bytes drawn below {@code values} (few values make
         * many equal codes and tied distances), and ids interleaved across lists and offset past
         * 2^31 on odd lists, so they are neither row numbers nor ordered by list.
         */
        RandomLists(long[] listSizes, int values, long seed, java.util.function.LongUnaryOperator codeBytes) {
            SplittableRandom r = new SplittableRandom(seed);
            int nlist = listSizes.length;
            codes = new MemorySegment[nlist];
            ids = new MemorySegment[nlist];
            sizes = listSizes.clone();
            long next = 0;
            for (int l = 0; l < nlist; l++) {
                long bytes = codeBytes.applyAsLong(sizes[l]);
                codes[l] = arena.allocate(bytes);
                ids[l] = arena.allocate(sizes[l] * 8L, 8);
                for (long i = 0; i < bytes; i++) codes[l].set(ValueLayout.JAVA_BYTE, i, (byte) r.nextInt(values));
                for (long i = 0; i < sizes[l]; i++) {
                    long id = (l % 2 == 1 ? 3_000_000_000L : 0) + (next++) * 7 + l;
                    ids[l].setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, i, id);
                }
            }
        }

        int firstEmptyList() {
            for (int l = 0; l < sizes.length; l++) if (sizes[l] == 0) return l;
            throw new IllegalStateException("no empty list");
        }

        public int listCount() {
            return sizes.length;
        }

        public long size(int list) {
            return sizes[list];
        }

        public MemorySegment codes(int list) {
            return codes[list];
        }

        public MemorySegment ids(int list) {
            return ids[list];
        }

        @Override
        public void close() {
            arena.close();
        }
    }

    /** Lists of {@code codeSize}-byte codes (PQ, SQ8); ids 5000 + 11 * (list * 1000 + i). */
    public static final class TestCodeLists extends RandomLists implements CodeLists {
        private final int codeSize;

        public TestCodeLists(int nlist, int codeSize, int maxSize, long seed) {
            super(nlist, maxSize, seed, false, 5000, 11, size -> size * codeSize);
            this.codeSize = codeSize;
        }

        /** Lists of exactly {@code sizes} (see {@link RandomLists#RandomLists(long[], int, long, java.util.function.LongUnaryOperator)}). */
        public TestCodeLists(int codeSize, long[] sizes, int values, long seed) {
            super(sizes, values, seed, size -> size * codeSize);
            this.codeSize = codeSize;
        }

        @Override
        public int codeSize() {
            return codeSize;
        }
    }

    /** FastScan block lists ({@code m2} sub-quantisers, 32-vector blocks); ids 9000 + 13 * (list * 1000 + i). */
    public static final class TestBlockLists extends RandomLists implements BlockCodeLists {
        private final int m2;

        public TestBlockLists(int nlist, int m2, int maxSize, long seed) {
            this(nlist, m2, maxSize, seed, false);
        }

        public TestBlockLists(int nlist, int m2, int maxSize, long seed, boolean copies) {
            super(nlist, maxSize, seed, copies, 9000, 13, size -> (size + 31) / 32 * 16L * m2);
            this.m2 = m2;
        }

        @Override
        public int m2() {
            return m2;
        }
    }
}
