package dev.komsu.io;

import dev.komsu.kernels.FloatMatrix;
import java.util.Random;

/** Test data for the faiss round trips: Gaussian rows around {@code clusters} diagonal centres, row i in cluster i mod clusters. */
final class LooseClusters {
    private LooseClusters() {
    }

    static FloatMatrix of(Random rnd, int rows, int d, int clusters) {
        float[] x = new float[rows * d];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian() + (i / d % clusters);
        return FloatMatrix.of(x, rows, d);
    }
}
