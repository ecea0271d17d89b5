package dev.komsu.rvc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.Index;
import dev.komsu.IndexFactory;
import dev.komsu.SearchParams;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FeatureRetrievalTest {
    private static final float TOL = 1e-5f;

    static void assertRowsClose(float[][] expected, FloatMatrix actual) {
        assertEquals(expected.length, actual.rows());
        for (int r = 0; r < expected.length; r++) {
            float[] got = actual.row(r);
            for (int c = 0; c < got.length; c++) {
                float e = expected[r][c];
                assertEquals(e, got[c], TOL * Math.max(1, Math.abs(e)), "row " + r + " column " + c);
            }
        }
    }

    @Test
    void flatBlendMatchesTheBruteForceReference() {
        float[][] stored = RvcReference.random(300, 16, 1);
        float[][] features = RvcReference.random(40, 16, 2);
        try (Index index = IndexFactory.create(16, "Flat", Metric.L2, Backends.scalar())) {
            index.add(stored);
            try (FloatMatrix f = FloatMatrix.of(features);
                 FloatMatrix out = FeatureRetrieval.blend(index, f, 8, 0.75f)) {
                assertRowsClose(RvcReference.blend(stored, features, 8, 0.75), out);
            }
        }
    }

    @Test
    void ivfBlendUsesTheStoredVectorsOfWhatTheSearchFound() {
        float[][] stored = RvcReference.random(2000, 12, 3);
        float[][] features = RvcReference.random(60, 12, 4);
        try (Index index = IndexFactory.create(12, "IVF16,Flat", Metric.L2, Backends.scalar());
             FloatMatrix f = FloatMatrix.of(features)) {
            index.train(stored);
            index.add(stored);
            SearchParams params = SearchParams.builder().nprobe(3).build();
            Neighbors found = index.search(f, 5, params);
            try (FloatMatrix out = FeatureRetrieval.blend(index, f, 5, 0.4f, params)) {
                for (int t = 0; t < features.length; t++) {
                    double[] w = new double[5];
                    double sum = 0;
                    for (int j = 0; j < 5; j++) {
                        double d = found.distance(t, j);
                        w[j] = 1 / (d * d);
                        sum += w[j];
                    }
                    float[] got = out.row(t);
                    for (int c = 0; c < 12; c++) {
                        double mean = 0;
                        for (int j = 0; j < 5; j++) mean += w[j] / sum * stored[(int) found.label(t, j)][c];
                        double e = 0.4 * mean + 0.6 * features[t][c];
                        assertEquals(e, got[c], TOL * Math.max(1, Math.abs(e)), "row " + t + " column " + c);
                    }
                }
            }
        }
    }

    @Test
    void anExactMatchReturnsTheStoredVectorAtIndexRateOne() {
        float[][] stored = RvcReference.random(100, 8, 5);
        try (Index index = IndexFactory.create(8, "IVF4,Flat", Metric.L2, Backends.scalar())) {
            index.train(stored);
            index.add(stored);
            float[][] features = {stored[17], stored[63]};
            try (FloatMatrix f = FloatMatrix.of(features);
                 FloatMatrix out = FeatureRetrieval.blend(index, f, 8, 1f)) {
                assertArrayEquals(stored[17], out.row(0), 0f);
                assertArrayEquals(stored[63], out.row(1), 0f);
            }
        }
    }

    @Test
    void rowsWithFewerThanKNeighboursUseTheOnesFound() {
        float[][] stored = RvcReference.random(3, 6, 6);
        float[][] features = RvcReference.random(5, 6, 7);
        try (Index index = IndexFactory.create(6, "Flat", Metric.L2, Backends.scalar());
             FloatMatrix f = FloatMatrix.of(features)) {
            index.add(stored);
            try (FloatMatrix out = FeatureRetrieval.blend(index, f, 8, 0.5f)) {
                assertRowsClose(RvcReference.blend(stored, features, 8, 0.5), out);
            }
        }
    }

    @Test
    void aRowWithNoNeighbourKeepsItsFeatures() {
        // Two far-apart clusters train two lists; only the first cluster is added, so a query
        // from the second cluster probes (nprobe 1) an empty list and finds nothing (-1 labels).
        float[][] clusterA = RvcReference.random(200, 4, 8);
        float[][] clusterB = RvcReference.random(200, 4, 9);
        for (float[] row : clusterB) for (int c = 0; c < 4; c++) row[c] += 100f;
        float[][] both = new float[400][];
        System.arraycopy(clusterA, 0, both, 0, 200);
        System.arraycopy(clusterB, 0, both, 200, 200);
        try (Index index = IndexFactory.create(4, "IVF2,Flat", Metric.L2, Backends.scalar())) {
            index.train(both);
            index.add(clusterA);
            float[][] features = {clusterB[0], RvcReference.random(1, 4, 99)[0]};
            try (FloatMatrix f = FloatMatrix.of(features);
                 FloatMatrix out = FeatureRetrieval.blend(index, f, 8, 0.75f)) {
                assertEquals(-1, index.search(features, 8, SearchParams.DEFAULTS).label(0, 0), "test setup: no neighbour");
                assertArrayEquals(clusterB[0], out.row(0), 0f);
                assertTrue(!Arrays.equals(features[1], out.row(1)), "a row with neighbours is blended");
            }
        }
    }

    @Test
    void idMapIndexesBlendByTheirOwnIds() {
        float[][] stored = RvcReference.random(50, 5, 10);
        float[][] features = RvcReference.random(7, 5, 11);
        long[] ids = new long[50];
        for (int i = 0; i < ids.length; i++) ids[i] = 1_000_000L + 7L * (49 - i);
        try (Index index = IndexFactory.create(5, "IDMap2,Flat", Metric.L2, Backends.scalar());
             FloatMatrix s = FloatMatrix.of(stored);
             FloatMatrix f = FloatMatrix.of(features)) {
            index.addWithIds(s, ids);
            try (FloatMatrix out = FeatureRetrieval.blend(index, f, 4, 0.75f)) {
                assertRowsClose(RvcReference.blend(stored, features, 4, 0.75), out);
            }
        }
    }

    @Test
    void idMapOverIvfBlendsByUserIds() {
        float[][] stored = RvcReference.random(600, 6, 17);
        float[][] features = RvcReference.random(20, 6, 18);
        long[] ids = new long[600];
        for (int i = 0; i < ids.length; i++) ids[i] = 5_000_000_000L - 3L * i; // descending, beyond int
        try (Index index = IndexFactory.create(6, "IDMap,IVF4,Flat", Metric.L2, Backends.scalar());
             FloatMatrix s = FloatMatrix.of(stored);
             FloatMatrix f = FloatMatrix.of(features)) {
            index.train(s);
            index.addWithIds(s, ids);
            // nprobe = nlist: the search is exact, so the brute-force reference applies.
            try (FloatMatrix out = FeatureRetrieval.blend(index, f, 8, 0.75f, SearchParams.builder().nprobe(4).build())) {
                assertRowsClose(RvcReference.blend(stored, features, 8, 0.75), out);
            }
        }
    }

    @Test
    void concurrentBlendsOnAFreshIvfIndexGiveTheSequentialResult() throws Exception {
        float[][] stored = RvcReference.random(3000, 16, 31);
        int threads = 8;
        float[][][] chunks = new float[threads][][];
        for (int t = 0; t < threads; t++) chunks[t] = RvcReference.random(50, 16, 40 + t);
        float[][][] sequential = new float[threads][][];
        try (Index reference = IndexFactory.create(16, "IVF8,Flat", Metric.L2, Backends.scalar());
             Index fresh = IndexFactory.create(16, "IVF8,Flat", Metric.L2, Backends.scalar());
             FloatMatrix s = FloatMatrix.of(stored)) {
            for (Index index : new Index[] {reference, fresh}) {
                index.train(s);
                index.add(s);
            }
            for (int t = 0; t < threads; t++) sequential[t] = blendRows(reference, chunks[t]);
            // Every thread's first blend races to build the fresh index's direct map.
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
            try {
                java.util.List<java.util.concurrent.Future<float[][]>> results = new java.util.ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    float[][] chunk = chunks[t];
                    results.add(pool.submit(() -> {
                        start.await();
                        float[][] last = null;
                        for (int rep = 0; rep < 5; rep++) last = blendRows(fresh, chunk);
                        return last;
                    }));
                }
                for (int t = 0; t < threads; t++) {
                    assertArrayEquals(sequential[t], results.get(t).get(), "chunk " + t);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static float[][] blendRows(Index index, float[][] features) {
        try (FloatMatrix f = FloatMatrix.of(features); FloatMatrix out = FeatureRetrieval.blend(index, f, 8, 0.75f)) {
            float[][] rows = new float[features.length][];
            for (int r = 0; r < rows.length; r++) rows[r] = out.row(r);
            return rows;
        }
    }

    @Test
    void indexRateZeroReturnsTheFeaturesUnchanged() {
        float[][] stored = RvcReference.random(30, 4, 12);
        float[][] features = RvcReference.random(3, 4, 13);
        try (Index index = IndexFactory.create(4, "Flat", Metric.L2, Backends.scalar());
             FloatMatrix f = FloatMatrix.of(features)) {
            index.add(stored);
            try (FloatMatrix out = FeatureRetrieval.blend(index, f, 8, 0f)) {
                for (int t = 0; t < 3; t++) assertArrayEquals(features[t], out.row(t), 0f);
            }
        }
    }

    @Test
    void rejectsBadArgumentsNamingThem() {
        try (Index index = IndexFactory.create(4, "Flat", Metric.L2, Backends.scalar());
             Index ip = IndexFactory.create(4, "Flat", Metric.INNER_PRODUCT, Backends.scalar());
             FloatMatrix f = FloatMatrix.of(RvcReference.random(2, 4, 14));
             FloatMatrix wide = FloatMatrix.of(RvcReference.random(2, 5, 15));
             FloatMatrix nan = FloatMatrix.of(new float[][] {{1, 2, Float.NaN, 4}})) {
            index.add(RvcReference.random(10, 4, 16));
            ip.add(RvcReference.random(10, 4, 16));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> FeatureRetrieval.blend(index, f, 0, 0.5f))
                    .getMessage().contains("k must be > 0"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> FeatureRetrieval.blend(index, f, 8, 1.5f))
                    .getMessage().contains("index rate"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> FeatureRetrieval.blend(index, f, 8, Float.NaN))
                    .getMessage().contains("index rate"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> FeatureRetrieval.blend(index, wide, 8, 0.5f))
                    .getMessage().contains("dimension 5"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> FeatureRetrieval.blend(index, nan, 8, 0.5f))
                    .getMessage().contains("NaN"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> FeatureRetrieval.blend(ip, f, 8, 0.5f))
                    .getMessage().contains("L2"));
        }
    }
}
