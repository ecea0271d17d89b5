package dev.komsu.quant;

/**
 * k-means settings; {@link #FAISS_DEFAULTS} are faiss's ClusteringParameters defaults.
 *
 * @param niter                 Lloyd iterations
 * @param seed                  seeds sampling, initialisation and splitting
 * @param maxPointsPerCentroid  training set is sub-sampled to k times this
 * @param minPointsPerCentroid  below k times this, a warning is logged
 * @param spherical             normalise centroids after each update (inner-product IVF)
 */
public record KMeansParams(int niter, long seed, int maxPointsPerCentroid, int minPointsPerCentroid, boolean spherical) {
    public static final KMeansParams FAISS_DEFAULTS = new KMeansParams(25, 1234, 256, 39, false);

    public KMeansParams {
        if (niter <= 0) throw new IllegalArgumentException("niter must be > 0, got " + niter);
        if (maxPointsPerCentroid <= 0) {
            throw new IllegalArgumentException("maxPointsPerCentroid must be > 0, got " + maxPointsPerCentroid);
        }
    }

    public KMeansParams withNiter(int n) {
        return new KMeansParams(n, seed, maxPointsPerCentroid, minPointsPerCentroid, spherical);
    }

    public KMeansParams withSeed(long s) {
        return new KMeansParams(niter, s, maxPointsPerCentroid, minPointsPerCentroid, spherical);
    }

    public KMeansParams withSpherical(boolean s) {
        return new KMeansParams(niter, seed, maxPointsPerCentroid, minPointsPerCentroid, s);
    }
}
