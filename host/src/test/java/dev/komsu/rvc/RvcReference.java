package dev.komsu.rvc;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;

/** Test data and an independent reference of RVC's blend, shared by the rvc and cli tests. */
public final class RvcReference {
    private RvcReference() {
    }

    /** Gaussian rows, deterministic per seed. */
    public static float[][] random(int rows, int cols, long seed) {
        Random r = new Random(seed);
        float[][] out = new float[rows][cols];
        for (float[] row : out) for (int c = 0; c < cols; c++) row[c] = (float) r.nextGaussian();
        return out;
    }

    /** RVC's formula in double, with neighbours found by brute force: independent of komsu's search and blend. */
    public static float[][] blend(float[][] stored, float[][] features, int k, double rate) {
        float[][] out = new float[features.length][];
        for (int t = 0; t < features.length; t++) {
            float[] f = features[t];
            double[] d = new double[stored.length];
            for (int i = 0; i < stored.length; i++) {
                double s = 0;
                for (int c = 0; c < f.length; c++) s += (f[c] - (double) stored[i][c]) * (f[c] - (double) stored[i][c]);
                d[i] = s;
            }
            Integer[] order = IntStream.range(0, stored.length).boxed().toArray(Integer[]::new);
            Arrays.sort(order, Comparator.comparingDouble(i -> d[i]));
            int n = Math.min(k, stored.length);
            double[] w = new double[n];
            double sum = 0;
            for (int j = 0; j < n; j++) {
                w[j] = 1 / (d[order[j]] * d[order[j]]);
                sum += w[j];
            }
            out[t] = new float[f.length];
            for (int c = 0; c < f.length; c++) {
                double mean = 0;
                for (int j = 0; j < n; j++) mean += w[j] / sum * stored[order[j]][c];
                out[t][c] = (float) (rate * mean + (1 - rate) * f[c]);
            }
        }
        return out;
    }
}
