package dev.komsu.demo;

import dev.komsu.kernels.FloatMatrix;
import java.util.SplittableRandom;

/**
 * A deterministic synthetic data set shaped like RVC's HuBERT features: a mixture of Gaussian
 * clusters of unequal size (log-normal weights) and unequal, anisotropic spread (per-cluster
 * per-axis scales plus a few strong correlated directions). The same seeds give the same
 * vectors on every machine; demos, tests and benchmarks share this one generator.
 */
public final class GaussianMixture {
    /** Strong correlated directions per cluster: what makes clusters elongated rather than round. */
    private static final int LOW_RANK = 4;

    private final int dim;
    private final int clusters;
    private final float[][] centers;
    private final float[][] axisScales;
    private final float[][][] directions; // [cluster][LOW_RANK][dim], scaled
    private final double[] cumulativeWeights;

    /**
     * @param dim      vector dimension
     * @param clusters number of mixture components
     * @param seed     fixes centres, shapes and weights
     */
    public GaussianMixture(int dim, int clusters, long seed) {
        if (dim <= 0) throw new IllegalArgumentException("dim must be > 0, got " + dim);
        if (clusters <= 0) throw new IllegalArgumentException("clusters must be > 0, got " + clusters);
        this.dim = dim;
        this.clusters = clusters;
        SplittableRandom random = new SplittableRandom(seed);
        centers = new float[clusters][dim];
        axisScales = new float[clusters][dim];
        directions = new float[clusters][LOW_RANK][dim];
        double[] weights = new double[clusters];
        double total = 0;
        for (int c = 0; c < clusters; c++) {
            double spread = 0.25 * Math.exp(0.4 * random.nextGaussian()); // clusters differ in size
            for (int d = 0; d < dim; d++) {
                centers[c][d] = (float) random.nextGaussian();
                axisScales[c][d] = (float) (spread * Math.exp(0.5 * random.nextGaussian()));
            }
            for (int r = 0; r < LOW_RANK; r++) {
                double strength = 3 * spread / Math.sqrt(dim) * (LOW_RANK - r);
                for (int d = 0; d < dim; d++) directions[c][r][d] = (float) (strength * random.nextGaussian());
            }
            weights[c] = Math.exp(random.nextGaussian());
            total += weights[c];
        }
        cumulativeWeights = new double[clusters];
        double running = 0;
        for (int c = 0; c < clusters; c++) {
            running += weights[c] / total;
            cumulativeWeights[c] = running;
        }
        cumulativeWeights[clusters - 1] = 1.0;
    }

    /** The default RVC-shaped mixture of the demo: 256-d (RVC v1 features), 100 clusters, seed 42. */
    public static GaussianMixture rvcShaped(int dim) {
        return new GaussianMixture(dim, 100, 42);
    }

    public int dim() {
        return dim;
    }

    public int clusters() {
        return clusters;
    }

    /** The share of vectors drawn from {@code cluster}. */
    public double weight(int cluster) {
        return cumulativeWeights[cluster] - (cluster == 0 ? 0 : cumulativeWeights[cluster - 1]);
    }

    /** {@code rows} vectors drawn with {@code seed}; a new matrix the caller closes. */
    public FloatMatrix sample(long rows, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        FloatMatrix out = FloatMatrix.allocate(rows, dim);
        float[] row = new float[dim];
        double[] latent = new double[LOW_RANK];
        for (long i = 0; i < rows; i++) {
            int c = pickCluster(random.nextDouble());
            for (int r = 0; r < LOW_RANK; r++) latent[r] = random.nextGaussian();
            for (int d = 0; d < dim; d++) {
                double v = centers[c][d] + axisScales[c][d] * random.nextGaussian();
                for (int r = 0; r < LOW_RANK; r++) v += directions[c][r][d] * latent[r];
                row[d] = (float) v;
            }
            out.setRow(i, row, 0);
        }
        return out;
    }

    private int pickCluster(double u) {
        int lo = 0;
        int hi = clusters - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulativeWeights[mid] < u) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
