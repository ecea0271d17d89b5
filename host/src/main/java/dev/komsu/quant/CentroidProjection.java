package dev.komsu.quant;

import dev.komsu.kernels.BaseNorms;
import dev.komsu.kernels.BaseProjection;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.KernelChecks;
import dev.komsu.kernels.Metric;

/**
 * The centroids' norms and {@link BaseProjection} for one k-means training's L2 assignments,
 * so the backend can prune them exactly. The basis is fitted once, on the first centroids (a
 * sample of the training points), and each later iteration only projects its centroids onto
 * it, and the training points are projected onto it once ({@link #points}): a fit or a
 * projection of the points per iteration would cost about what pruning saves. Where
 * the first fit finds no projection worth having, none is tried again. Not thread-safe: one
 * per training.
 */
final class CentroidProjection {
    private boolean fitted;
    private BaseProjection basis;
    private BaseProjection.Queries points;

    /**
     * The training points projected onto the basis, once per training (null before the first
     * {@link #normsOf} or without a basis).
     */
    BaseProjection.Queries points(FloatMatrix train, ComputeBackend backend) {
        if (basis != null && points == null) points = backend.project(basis, train);
        return points;
    }

    /** Norms (with a projection where one pays) of this iteration's {@code centroids}. */
    BaseNorms normsOf(FloatMatrix centroids) {
        BaseNorms norms = BaseNorms.of(centroids, Metric.L2);
        if (!fitted) {
            fitted = true;
            norms = norms.withProjection(centroids);
            basis = norms.projection();
            return norms;
        }
        return norms.withProjection(centroids, basis);
    }

    /** Whether {@link #normsOf} applies: L2 and centroids few enough for norms. */
    static boolean applies(FloatMatrix centroids, Metric metric) {
        return metric == Metric.L2 && KernelChecks.normsFit(centroids);
    }
}
