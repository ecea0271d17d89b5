package dev.komsu.rvc;

import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.quant.MiniBatchKMeans;

/**
 * RVC's {@code train_index} step for large feature sets: with more than 200 000 rows it
 * replaces them by {@code MiniBatchKMeans(n_clusters=10000, batch_size=256 * n_cpu,
 * init="random")} centres, then picks n_ivf from the reduced rows (10 000 -> IVF256) and
 * indexes the centres. Seeded with faiss's 1234 (RVC's run is unseeded) so builds repeat.
 */
public final class RvcReduction {
    /** RVC reduces above this many rows ({@code big_npy.shape[0] > 2e5}). */
    public static final long THRESHOLD_ROWS = 200_000;
    /** RVC's {@code n_clusters}. */
    public static final int CENTRES = 10_000;
    static final long SEED = 1234;

    private RvcReduction() {
    }

    /** Whether RVC would reduce {@code rows} features. */
    public static boolean applies(long rows) {
        return rows > THRESHOLD_ROWS;
    }

    /**
     * The {@link #CENTRES} mini-batch k-means centres of {@code features} (a new matrix the
     * caller closes), batches of 256 x {@code cpus} rows as RVC's {@code 256 * config.n_cpu}.
     */
    public static FloatMatrix reduce(FloatMatrix features, int cpus, ComputeBackend backend) {
        if (cpus <= 0) throw new IllegalArgumentException("cpus must be > 0, got " + cpus);
        return new MiniBatchKMeans(CENTRES, 256 * cpus, SEED, MiniBatchKMeans.DEFAULT_MAX_EPOCHS,
                MiniBatchKMeans.DEFAULT_PATIENCE, backend).train(features);
    }
}
