package dev.komsu.quant;

import dev.komsu.kernels.BaseNorms;
import dev.komsu.kernels.BaseProjection;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.KernelChecks;
import dev.komsu.kernels.Metric;

/**
 * The centroids' norms and {@link BaseProjection} for one k-means training's L2 assignments,
 * so the backend can prune them exactly. The basis is fitted once, on the first centroids (a
 * sample of the training points), and each later iteration only projects its centroids onto
 * it: a fit per iteration (~0.8 s for 1024 x 784) would cost about what pruning saves. Where
 * the first fit finds no projection worth having, none is tried again. Not thread-safe: one
 * per training.
 */
final class CentroidProjection {
    private boolean fitted;
    private BaseProjection basis;

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
