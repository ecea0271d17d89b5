package dev.komsu;

import dev.komsu.kernels.FloatMatrix;
import java.util.SplittableRandom;

/** Small deterministic data sets for tests. */
public final class TestData {
    private TestData() {
    }

    /** Uniform values in [-1, 1). */
    public static FloatMatrix uniform(long rows, int cols, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        FloatMatrix m = FloatMatrix.allocate(rows, cols);
        for (long i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) m.set(i, j, (float) (r.nextDouble() * 2 - 1));
        }
        return m;
    }

    /** Gaussian blobs around {@code clusters} random centres: data with structure for IVF. */
    public static FloatMatrix blobs(long rows, int cols, int clusters, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] centres = new float[clusters][cols];
        for (float[] c : centres) {
            for (int j = 0; j < cols; j++) c[j] = (float) (r.nextGaussian() * 3);
        }
        FloatMatrix m = FloatMatrix.allocate(rows, cols);
        for (long i = 0; i < rows; i++) {
            float[] c = centres[r.nextInt(clusters)];
            for (int j = 0; j < cols; j++) m.set(i, j, c[j] + (float) r.nextGaussian());
        }
        return m;
    }
}
