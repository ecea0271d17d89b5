package dev.komsu.quant;

import dev.komsu.kernels.FloatMatrix;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

/**
 * faiss's fvecs_maybe_subsample for codec training: at most {@code max} rows of a training set,
 * chosen uniformly without replacement with a fixed seed (faiss trains IVF-SQ8 ranges on at
 * most 100 000 vectors and IVF-PQ codebooks on at most 256 * ksub). The row numbers are kept.
 */
public record TrainingSample(FloatMatrix rows, int[] picked) implements AutoCloseable {
    /** faiss's seed for the subsample. */
    public static final long SEED = 1234;

    /** All of {@code xs} (a view, {@code picked} null) when it has at most {@code max} rows, else a random subset. */
    public static TrainingSample of(FloatMatrix xs, long max) {
        if (xs.rows() <= max) return new TrainingSample(xs.rowRange(0, xs.rows()), null);
        int n = Math.toIntExact(xs.rows());
        int m = (int) max;
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        SplittableRandom rng = new SplittableRandom(SEED);
        int[] picked = new int[m];
        for (int i = 0; i < m; i++) {
            int j = i + rng.nextInt(n - i);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
            picked[i] = perm[i];
        }
        java.util.Arrays.sort(picked); // keep the data's order: deterministic and cache-friendly
        FloatMatrix out = FloatMatrix.allocate(m, xs.cols());
        long rowBytes = (long) xs.cols() * Float.BYTES;
        for (int i = 0; i < m; i++) {
            MemorySegment.copy(xs.segment(), xs.rowOffset(picked[i]), out.segment(), out.rowOffset(i), rowBytes);
        }
        return new TrainingSample(out, picked);
    }

    @Override
    public void close() {
        rows.close();
    }
}
