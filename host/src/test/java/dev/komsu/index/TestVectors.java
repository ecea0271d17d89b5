package dev.komsu.index;

import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Neighbors;
import java.util.SplittableRandom;

/** Deterministic synthetic data for index tests: a Gaussian mixture, and recall against exact results. */
public final class TestVectors {
    private TestVectors() {
    }

    /** {@code n} points around 20 random centres in [0,10)^d with unit Gaussian noise. */
    public static FloatMatrix clustered(int n, int d, long seed) {
        SplittableRandom centresRng = new SplittableRandom(77);
        float[][] centres = new float[20][d];
        for (float[] c : centres) for (int j = 0; j < d; j++) c[j] = (float) (centresRng.nextDouble() * 10);
        SplittableRandom r = new SplittableRandom(seed);
        FloatMatrix x = FloatMatrix.allocate(n, d);
        for (int i = 0; i < n; i++) {
            float[] c = centres[r.nextInt(centres.length)];
            for (int j = 0; j < d; j++) x.set(i, j, c[j] + (float) r.nextGaussian());
        }
        return x;
    }

    /** Fraction of the exact top-k ids found in the approximate top-k, over all queries. */
    public static double recall(Neighbors exact, Neighbors approx) {
        int k = exact.k();
        long hits = 0;
        for (int q = 0; q < exact.nq(); q++) {
            for (int a = 0; a < k; a++) {
                for (int b = 0; b < approx.k(); b++) {
                    if (exact.label(q, a) == approx.label(q, b)) {
                        hits++;
                        break;
                    }
                }
            }
        }
        return hits / (double) (exact.nq() * (long) k);
    }
}
