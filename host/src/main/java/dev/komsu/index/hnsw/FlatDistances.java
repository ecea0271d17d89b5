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

    @Override
    void measure(float[] q, long[] rows, int count, float[] out) {
        kernels.gatherDistances(q, base, rows, count, metric, out);
    }
}
