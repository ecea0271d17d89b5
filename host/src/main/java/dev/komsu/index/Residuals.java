package dev.komsu.index;

import dev.komsu.kernels.FloatMatrix;

/** Residuals from list centroids, as the by-residual IVF codecs (PQ, SQ8) encode and train on. */
final class Residuals {
    private Residuals() {
    }

    /** {@code row -= centroids[list]}. */
    static void subtract(float[] row, FloatMatrix centroids, int list) {
        for (int j = 0; j < row.length; j++) row[j] -= centroids.get(list, j);
    }

    /** {@code row += centroids[list]}. */
    static void add(float[] row, FloatMatrix centroids, int list) {
        for (int j = 0; j < row.length; j++) row[j] += centroids.get(list, j);
    }

    /** A new matrix (the caller closes it) of {@code xs[i] - centroids[assign[i]]}. */
    static FloatMatrix of(FloatMatrix xs, int[] assign, FloatMatrix centroids) {
        FloatMatrix residuals = FloatMatrix.allocate(xs.rows(), xs.cols());
        float[] row = new float[xs.cols()];
        for (int i = 0; i < assign.length; i++) {
            xs.copyRow(i, row, 0);
            subtract(row, centroids, assign[i]);
            residuals.setRow(i, row, 0);
        }
        return residuals;
    }
}
