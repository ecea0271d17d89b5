package dev.komsu.quant;

import dev.komsu.ProgressListener;
import dev.komsu.kernels.BaseNorms;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Lloyd's k-means with faiss's defaults (faiss/Clustering.cpp): 25 iterations, seed 1234,
 * initial centroids sampled from the data, at most 256 training points per centroid
 * (sub-sampled), a warning below 39, empty clusters refilled by splitting large ones.
 * Assignment (the O(n k d) part) runs on the backend's knn kernel with k = 1, or, for small
 * problems ({@link #assignsOnCallerThread}), on the caller's thread with the PQ lookup-table
 * kernel; the centroid update is a plain pass here. Deterministic for a given seed and backend.
 */
public final class KMeans {
    private static final System.Logger LOG = System.getLogger(KMeans.class.getName());
    /** faiss perturbs a split centroid pair by this relative amount (Clustering.cpp EPS). */
    private static final float SPLIT_EPS = 1f / 1024f;
    /**
     * Centroid floats up to which assignment runs on the caller's thread (16 KiB: the
     * centroids stay in L1). PQ sub-quantisers (16 centroids of 2 floats for PQ384x4fs on 768-d)
     * are this small: there knn's per-call costs (query packing, tasks, one top-k object per
     * point) were most of the training time, and the caller can run sub-quantisers in parallel.
     */
    private static final int CALLER_THREAD_MAX_FLOATS = 4096;

    private final int k;
    private final KMeansParams params;
    private final ComputeBackend backend;

    public KMeans(int k, KMeansParams params, ComputeBackend backend) {
        if (k <= 0) throw new IllegalArgumentException("number of centroids must be > 0, got " + k);
        this.k = k;
        this.params = Objects.requireNonNull(params, "params");
        this.backend = Objects.requireNonNull(backend, "backend");
    }

    /** Centroids and the objective after each iteration (sum of distances to the assigned centroid). */
    public record Result(FloatMatrix centroids, double[] objective) {
    }

    /**
     * Trains on {@code xs}. Distances follow {@code metric}: L2 minimises the sum of squared
     * distances; inner product maximises the sum of similarities (with spherical centroids
     * when {@link KMeansParams#spherical()}, as faiss's IVF does for inner product).
     */
    public Result train(FloatMatrix xs, Metric metric, ProgressListener progress) {
        long n = xs.rows();
        int d = xs.cols();
        if (n < k) {
            throw new IllegalArgumentException("k-means needs at least as many training points as centroids: got "
                    + n + " points for " + k + " centroids");
        }
        SplittableRandom rng = new SplittableRandom(params.seed());
        long maxPoints = (long) k * params.maxPointsPerCentroid();
        FloatMatrix train = n > maxPoints ? sample(xs, (int) maxPoints, rng) : xs;
        long nt = train.rows();
        if (nt < (long) k * params.minPointsPerCentroid()) {
            LOG.log(System.Logger.Level.WARNING, "k-means: " + nt + " training points for " + k
                    + " centroids; faiss recommends at least " + params.minPointsPerCentroid() + " per centroid ("
                    + (long) k * params.minPointsPerCentroid() + ")");
        }
        try {
            FloatMatrix centroids = initialCentroids(train, rng);
            double[] objective = new double[params.niter()];
            int[] assign = new int[Math.toIntExact(nt)];
            long[] counts = new long[k];
            // The table kernel knows L2 and inner product; L1 and L-infinity assign through knn,
            // with the index's metric, as faiss's k-means searches its (L1) quantiser.
            Assignment assignment = assignsOnCallerThread(k, d) && !metric.isElementwise()
                    ? new TableAssignment(train, k, metric, backend.pq())::assign
                    : knnAssignment(train, metric);
            for (int it = 0; it < params.niter(); it++) {
                objective[it] = assignment.assign(centroids, assign);
                updateCentroids(train, assign, centroids, counts);
                splitEmptyClusters(centroids, counts, nt, rng);
                if (params.spherical()) normalizeRows(centroids);
                progress.onProgress("k-means", it + 1, params.niter());
            }
            return new Result(centroids, objective);
        } finally {
            if (train != xs) train.close();
        }
    }

    /**
     * Whether {@link #train} for k centroids of dimension d runs entirely on the caller's thread
     * (so callers may train several such k-means side by side on their own threads).
     */
    public static boolean assignsOnCallerThread(int k, int d) {
        return (long) k * d <= CALLER_THREAD_MAX_FLOATS;
    }

    /** One assignment step: the nearest centroid of every training point into {@code out}; returns the objective. */
    @FunctionalInterface
    private interface Assignment {
        double assign(FloatMatrix centroids, int[] out);
    }

    /**
     * Assignment through the backend's knn; for L2 with the centroids' norms and projection
     * ({@link CentroidProjection}), which lets the CPU backend prune: the same exact nearest
     * centroid, bit for bit, so the same assignments and objective.
     */
    private Assignment knnAssignment(FloatMatrix train, Metric metric) {
        CentroidProjection projection = new CentroidProjection();
        return (c, out) -> {
            if (!CentroidProjection.applies(c, metric)) return knnAssign(backend.knn(train, c, 1, metric), out);
            BaseNorms norms = projection.normsOf(c);
            return knnAssign(backend.knn(train, projection.points(train, backend), c, norms, 1, metric), out);
        };
    }

    private static double knnAssign(Neighbors nearest, int[] out) {
        double obj = 0;
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) nearest.label(i, 0);
            obj += nearest.distance(i, 0);
        }
        return obj;
    }

    /** {@code m} distinct rows of {@code xs} chosen uniformly (partial Fisher-Yates). */
    private static FloatMatrix sample(FloatMatrix xs, int m, SplittableRandom rng) {
        int[] perm = partialPermutation(Math.toIntExact(xs.rows()), m, rng);
        FloatMatrix out = FloatMatrix.allocate(m, xs.cols());
        for (int i = 0; i < m; i++) {
            java.lang.foreign.MemorySegment.copy(xs.segment(), xs.rowOffset(perm[i]), out.segment(), out.rowOffset(i),
                    (long) xs.cols() * Float.BYTES);
        }
        return out;
    }

    private static int[] partialPermutation(int n, int m, SplittableRandom rng) {
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        for (int i = 0; i < m; i++) {
            int j = i + rng.nextInt(n - i);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        return java.util.Arrays.copyOf(perm, m);
    }

    private FloatMatrix initialCentroids(FloatMatrix train, SplittableRandom rng) {
        int[] pick = partialPermutation(Math.toIntExact(train.rows()), k, rng);
        FloatMatrix c = FloatMatrix.allocate(k, train.cols());
        for (int i = 0; i < k; i++) {
            java.lang.foreign.MemorySegment.copy(train.segment(), train.rowOffset(pick[i]), c.segment(), c.rowOffset(i),
                    (long) train.cols() * Float.BYTES);
        }
        return c;
    }

    private void updateCentroids(FloatMatrix train, int[] assign, FloatMatrix centroids, long[] counts) {
        int d = train.cols();
        double[] sums = new double[k * d];
        java.util.Arrays.fill(counts, 0);
        float[] row = new float[d];
        for (int i = 0; i < assign.length; i++) {
            train.copyRow(i, row, 0);
            int c = assign[i];
            counts[c]++;
            int base = c * d;
            for (int j = 0; j < d; j++) sums[base + j] += row[j];
        }
        for (int c = 0; c < k; c++) {
            if (counts[c] == 0) continue;
            double inv = 1.0 / counts[c];
            for (int j = 0; j < d; j++) row[j] = (float) (sums[c * d + j] * inv);
            centroids.setRow(c, row, 0);
        }
    }

    /**
     * faiss's remedy for empty clusters: copy a centroid chosen with probability proportional
     * to its cluster's size, nudge the two copies apart, and give each half the points.
     */
    private void splitEmptyClusters(FloatMatrix centroids, long[] counts, long n, SplittableRandom rng) {
        int d = centroids.cols();
        for (int ci = 0; ci < k; ci++) {
            if (counts[ci] != 0) continue;
            int cj = 0;
            while (true) {
                double p = (counts[cj] - 1.0) / (double) (n - k);
                if (rng.nextDouble() < p) break;
                cj = (cj + 1) % k;
            }
            for (int j = 0; j < d; j++) {
                float v = centroids.get(cj, j);
                boolean even = j % 2 == 0;
                centroids.set(ci, j, v * (even ? 1 + SPLIT_EPS : 1 - SPLIT_EPS));
                centroids.set(cj, j, v * (even ? 1 - SPLIT_EPS : 1 + SPLIT_EPS));
            }
            counts[ci] = counts[cj] / 2;
            counts[cj] -= counts[ci];
        }
    }

    static void normalizeRows(FloatMatrix m) {
        float[] row = new float[m.cols()];
        for (long r = 0; r < m.rows(); r++) {
            m.copyRow(r, row, 0);
            double s = 0;
            for (float v : row) s += (double) v * v;
            if (s == 0) continue;
            float inv = (float) (1.0 / Math.sqrt(s));
            for (int j = 0; j < row.length; j++) row[j] *= inv;
            m.setRow(r, row, 0);
        }
    }
}
