package dev.komsu.kernels.opencl;

import dev.komsu.kernels.scalar.CpuPqListScanner;
import dev.komsu.kernels.scalar.ScalarPqKernels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.PqListScanner;
import dev.komsu.kernels.QuantizedScanConformanceTest.TestCodeLists;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The OpenCL PQ/SQ8 batch kernels in both kernel shapes against the per-query
 * {@link dev.komsu.kernels.cpu.ScalarPqKernels} loops, bit for bit (same operations in the same
 * order), on ragged inputs: empty lists, lists around the work-group size, -1 probes, biases,
 * k above the candidates, 4 and 8 bits, L2 and inner product, dimensions that are not multiples
 * of 4 or 8. The device must answer every call itself (no fallback is counted).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenClPqListScannerTest {
    /** Ragged list sizes: empty lists, one row, around the 32-wide test groups, below and above 256 rows. */
    private static final long[] SIZES = {0, 1, 31, 32, 33, 0, 100, 7, 300, 64, 0, 5};

    private final ScalarPqBackend scalar = new ScalarPqBackend();
    private final PqListScanner reference = new CpuPqListScanner(scalar);
    private final Map<OpenClOptions.Shape, OpenClBackend> backends = new EnumMap<>(OpenClOptions.Shape.class);

    @BeforeAll
    void open() {
        OpenClDevice device = OpenClTestDevices.requireDevice();
        // Small groups so rounds, chunks and candidate merges happen on small lists; everything
        // resident so the cached path is the one checked.
        OpenClOptions options = OpenClOptions.defaults().withWorkGroupSizes(64, 32);
        for (OpenClOptions.Shape shape : new OpenClOptions.Shape[] {OpenClOptions.Shape.PER_ITEM, OpenClOptions.Shape.WORK_GROUP}) {
            backends.put(shape, new OpenClBackend(device, new OpenClTestDevices.NoFallback(), false, options.withShape(shape)));
        }
    }

    @AfterAll
    void close() {
        backends.values().forEach(OpenClBackend::close);
    }

    static float[] randomFloats(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextDouble() * 2 - 1);
        return a;
    }

    static FloatMatrix randomMatrix(int rows, int cols, long seed) {
        return FloatMatrix.of(randomFloats(rows * cols, seed), rows, cols);
    }

    /** nprobe probes per query over nlist lists, about one in five -1. */
    static int[] probes(int nq, int nprobe, int nlist, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] p = new int[nq * nprobe];
        for (int i = 0; i < p.length; i++) p[i] = r.nextInt(5) == 0 ? -1 : r.nextInt(nlist);
        return p;
    }

    static void assertSameResults(Neighbors expected, Neighbors actual, String what) {
        assertArrayEquals(expected.labels(), actual.labels(), what + ": labels");
        assertArrayEquals(expected.distances(), actual.distances(), what + ": distances");
    }

    private void assertNoFallback(OpenClBackend b, String what) {
        assertEquals(0, b.stats().fallbacks(), what + ": the device must answer, not the CPU");
        assertTrue(!b.stats().deviceFailed(), what + ": device failed");
    }

    @ParameterizedTest
    @CsvSource({"PER_ITEM,7,16,256,3,L2", "WORK_GROUP,7,16,256,3,L2", "PER_ITEM,5,3,16,5,INNER_PRODUCT",
            "WORK_GROUP,5,3,16,5,INNER_PRODUCT", "PER_ITEM,1,8,256,8,INNER_PRODUCT", "WORK_GROUP,9,2,8,1,L2",
            "PER_ITEM,0,4,16,2,L2"})
    void lookupTablesAreBitIdenticalToTheScalarReference(OpenClOptions.Shape shape, int nq, int m, int ksub, int dsub,
                                                         Metric metric) {
        OpenClBackend b = backends.get(shape);
        float[] centroidsT = randomFloats(m * ksub * dsub, 11);
        try (FloatMatrix q = randomMatrix(nq, m * dsub, 12);
             FloatMatrix expected = reference.lookupTables(q, centroidsT, m, ksub, dsub, metric);
             FloatMatrix actual = b.pqLists().lookupTables(q, centroidsT, m, ksub, dsub, metric)) {
            assertEquals(nq, actual.rows());
            assertEquals(m * ksub, actual.cols());
            assertArrayEquals(expected.toArray(), actual.toArray());
        }
        assertNoFallback(b, "lookupTables");
    }

    @ParameterizedTest(name = "{0} m={1} nbits={2} {3} listTables={4} biases={5} k={6}")
    @CsvSource({
        "PER_ITEM,8,8,L2,true,true,10,256", "WORK_GROUP,8,8,L2,true,true,10,256",
        "PER_ITEM,5,4,INNER_PRODUCT,false,false,7,256", "WORK_GROUP,5,4,INNER_PRODUCT,false,false,7,256",
        "PER_ITEM,3,8,INNER_PRODUCT,true,false,700,256", "WORK_GROUP,3,8,INNER_PRODUCT,true,false,700,256",
        "PER_ITEM,16,4,L2,true,true,1,256", "WORK_GROUP,16,4,L2,true,true,1,256",
        // codes drawn from 2 values: many equal distances, ties must go to the smaller id
        "PER_ITEM,2,8,L2,false,false,40,2", "WORK_GROUP,2,8,INNER_PRODUCT,false,true,40,2",
        // an 8-bit table of 520 x 256 floats (520 KiB) exceeds PoCL's 512 KiB of local memory:
        // the work-group kernel forms its entries from global memory
        "PER_ITEM,520,8,L2,true,true,5,256", "WORK_GROUP,520,8,L2,true,true,5,256",
        "WORK_GROUP,520,8,INNER_PRODUCT,false,false,5,256"})
    void scanPqIsBitIdenticalToTheScalarReference(OpenClOptions.Shape shape, int m, int nbits, Metric metric,
                                                  boolean withListTables, boolean withBiases, int k, int codeValues) {
        OpenClBackend b = backends.get(shape);
        int nq = 9;
        int nprobe = 4;
        int tableSize = m << nbits;
        try (TestCodeLists lists = new TestCodeLists((m * nbits + 7) / 8, SIZES, codeValues, m * 31L + nbits);
             FloatMatrix queryTables = randomMatrix(nq, tableSize, 3)) {
            float[] listTables = withListTables ? randomFloats(SIZES.length * tableSize, 4) : null;
            int[] probes = probes(nq, nprobe, SIZES.length, 5);
            float[] biases = withBiases ? randomFloats(probes.length, 6) : null;
            float scale = withListTables ? -2f : 1f;
            for (int batch = 0; batch < 2; batch++) { // the second batch runs on the resident copies
                Neighbors expected = reference.scanPq(lists, m, nbits, queryTables, listTables, scale, probes, biases,
                        nprobe, k, metric);
                Neighbors actual = b.pqLists().scanPq(lists, m, nbits, queryTables, listTables, scale, probes, biases,
                        nprobe, k, metric);
                assertSameResults(expected, actual, "batch " + batch);
            }
        }
        assertNoFallback(b, "scanPq");
    }

    @ParameterizedTest(name = "{0} d={1} {2} residual={3} biases={4} k={5}")
    @CsvSource({
        "PER_ITEM,13,L2,true,true,10", "WORK_GROUP,13,L2,true,true,10",
        "PER_ITEM,37,INNER_PRODUCT,false,false,6", "WORK_GROUP,37,INNER_PRODUCT,false,false,6",
        "PER_ITEM,8,L2,false,true,900", "WORK_GROUP,8,L2,false,true,900",
        "PER_ITEM,5,INNER_PRODUCT,true,true,1", "WORK_GROUP,64,L2,true,false,3"})
    void scanSq8IsBitIdenticalToTheScalarReference(OpenClOptions.Shape shape, int d, Metric metric, boolean residual,
                                                   boolean withBiases, int k) {
        OpenClBackend b = backends.get(shape);
        int nq = 6;
        int nprobe = 5;
        float[] vmin = randomFloats(d, 21);
        float[] vdiff = randomFloats(d, 22);
        for (int i = 0; i < d; i++) vdiff[i] = Math.abs(vdiff[i]) + 0.1f;
        try (TestCodeLists lists = new TestCodeLists(d, SIZES, 256, d);
             FloatMatrix queries = randomMatrix(nq, d, 23);
             FloatMatrix centroids = residual ? randomMatrix(SIZES.length, d, 24) : null) {
            int[] probes = probes(nq, nprobe, SIZES.length, 25);
            float[] biases = withBiases ? randomFloats(probes.length, 26) : null;
            for (int batch = 0; batch < 2; batch++) {
                Neighbors expected = reference.scanSq8(lists, queries, centroids, vmin, vdiff, probes, biases, nprobe, k,
                        metric);
                Neighbors actual = b.pqLists().scanSq8(lists, queries, centroids, vmin, vdiff, probes, biases, nprobe, k,
                        metric);
                assertSameResults(expected, actual, "batch " + batch);
            }
        }
        assertNoFallback(b, "scanSq8");
    }
}
