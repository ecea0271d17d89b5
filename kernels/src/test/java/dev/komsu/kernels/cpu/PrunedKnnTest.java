package dev.komsu.kernels.cpu;

import static dev.komsu.kernels.BackendConformanceTest.assertSame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.kernels.BaseNorms;
import dev.komsu.kernels.BaseProjection;
import dev.komsu.kernels.DenseRefine;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.TopK;
import dev.komsu.kernels.scalar.ScalarBackend;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The pruned L2 path (a dense scan over the {@link BaseProjection}'s rows, then
 * {@link DenseRefine} with the projection's bound) against the scalar twin, which never prunes:
 * labels and distances must be the same bits on data built to break a loose bound (offsets,
 * duplicates and exact ties, rows with no tail, low rank) and on data where pruning barely helps.
 */
class PrunedKnnTest {
    private final ScalarBackend twin = new ScalarBackend();

    /**
     * Rows {@code offset + sum_j z_j s_j e_j} over {@code rank} random directions with scales
     * falling off, plus uniform noise of {@code noise} in every column; every {@code dupEvery}-th
     * row repeats the one before it (0: none).
     */
    static FloatMatrix lowRank(int rows, int d, int rank, float noise, float offset, int dupEvery, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        SplittableRandom dirs = new SplittableRandom(42);
        double[][] e = new double[rank][d];
        for (double[] v : e) for (int c = 0; c < d; c++) v[c] = dirs.nextDouble() * 2 - 1;
        FloatMatrix m = FloatMatrix.allocate(rows, d);
        float[] row = new float[d];
        for (int i = 0; i < rows; i++) {
            if (dupEvery > 0 && i > 0 && i % dupEvery == 0) {
                m.setRow(i, row, 0);
                continue;
            }
            double[] x = new double[d];
            for (int j = 0; j < rank; j++) {
                double z = r.nextGaussian() * 10 / (1 + j);
                for (int c = 0; c < d; c++) x[c] += z * e[j][c];
            }
            for (int c = 0; c < d; c++) row[c] = (float) (offset + x[c] + (r.nextDouble() * 2 - 1) * noise);
            m.setRow(i, row, 0);
        }
        return m;
    }

    /** Queries: rows of the base (exact ties at distance 0 and between duplicates) and fresh ones. */
    private static FloatMatrix queries(FloatMatrix base, int nq, int rank, float noise, float offset, long seed) {
        FloatMatrix fresh = lowRank(nq, base.cols(), rank, noise, offset, 0, seed);
        for (int i = 0; i < nq; i += 3) fresh.setRow(i, base.row((long) i * 7 % base.rows()), 0);
        return fresh;
    }

    @ParameterizedTest(name = "nq={0} n={1} d={2} k={3} rank={4} noise={5} offset={6} dup={7}")
    @CsvSource({
        "1, 3000, 96, 1, 8, 0.01, 0, 0", "2, 3000, 96, 10, 8, 0.01, 0, 0", "3, 3000, 64, 5, 6, 0.1, 0, 0",
        "100, 3000, 96, 1, 8, 0.01, 0, 0", "100, 3000, 96, 10, 8, 0.01, 1000, 0", "100, 2500, 128, 8, 12, 0, 0, 0",
        "100, 2500, 128, 8, 12, 0, 1000, 5", "37, 4000, 64, 3, 4, 0.5, 0, 2", "100, 2048, 96, 20, 8, 0.01, 0, 3",
        "3, 2100, 64, 2100, 6, 0.01, 0, 0", "100, 3000, 96, 1, 15, 1, -1000, 0",
        // Above PrunedFilter.MAX_ROWS: the candidate heap's passes.
        "2, 9000, 64, 10, 6, 0.01, 0, 0", "100, 9000, 64, 1, 6, 0.1, 1000, 3", "100, 9000, 64, 12, 8, 0, 0, 0",
    })
    void prunedSearchReturnsTheScalarTwinsBits(int nq, int n, int d, int k, int rank, float noise, float offset, int dup) {
        try (FloatMatrix b = lowRank(n, d, rank, noise, offset, dup, n + d); FloatMatrix q = queries(b, nq, rank, noise, offset, nq)) {
            BaseNorms norms = BaseNorms.of(b, Metric.L2).withProjection(b);
            assertNotNull(norms.projection(), "low-rank data must get a projection");
            Neighbors expected = twin.knn(q, b, k, Metric.L2);
            for (int threads : new int[] {1, 2, 3}) {
                try (CpuBackend cpu = new CpuBackend(threads)) {
                    assertSame(expected, cpu.knn(q, b, norms, k, Metric.L2));
                }
            }
        }
    }

    @Test
    void bigBatchesAndExtendedProjectionsStayExact() {
        try (FloatMatrix all = lowRank(6000, 80, 10, 0.05f, 3, 7, 9); FloatMatrix q = queries(all, 5000, 10, 0.05f, 3, 5)) {
            BaseNorms start = BaseNorms.of(all.rowRange(0, 4000), Metric.L2).withProjection(all.rowRange(0, 4000));
            BaseNorms extended = start.extendedTo(all);
            assertEquals(6000, extended.projection().rows());
            try (CpuBackend cpu = new CpuBackend(2)) {
                assertSame(twin.knn(q, all, 4, Metric.L2), cpu.knn(q, all, extended, 4, Metric.L2));
            }
        }
    }

    @ParameterizedTest(name = "rows={0}")
    @CsvSource({"3000", "9000"})
    void tiesBeyondTheFirstPassAreSettledByTheSecond(int rows) {
        // 30 distinct points, each 100 (300) times: a query's nearest point alone fills the heap
        // pass's candidates with equal keys, so only the second pass (with its ceiling) proves;
        // below PrunedFilter.MAX_ROWS the filter re-checks every tied row.
        try (FloatMatrix points = lowRank(30, 96, 8, 0.01f, 0, 0, 21); FloatMatrix b = FloatMatrix.allocate(rows, 96);
                FloatMatrix q = lowRank(40, 96, 8, 0.01f, 0, 0, 22)) {
            for (int i = 0; i < rows; i++) b.setRow(i, points.row(i % 30), 0);
            BaseNorms norms = BaseNorms.of(b, Metric.L2).withProjection(b);
            assertNotNull(norms.projection());
            for (int k : new int[] {1, 10, 200}) {
                Neighbors expected = twin.knn(q, b, k, Metric.L2);
                for (int threads : new int[] {1, 2}) {
                    try (CpuBackend cpu = new CpuBackend(threads)) {
                        assertSame(expected, cpu.knn(q, b, norms, k, Metric.L2));
                    }
                }
            }
        }
    }

    @Test
    void queriesProjectedOnceAreUsedOnlyWithTheirBasis() {
        try (FloatMatrix b = lowRank(3000, 96, 8, 0.01f, 0, 0, 31); FloatMatrix other = lowRank(3000, 96, 8, 0.01f, 5, 0, 32);
                FloatMatrix q = queries(b, 50, 8, 0.01f, 0, 33); CpuBackend cpu = new CpuBackend(2)) {
            BaseNorms norms = BaseNorms.of(b, Metric.L2).withProjection(b);
            BaseNorms foreign = BaseNorms.of(other, Metric.L2).withProjection(other);
            Neighbors expected = twin.knn(q, b, 5, Metric.L2);
            assertSame(expected, cpu.knn(q, norms.projection().project(q), b, norms, 5, Metric.L2));
            // Another base's basis: ignored, the queries are projected again.
            assertSame(expected, cpu.knn(q, foreign.projection().project(q), b, norms, 5, Metric.L2));
            // Centroids moved (k-means): same basis, new rows, the points' projection still fits.
            BaseNorms moved = BaseNorms.of(other, Metric.L2).withProjection(other, norms.projection());
            assertSame(twin.knn(q, other, 5, Metric.L2), cpu.knn(q, norms.projection().project(q), other, moved, 5, Metric.L2));
        }
    }

    @Test
    void backendProjectionMatchesTheScalarReferenceAndIsReused() {
        // 2500 points: several blocks, the last one short, on two threads.
        try (FloatMatrix b = lowRank(3000, 96, 8, 0.01f, 1000, 0, 41); FloatMatrix q = queries(b, 2500, 8, 0.01f, 1000, 42);
                CpuBackend cpu = new CpuBackend(2)) {
            BaseNorms norms = BaseNorms.of(b, Metric.L2).withProjection(b);
            BaseProjection p = norms.projection();
            BaseProjection.Queries fast = cpu.project(p, q);
            BaseProjection.Queries reference = p.project(q);
            assertTrue(fast.fit(p, q.rows()));
            float[] a = fast.rows(p, 0, (int) q.rows());
            float[] r = reference.rows(p, 0, (int) q.rows());
            double[] la = fast.lengths(0, (int) q.rows());
            double[] lr = reference.lengths(0, (int) q.rows());
            for (int i = 0; i < a.length; i++) assertEquals(r[i], a[i], 1e-4f * (1 + Math.abs(r[i])), "projected float " + i);
            for (int i = 0; i < la.length; i++) assertEquals(lr[i], la[i], 1e-9 * (1 + lr[i]), "length " + i);
            assertSame(twin.knn(q, b, 3, Metric.L2), cpu.knn(q, fast, b, norms, 3, Metric.L2));
            assertThrows(IllegalArgumentException.class, () -> p.queries(new float[p.width() + 1], new double[1]));
        }
    }

    @Test
    void ceilingIsTheSmallestEstimateWhoseBoundExceedsTheLimit() {
        DenseRefine.LowerBound bound = e -> ((double) e - 5) * 0.5;
        for (double limit : new double[] {-3, 0, 10, 1e6}) {
            float c = DenseRefine.ceiling(bound, limit);
            assertTrue(bound.of(c) > limit);
            assertTrue(!(bound.of(Math.nextDown(c)) > limit));
        }
        assertEquals(Float.POSITIVE_INFINITY, DenseRefine.ceiling(e -> Double.NaN, 1));
    }

    @Test
    void randomSmallAndInnerProductBasesKeepTheDensePath() {
        SplittableRandom r = new SplittableRandom(1);
        float[] data = new float[3000 * 128];
        for (int i = 0; i < data.length; i++) data[i] = (float) r.nextDouble();
        try (FloatMatrix random = FloatMatrix.of(data, 3000, 128); FloatMatrix small = lowRank(500, 96, 4, 0.01f, 0, 0, 2);
                FloatMatrix q = lowRank(20, 128, 4, 0.01f, 0, 0, 3)) {
            // Energy spread over all 128 directions: 90% of it needs far more than d/4.
            assertNull(BaseNorms.of(random, Metric.L2).withProjection(random).projection());
            assertNull(BaseNorms.of(small, Metric.L2).withProjection(small).projection());
            assertNull(BaseNorms.of(random, Metric.INNER_PRODUCT).withProjection(random).projection());
            try (CpuBackend cpu = new CpuBackend(2)) {
                assertSame(twin.knn(q, random, 10, Metric.L2),
                        cpu.knn(q, random, BaseNorms.of(random, Metric.L2).withProjection(random), 10, Metric.L2));
            }
        }
    }

    @ParameterizedTest(name = "offset={0} noise={1}")
    @CsvSource({"0, 0.01", "1000, 0.01", "0, 0", "0, 1"})
    void projectedBoundNeverExceedsTheExactKeyAndProvesMostQueries(float offset, float noise) {
        int d = 96, k = 10;
        try (FloatMatrix b = lowRank(3000, d, 8, noise, offset, 4, 11); FloatMatrix q = queries(b, 60, 8, noise, offset, 12)) {
            BaseProjection p = BaseNorms.of(b, Metric.L2).withProjection(b).projection();
            BaseNorms an = p.augmentedNorms();
            int w = p.width();
            double[] lengths = new double[(int) q.rows()];
            float[] a = p.projectQueries(q.toArray(), (int) q.rows(), lengths);
            int proved = 0;
            for (int i = 0; i < q.rows(); i++) {
                float[] u = new float[w];
                float qNorm = an.centre(a, i * w, u);
                DenseRefine.LowerBound bound = p.bound(qNorm, lengths[i]);
                int m = CpuBackend.prunedCandidates(k, b.rows());
                TopK estimates = new TopK(m);
                for (long j = 0; j < b.rows(); j++) {
                    float acc = an.norm(j);
                    for (int c = 0; c < w; c++) acc = Math.fma(-2 * u[c], p.augmented().get(j, c) - an.centre(c), acc);
                    float exact = DenseRefine.exactKey(Metric.L2, q.row(i), 0, b.segment(), b.rowOffset(j), d);
                    assertTrue(!(bound.of(acc) > exact), "query " + i + " row " + j + ": bound " + bound.of(acc) + " > " + exact);
                    estimates.offer(acc, j);
                }
                if (DenseRefine.refine(Metric.L2, estimates, bound, q.row(i), 0, b, new TopK(k), new float[m], new long[m])) proved++;
            }
            assertTrue(proved >= q.rows() * 9 / 10, proved + " of " + q.rows() + " proved");
        }
    }
}
