package dev.komsu.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.ProgressListener;
import dev.komsu.TestData;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KMeansTest {
    @Test
    void sameSeedGivesIdenticalCentroidsAndOtherSeedDiffers() {
        try (FloatMatrix xs = TestData.blobs(3000, 16, 10, 1)) {
            KMeans km = new KMeans(10, KMeansParams.FAISS_DEFAULTS, Backends.defaultCpu());
            try (FloatMatrix a = km.train(xs, Metric.L2, ProgressListener.NONE).centroids();
                 FloatMatrix b = km.train(xs, Metric.L2, ProgressListener.NONE).centroids();
                 FloatMatrix c = new KMeans(10, KMeansParams.FAISS_DEFAULTS.withSeed(99), Backends.defaultCpu())
                         .train(xs, Metric.L2, ProgressListener.NONE).centroids()) {
                assertArrayEquals(a.toArray(), b.toArray());
                assertFalse(java.util.Arrays.equals(a.toArray(), c.toArray()));
            }
        }
    }

    @Test
    void objectiveNeverIncreasesAcrossIterations() {
        try (FloatMatrix xs = TestData.blobs(5000, 24, 30, 2)) {
            KMeans.Result r = new KMeans(25, KMeansParams.FAISS_DEFAULTS, Backends.defaultCpu())
                    .train(xs, Metric.L2, ProgressListener.NONE);
            double[] obj = r.objective();
            for (int i = 1; i < obj.length; i++) {
                assertTrue(obj[i] <= obj[i - 1] * (1 + 1e-6), "iteration " + i + ": " + obj[i] + " > " + obj[i - 1]);
            }
            assertTrue(obj[obj.length - 1] < obj[0]);
            r.centroids().close();
        }
    }

    @Test
    void findsWellSeparatedClusters() {
        // Four tight clusters far apart: every centroid must land near one cluster centre.
        float[][] centres = {{10, 0, 0}, {-10, 0, 0}, {0, 10, 0}, {0, 0, -10}};
        try (FloatMatrix xs = FloatMatrix.allocate(400, 3)) {
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
            for (int i = 0; i < 400; i++) {
                float[] c = centres[i % 4];
                for (int j = 0; j < 3; j++) xs.set(i, j, c[j] + (float) rnd.nextGaussian() * 0.1f);
            }
            KMeans.Result r = new KMeans(4, KMeansParams.FAISS_DEFAULTS, Backends.defaultCpu())
                    .train(xs, Metric.L2, ProgressListener.NONE);
            try (FloatMatrix cents = r.centroids(); FloatMatrix truth = FloatMatrix.of(centres)) {
                Neighbors nearest = Backends.scalar().knn(truth, cents, 1, Metric.L2);
                java.util.Set<Long> used = new java.util.HashSet<>();
                for (int i = 0; i < 4; i++) {
                    assertTrue(nearest.distance(i, 0) < 0.1, "centre " + i + " missed: " + nearest.distance(i, 0));
                    used.add(nearest.label(i, 0));
                }
                assertEquals(4, used.size());
            }
        }
    }

    @Test
    void emptyClustersAreRefilledBySplitting() {
        // 50 copies of 2 distinct points, 5 centroids: at least 3 start duplicated and go empty.
        try (FloatMatrix xs = FloatMatrix.allocate(100, 2)) {
            for (int i = 0; i < 100; i++) xs.set(i, 0, i % 2 == 0 ? 1f : -1f);
            KMeans.Result r = new KMeans(5, KMeansParams.FAISS_DEFAULTS.withNiter(5), Backends.defaultCpu())
                    .train(xs, Metric.L2, ProgressListener.NONE);
            try (FloatMatrix c = r.centroids()) {
                for (float v : c.toArray()) assertTrue(Float.isFinite(v));
                // Every point sits next to a centroid; only the splitting nudge (1 +- 1/1024) remains.
                assertTrue(r.objective()[4] < 1e-3, "objective " + r.objective()[4]);
            }
        }
    }

    @Test
    void reportsProgressOncePerIterationAndRejectsTooFewPoints() {
        List<Long> seen = new ArrayList<>();
        try (FloatMatrix xs = TestData.uniform(200, 4, 1)) {
            new KMeans(3, KMeansParams.FAISS_DEFAULTS.withNiter(7), Backends.defaultCpu())
                    .train(xs, Metric.L2, (stage, done, total) -> seen.add(done)).centroids().close();
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), seen);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new KMeans(300, KMeansParams.FAISS_DEFAULTS, Backends.defaultCpu())
                            .train(xs, Metric.L2, ProgressListener.NONE));
            assertTrue(e.getMessage().contains("200 points for 300 centroids"), e.getMessage());
        }
    }

    @Test
    void subsamplesToMaxPointsPerCentroid() {
        // 5000 points, 4 centroids x 10 max points: trains on 40 points, still deterministic.
        try (FloatMatrix xs = TestData.blobs(5000, 8, 4, 4)) {
            KMeansParams p = new KMeansParams(10, 1234, 10, 1, false);
            KMeans km = new KMeans(4, p, Backends.defaultCpu());
            try (FloatMatrix a = km.train(xs, Metric.L2, ProgressListener.NONE).centroids();
                 FloatMatrix b = km.train(xs, Metric.L2, ProgressListener.NONE).centroids()) {
                assertArrayEquals(a.toArray(), b.toArray());
            }
        }
    }
}
