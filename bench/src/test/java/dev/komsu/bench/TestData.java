package dev.komsu.bench;

import dev.komsu.kernels.FloatMatrix;
import java.util.SplittableRandom;

/** Small deterministic inputs for the bench tests. */
public final class TestData {
    private TestData() {
    }

    /** {@code rows x cols} values uniform in [0, 1), from {@code seed}. */
    public static FloatMatrix uniform(int rows, int cols, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) v[i] = (float) rng.nextDouble();
        return FloatMatrix.of(v, rows, cols);
    }
}
