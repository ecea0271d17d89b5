package dev.komsu.index.hnsw;

import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.PqKernels;

/** {@link HnswDistances} over flat vectors (faiss's IndexHNSWFlat): exact distances to the stored rows. */
public final class FlatDistances extends HnswDistances {
    private final FloatMatrix base;
    private final PqKernels kernels;
    private final Metric metric;

    public FlatDistances(FloatMatrix base, Metric metric, PqKernels kernels) {
        super(base.cols(), metric);
        this.base = base;
        this.metric = metric;
        this.kernels = kernels;
    }

    @Override
    public void setOrigin(int from) {
        base.copyRow(from, origin, 0);
    }

    /**
     * The backend measures four rows at a time (independent accumulator chains) and a leftover
     * row alone, at about the cost of four; so a count that is not a multiple of four is padded
     * with copies of its last row, whose extra results are dropped. Each row's distance is the
     * same either way (the kernel sums both paths in one order).
     */
    @Override
    void measure(float[] q, long[] rows, int count, float[] out) {
        int padded = (count + 3) & ~3;
        for (int i = count; i < padded; i++) rows[i] = rows[count - 1];
        kernels.gatherDistances(q, base, rows, padded, metric, out);
    }
}
