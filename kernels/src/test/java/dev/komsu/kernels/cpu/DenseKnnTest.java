package dev.komsu.kernels.cpu;

import static dev.komsu.kernels.BackendConformanceTest.assertMatches;
import static dev.komsu.kernels.BackendConformanceTest.assertSame;
import static dev.komsu.kernels.BackendConformanceTest.random;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.kernels.BaseNorms;
import dev.komsu.kernels.DenseRefine;
import dev.komsu.kernels.DirectReference;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.TopK;
import dev.komsu.kernels.scalar.ScalarBackend;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The dense kernel (dot-product tiles + {@link DenseRefine}) against its scalar twin and the
 * direct form: the CPU backend must return the scalar twin's bits for every batch size (the
 * per-query and lane paths), thread count and data set, including data where the refine cannot
 * prove its candidates and the direct form takes over.
 */
class DenseKnnTest {
    private final ScalarBackend twin = new ScalarBackend();

    /** Rows around {@code clusters} centres at +-{@code offset} with spread {@code spread}. */
    private static FloatMatrix clustered(int rows, int d, float offset, float spread, int clusters, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        FloatMatrix m = FloatMatrix.allocate(rows, d);
        for (int i = 0; i < rows; i++) {
            float centre = (i % clusters) * 2 * offset - offset;
            for (int c = 0; c < d; c++) m.set(i, c, centre + (float) (r.nextDouble() * 2 - 1) * spread);
        }
        return m;
    }

    @ParameterizedTest(name = "nq={0} n={1} d={2} k={3} offset={4} clusters={5}")
    @CsvSource({
        "1, 3000, 64, 10, 0, 1", "2, 3000, 33, 5, 0, 1", "3, 1000, 17, 1, 0, 1", "40, 2000, 100, 10, 0, 1",
        "300, 1500, 24, 7, 0, 1", "40, 600, 64, 10, 1000, 1", "1, 600, 64, 10, 1000, 1",
        "40, 800, 32, 8, 10000, 2", "2, 800, 32, 8, 10000, 2", "17, 50, 8, 100, 0, 1",
    })
    void cpuReturnsTheScalarTwinsBitsForAnyThreadCount(int nq, int n, int d, int k, float offset, int clusters) {
        try (FloatMatrix b = clustered(n, d, offset, 1f, clusters, n + d);
                FloatMatrix q = clustered(nq, d, offset, 1f, clusters, nq + 7)) {
            // The dense kernel serves L2 and inner product; L1 and L-infinity (no expansion, and
            // L1 summed in lanes) are checked within a tolerance by the backend conformance suite.
            for (Metric metric : new Metric[] {Metric.L2, Metric.INNER_PRODUCT}) {
                Neighbors expected = twin.knn(q, b, k, metric);
                // The direct form with its separate multiply and add differs in the last bits only.
                assertMatches(DirectReference.knn(q, b, k, metric), expected, metric, 1e-4);
                for (int threads : new int[] {1, 2, 3}) {
                    try (CpuBackend cpu = new CpuBackend(threads)) {
                        assertSame(expected, cpu.knn(q, b, k, metric));
                        assertSame(expected, cpu.knn(q, b, BaseNorms.of(b, metric), k, metric));
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "offset={0} clusters={1} proved={2}")
    @CsvSource({"0, 1, true", "1000, 1, true", "10000, 2, false"})
    void refineProvesCentredDataAndGivesUpOnFarApartClusters(float offset, int clusters, boolean proved) {
        // Two clusters at +-10000 centre at 0, so |x-c|^2 ~ 3e9 against distances of ~10 between
        // neighbours: no bound can tell the candidates apart and the direct form must run.
        int d = 32;
        try (FloatMatrix b = clustered(800, d, offset, 1f, clusters, 3); FloatMatrix q = clustered(1, d, offset, 1f, clusters, 4)) {
            BaseNorms norms = BaseNorms.of(b, Metric.L2);
            int m = DenseRefine.candidates(8, b.rows());
            TopK estimates = new TopK(m);
            float[] u = new float[d];
            float qNorm = norms.centre(q.row(0), 0, u);
            for (long j = 0; j < b.rows(); j++) {
                float acc = norms.norm(j);
                for (int c = 0; c < d; c++) acc = Math.fma(-2 * u[c], b.get(j, c) - norms.centre(c), acc);
                estimates.offer(acc, j);
            }
            boolean result = DenseRefine.refine(Metric.L2, estimates, q.row(0), 0, qNorm, norms, b, new TopK(8),
                    new float[m], new long[m]);
            if (proved) assertTrue(result);
            else assertFalse(result);
        }
    }

    @ParameterizedTest(name = "rows={0}+{1}")
    @CsvSource({"100, 50", "1, 300"})
    void extendedNormsKeepTheCentreAndMatchFreshOnesForTheNewRows(int first, int added) {
        try (FloatMatrix all = random(first + added, 20, 5)) {
            BaseNorms start = BaseNorms.of(all.rowRange(0, first), Metric.L2);
            BaseNorms extended = start.extendedTo(all);
            for (int c = 0; c < 20; c++) assertTrue(start.centre(c) == extended.centre(c));
            float[] u = new float[20];
            for (long j = 0; j < all.rows(); j++) {
                float norm = extended.norm(j);
                assertTrue(Float.floatToIntBits(norm) == Float.floatToIntBits(start.centre(all.row(j), 0, u)), "row " + j);
            }
            try (CpuBackend cpu = new CpuBackend(2); FloatMatrix q = random(30, 20, 6)) {
                assertSame(twin.knn(q, all, 5, Metric.L2), cpu.knn(q, all, extended, 5, Metric.L2));
                assertThrows(IllegalArgumentException.class, () -> cpu.knn(q, all, start, 5, Metric.L2));
                assertThrows(IllegalArgumentException.class, () -> cpu.knn(q, all, extended, 5, Metric.INNER_PRODUCT));
            }
        }
    }
}
