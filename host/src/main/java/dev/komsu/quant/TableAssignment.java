package dev.komsu.quant;

import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.PqKernels;

/**
 * k-means assignment for small centroid sets, on the caller's thread: each point's distances to
 * all centroids come from the PQ lookup-table kernel (one sub-quantiser, the centroids as its
 * codebook), then the kernels' argmin picks the best with ties to the lower centroid number (as
 * knn: ties to the smaller id).
 * Holds the points as one heap array and scratch space: one instance per k-means run.
 */
final class TableAssignment {
    private final float[] points;
    private final int n;
    private final int k;
    private final int d;
    private final Metric metric;
    private final boolean l2;
    private final PqKernels kernels;
    private final float[] centroidsT;
    private final float[] point;
    private final float[] table;
    private final int[] best = new int[1];

    TableAssignment(FloatMatrix train, int k, Metric metric, PqKernels kernels) {
        this.points = train.toArray();
        this.n = Math.toIntExact(train.rows());
        this.k = k;
        this.d = train.cols();
        this.metric = metric;
        this.l2 = metric == Metric.L2;
        this.kernels = kernels;
        this.centroidsT = new float[k * d];
        this.point = new float[d];
        this.table = new float[k];
    }

    /** Writes each point's nearest centroid to {@code out}; returns the sum of the distances. */
    double assign(FloatMatrix centroids, int[] out) {
        // The kernel takes codebooks transposed: component t of centroid j at t * k + j.
        for (int j = 0; j < k; j++) {
            for (int t = 0; t < d; t++) centroidsT[t * k + j] = centroids.get(j, t);
        }
        double obj = 0;
        for (int i = 0; i < n; i++) {
            System.arraycopy(points, i * d, point, 0, d);
            kernels.lookupTable(point, centroidsT, 1, k, d, metric, table);
            // Inner product: the first largest is the first smallest of the negated values
            // (negation is exact, and v > best is -v < -best).
            if (!l2) for (int j = 0; j < k; j++) table[j] = -table[j];
            kernels.argmin(table, 1, k, best);
            out[i] = best[0];
            obj += l2 ? table[best[0]] : -table[best[0]];
        }
        return obj;
    }
}
