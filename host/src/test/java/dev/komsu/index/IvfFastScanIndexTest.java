package dev.komsu.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.SearchParams;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.quant.KMeansParams;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IvfFastScanIndexTest {
    static final int D = 30;

    /** Gaussian clusters, so IVF lists and PQ codebooks have structure to find. */
    static float[][] mixture(int n, int d, long seed) {
        Random r = new Random(seed);
        float[][] centers = new float[20][d];
        for (float[] c : centers) for (int t = 0; t < d; t++) c[t] = (float) r.nextGaussian() * 4;
        float[][] x = new float[n][d];
        for (float[] row : x) {
            float[] c = centers[r.nextInt(centers.length)];
            for (int t = 0; t < d; t++) row[t] = c[t] + (float) r.nextGaussian();
        }
        return x;
    }

    static float l2(float[] a, float[] b) {
        float s = 0;
        for (int t = 0; t < a.length; t++) s += (a[t] - b[t]) * (a[t] - b[t]);
        return s;
    }

    private static IvfIndex build(boolean byResidual, int m, ComputeBackend backend, float[][] base) {
        IvfIndex index = FastScanIndexes.ivf(D, 8, m, Metric.L2, byResidual, backend);
        index.setKMeansParams(KMeansParams.FAISS_DEFAULTS.withNiter(10));
        index.train(base);
        index.add(base);
        return index;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void distancesAreThePqDistanceWithinTheQuantisationStepAndThePqNearestIsFound(boolean byResidual) {
        float[][] base = mixture(3000, D, 1);
        float[][] queries = mixture(50, D, 2);
        int m = 15; // odd M: one padding sub-quantiser in every block
        try (IvfIndex index = build(byResidual, m, Backends.defaultCpu(), base);
             FloatMatrix decoded = index.reconstructN(0, base.length)) {
            assertEquals(3000, index.ntotal());
            int k = 10;
            // all 8 lists: the only approximation left is the uint8 rounding of the tables
            Neighbors r = index.search(queries, k, SearchParams.builder().nprobe(8).build());
            int pqBestFound = 0;
            for (int q = 0; q < queries.length; q++) {
                int pqBest = 0;
                float[] pqDist = new float[base.length];
                for (int i = 0; i < base.length; i++) {
                    pqDist[i] = l2(queries[q], decoded.row(i));
                    if (pqDist[i] < pqDist[pqBest]) pqBest = i;
                }
                float worst = 0;
                for (int j = 0; j < k; j++) {
                    long id = r.label(q, j);
                    assertTrue(id >= 0 && id < base.length, "label " + id);
                    if (id == pqBest) pqBestFound++;
                    worst = Math.max(worst, pqDist[(int) id]);
                    if (j > 0) assertTrue(r.distance(q, j) >= r.distance(q, j - 1), "sorted");
                }
                for (int j = 0; j < k; j++) {
                    // M entries each rounded by at most half a step of 1/a, a step being a small
                    // fraction of the table spans: a few percent of the distances at most
                    assertEquals(pqDist[(int) r.label(q, j)], r.distance(q, j), 0.05f * worst + 1e-3f,
                            "query " + q + " rank " + j);
                }
            }
            assertTrue(pqBestFound >= 48, "the PQ-nearest vector is in the top 10 for " + pqBestFound + "/50 queries");
        }
    }

    static float ip(float[] a, float[] b) {
        float s = 0;
        for (int t = 0; t < a.length; t++) s += a[t] * b[t];
        return s;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void innerProductDistancesAreThePqInnerProductWithinTheQuantisationStepLargestFirst(boolean byResidual) {
        float[][] base = mixture(3000, D, 1);
        float[][] queries = mixture(50, D, 2);
        int m = 15;
        try (IvfIndex index = FastScanIndexes.ivf(D, 8, m, Metric.INNER_PRODUCT, byResidual, Backends.defaultCpu())) {
            index.train(base);
            index.add(base);
            try (FloatMatrix decoded = index.reconstructN(0, base.length)) {
                int k = 10;
                Neighbors r = index.search(queries, k, SearchParams.builder().nprobe(8).build());
                int pqBestFound = 0;
                for (int q = 0; q < queries.length; q++) {
                    int pqBest = 0;
                    float[] pqIp = new float[base.length];
                    float spread = 0;
                    for (int i = 0; i < base.length; i++) {
                        pqIp[i] = ip(queries[q], decoded.row(i));
                        if (pqIp[i] > pqIp[pqBest]) pqBest = i;
                        spread = Math.max(spread, Math.abs(pqIp[i]));
                    }
                    for (int j = 0; j < k; j++) {
                        long id = r.label(q, j);
                        assertTrue(id >= 0 && id < base.length, "label " + id);
                        if (id == pqBest) pqBestFound++;
                        if (j > 0) assertTrue(r.distance(q, j) <= r.distance(q, j - 1), "largest first");
                        assertEquals(pqIp[(int) id], r.distance(q, j), 0.05f * spread + 1e-3f, "query " + q + " rank " + j);
                    }
                }
                assertTrue(pqBestFound >= 48, "the PQ-best vector is in the top 10 for " + pqBestFound + "/50 queries");
            }
        }
    }

    @Test
    void scalarAndVectorKernelsReturnIdenticalResultsOnTheSameLists() {
        float[][] base = mixture(2000, D, 3);
        float[][] queries = mixture(40, D, 4);
        SearchParams params = SearchParams.builder().nprobe(3).build();
        try (ComputeBackend scalar = Backends.scalar();
             IvfIndex a = build(false, 10, scalar, base);
             IvfIndex viaCpu = new IvfIndex(
                     FlatIndex.of(FloatMatrix.of(toArray(a.quantizer().vectors())), Metric.L2, Backends.defaultCpu()),
                     a.nlist(), FastScanCodec.ivf(FastScanIndexes.codec(a).productQuantizer(), false), a.invertedLists(), a.ntotal())) {
            Neighbors ra = a.search(queries, 20, params);
            Neighbors rb = viaCpu.search(queries, 20, params);
            assertEquals(java.util.Arrays.toString(ra.labels()), java.util.Arrays.toString(rb.labels()));
            assertEquals(java.util.Arrays.toString(ra.distances()), java.util.Arrays.toString(rb.distances()));
        }
    }

    @Test
    void concurrentSearchesEqualASequentialOne() throws Exception {
        float[][] base = mixture(2000, D, 8);
        float[][] queries = mixture(300, D, 9); // more than one batch of 256 queries
        SearchParams params = SearchParams.builder().nprobe(3).build();
        try (IvfIndex index = build(true, 10, Backends.defaultCpu(), base)) {
            Neighbors expected = index.search(queries, 7, params);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                java.util.List<java.util.concurrent.Future<Neighbors>> results = new java.util.ArrayList<>();
                for (int t = 0; t < 4; t++) results.add(pool.submit(() -> index.search(queries, 7, params)));
                for (java.util.concurrent.Future<Neighbors> f : results) {
                    Neighbors r = f.get();
                    assertEquals(java.util.Arrays.toString(expected.labels()), java.util.Arrays.toString(r.labels()));
                    assertEquals(java.util.Arrays.toString(expected.distances()), java.util.Arrays.toString(r.distances()));
                }
            } finally {
                pool.shutdown();
            }
            // and a batch split differently (one query at a time) gives the same rows
            Neighbors one = index.search(new float[][] {queries[299]}, 7, params);
            for (int j = 0; j < 7; j++) assertEquals(expected.label(299, j), one.label(0, j));
        }
    }

    static float[][] toArray(FloatMatrix m) {
        float[][] out = new float[(int) m.rows()][];
        for (int i = 0; i < out.length; i++) out[i] = m.row(i);
        return out;
    }

    @Test
    void addWithIdsKeepsTheCallersIdsAndReconstructDecodes() {
        float[][] base = mixture(1000, D, 5);
        try (IvfIndex index = FastScanIndexes.ivf(D, 4, 6, Metric.L2, false, Backends.defaultCpu())) {
            index.setKMeansParams(KMeansParams.FAISS_DEFAULTS.withNiter(5));
            index.train(base);
            long[] ids = new long[37];
            float[][] part = new float[37][];
            for (int i = 0; i < 37; i++) {
                ids[i] = 5000 + 3L * i;
                part[i] = base[i];
            }
            try (FloatMatrix xs = FloatMatrix.of(part)) {
                index.addWithIds(xs, ids);
            }
            Neighbors r = index.search(new float[][] {base[7]}, 40, SearchParams.builder().nprobe(4).build());
            java.util.Set<Long> found = new java.util.TreeSet<>();
            for (int j = 0; j < 37; j++) found.add(r.label(0, j));
            java.util.Set<Long> expected = new java.util.TreeSet<>();
            for (long id : ids) expected.add(id);
            assertEquals(expected, found);
            assertEquals(-1, r.label(0, 37));
            double err = 0, spread = 0;
            for (int i = 0; i < 37; i++) {
                err += l2(index.reconstruct(ids[i]), base[i]);
                spread += l2(base[i], base[(i + 1) % 37]);
            }
            assertTrue(err < 0.5 * spread, "decoded vectors are near the originals: error " + err + " vs spread " + spread);
        }
    }

    @Test
    void coarseKMeansRunsFaissIvfTenIterationsByDefault() {
        // faiss's IndexIVF (IndexIVFPQFastScan too) trains its quantiser with cp.niter = 10, not Clustering's 25.
        float[][] base = mixture(1000, D, 6);
        try (IvfIndex index = FastScanIndexes.ivf(D, 4, 6, Metric.L2, false, Backends.defaultCpu())) {
            java.util.concurrent.atomic.AtomicLong iterations = new java.util.concurrent.atomic.AtomicLong();
            index.setProgressListener((stage, done, total) -> {
                if (stage.equals("k-means")) {
                    iterations.incrementAndGet();
                    assertEquals(10, total);
                }
            });
            index.train(base);
            assertEquals(10, iterations.get());
        }
    }
}
