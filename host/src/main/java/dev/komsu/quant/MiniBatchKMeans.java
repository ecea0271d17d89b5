package dev.komsu.quant;

import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.util.SplittableRandom;

/**
 * Mini-batch k-means as scikit-learn's {@code MiniBatchKMeans(init="random")} runs it, which
 * RVC's {@code train_index} uses to shrink more than 200 000 features to 10 000 centres:
 * centres start as k distinct random rows; each step assigns one random batch to its nearest
 * centres (the backend's exact k = 1 search) and moves every centre to the running mean of all
 * rows it has been given ({@code c = (c * n_c + sum) / (n_c + m)}). Stops after
 * {@code maxEpochs} passes' worth of steps, or earlier, as sklearn does, when the smoothed
 * batch inertia has not improved for {@code patience} steps. Seeded: the same data, seed and
 * parameters give the same centres (the backend's search is deterministic).
 */
public final class MiniBatchKMeans {
    /** scikit-learn's {@code max_no_improvement}. */
    public static final int DEFAULT_PATIENCE = 10;
    /** scikit-learn's {@code max_iter} (passes over the data at most). */
    public static final int DEFAULT_MAX_EPOCHS = 100;

    private final int k;
    private final int batchSize;
    private final long seed;
    private final int maxEpochs;
    private final int patience;
    private final ComputeBackend backend;

    public MiniBatchKMeans(int k, int batchSize, long seed, int maxEpochs, int patience, ComputeBackend backend) {
        if (k <= 0) throw new IllegalArgumentException("k must be > 0, got " + k);
        if (batchSize <= 0) throw new IllegalArgumentException("batch size must be > 0, got " + batchSize);
        if (maxEpochs <= 0) throw new IllegalArgumentException("max epochs must be > 0, got " + maxEpochs);
        if (patience <= 0) throw new IllegalArgumentException("patience must be > 0, got " + patience);
        this.k = k;
        this.batchSize = batchSize;
        this.seed = seed;
        this.maxEpochs = maxEpochs;
        this.patience = patience;
        this.backend = java.util.Objects.requireNonNull(backend, "backend");
    }

    /** The k x d centres (a new matrix the caller closes). Needs at least k rows. */
    public FloatMatrix train(FloatMatrix xs) {
        long n = xs.rows();
        int d = xs.cols();
        if (n < k) throw new IllegalArgumentException("mini-batch k-means needs at least k=" + k + " rows, got " + n);
        SplittableRandom random = new SplittableRandom(seed);
        float[] centres = initialCentres(xs, random);
        long[] counts = new long[k];
        int batch = (int) Math.min(batchSize, n);
        long maxSteps = Math.max(1, (long) maxEpochs * n / batch);
        double ewaInertia = Double.NaN;
        double bestInertia = Double.POSITIVE_INFINITY;
        int stale = 0;
        double alpha = Math.min(1.0, 2.0 * batch / (n + 1.0)); // sklearn's smoothing of the batch inertia
        float[] rows = new float[batch * d];
        double[] sums = new double[k * d];
        int[] members = new int[k];
        for (long step = 0; step < maxSteps; step++) {
            for (int i = 0; i < batch; i++) xs.copyRow(random.nextLong(n), rows, i * d);
            Neighbors nearest;
            try (FloatMatrix b = FloatMatrix.of(rows, batch, d); FloatMatrix c = FloatMatrix.of(centres, k, d)) {
                nearest = backend.knn(b, c, 1, Metric.L2);
            }
            java.util.Arrays.fill(sums, 0);
            java.util.Arrays.fill(members, 0);
            double inertia = 0;
            for (int i = 0; i < batch; i++) {
                int j = (int) nearest.label(i, 0);
                inertia += nearest.distance(i, 0);
                members[j]++;
                for (int c = 0; c < d; c++) sums[j * d + c] += rows[i * d + c];
            }
            for (int j = 0; j < k; j++) {
                if (members[j] == 0) continue;
                long total = counts[j] + members[j];
                for (int c = 0; c < d; c++) {
                    centres[j * d + c] = (float) ((centres[j * d + c] * (double) counts[j] + sums[j * d + c]) / total);
                }
                counts[j] = total;
            }
            inertia /= batch;
            ewaInertia = Double.isNaN(ewaInertia) ? inertia : ewaInertia * (1 - alpha) + inertia * alpha;
            if (ewaInertia < bestInertia) {
                bestInertia = ewaInertia;
                stale = 0;
            } else if (++stale >= patience) {
                break;
            }
        }
        return FloatMatrix.of(centres, k, d);
    }

    /** k distinct rows drawn at random (sklearn's init="random"). */
    private float[] initialCentres(FloatMatrix xs, SplittableRandom random) {
        int d = xs.cols();
        float[] centres = new float[Math.multiplyExact(k, d)];
        java.util.Set<Long> taken = new java.util.HashSet<>();
        for (int j = 0; j < k; ) {
            long row = random.nextLong(xs.rows());
            if (taken.add(row)) xs.copyRow(row, centres, j++ * d);
        }
        return centres;
    }
}
