package dev.komsu.quant;

import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.PqKernels;

/**
 * k-means assignment for small centroid sets, on the caller's thread: the distances of a block
 * of points to all centroids come from the lookup-table kernel (the centroids as one codebook),
 * then the kernels' argmin picks each point's best with ties to the lower centroid number (as
 * knn: ties to the smaller id). Blocks of points: with one call per point, the calls rather
 * than the tables bound the k-means of PQ sub-quantisers (16 centroids of 2 components).
 * Holds the points as one heap array and scratch space: one instance per k-means run.
 */
final class TableAssignment {
    /** Table entries per block at most (64 KiB of floats: stays in L2 with the points). */
    private static final int BLOCK_ENTRIES = 1 << 14;

    private final float[] points;
    private final int n;
    private final int k;
    private final int d;
    private final Metric metric;
    private final PqKernels kernels;
    private final float[] centroidsT;
    private final int blockPoints;
    private final float[] tables;
    private final int[] best;

    TableAssignment(FloatMatrix train, int k, Metric metric, PqKernels kernels) {
        this.points = train.toArray();
        this.n = Math.toIntExact(train.rows());
        this.k = k;
        this.d = train.cols();
        this.metric = metric;
        this.kernels = kernels;
        this.centroidsT = new float[k * d];
        this.blockPoints = Math.max(1, Math.min(n, BLOCK_ENTRIES / k));
        this.tables = new float[blockPoints * k];
        this.best = new int[blockPoints];
    }

    /** Writes each point's nearest centroid to {@code out}; returns the sum of the distances. */
    double assign(FloatMatrix centroids, int[] out) {
        // The kernel takes codebooks transposed: component t of centroid j at t * k + j.
        for (int j = 0; j < k; j++) {
            for (int t = 0; t < d; t++) centroidsT[t * k + j] = centroids.get(j, t);
        }
        boolean l2 = metric == Metric.L2;
        double obj = 0;
        for (int from = 0; from < n; from += blockPoints) {
            int count = Math.min(blockPoints, n - from);
            kernels.lookupTables(points, from, count, centroidsT, k, d, metric, tables);
            // Inner product: the first largest is the first smallest of the negated values
            // (negation is exact, and v > best is -v < -best).
            if (!l2) for (int j = 0; j < count * k; j++) tables[j] = -tables[j];
            kernels.argmin(tables, count, k, best);
            for (int i = 0; i < count; i++) {
                float v = tables[i * k + best[i]];
                out[from + i] = best[i];
                obj += l2 ? v : -v;
            }
        }
        return obj;
    }
}
