package dev.komsu.index.hnsw;

import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.PqKernels;

/**
 * faiss's DistanceComputer for an HNSW over flat vectors: distances from a query (or from a
 * stored vector) to stored vectors, smaller is nearer. For inner product it returns the negated
 * product, as faiss's NegativeDistanceComputer does, so the graph code has one order. Many
 * distances go to the backend in one gather call (four rows interleaved), never one by one.
 * One per thread: it holds the current query and scratch buffers.
 */
public final class HnswDistances {
    private final FloatMatrix base;
    private final PqKernels kernels;
    private final Metric metric;
    private final boolean negate;
    private float[] query;
    private final float[] other;
    private long[] rows = new long[64];
    private final float[] one = new float[1];

    public HnswDistances(FloatMatrix base, Metric metric, PqKernels kernels) {
        this.base = base;
        this.metric = metric;
        this.kernels = kernels;
        this.negate = metric == Metric.INNER_PRODUCT;
        this.other = new float[base.cols()];
    }

    public void setQuery(float[] q) {
        query = q;
    }

    /** Distance from the query to node {@code id}. */
    public float distance(int id) {
        rows[0] = id;
        kernels.gatherDistances(query, base, rows, 1, metric, one);
        return negate ? -one[0] : one[0];
    }

    /** Distances from the query to {@code ids[0 .. count)} into {@code out}. */
    public void distances(int[] ids, int count, float[] out) {
        gather(query, ids, 0, count, out);
    }

    /**
     * Distances from stored vector {@code from} to {@code ids[offset .. offset+count)} into
     * {@code out[0 .. count)} (faiss symmetric_dis, batched).
     */
    public void distancesFrom(int from, int[] ids, int offset, int count, float[] out) {
        base.copyRow(from, other, 0);
        gather(other, ids, offset, count, out);
    }

    private void gather(float[] q, int[] ids, int offset, int count, float[] out) {
        if (count == 0) return;
        if (rows.length < count) rows = new long[Math.max(count, 2 * rows.length)];
        for (int i = 0; i < count; i++) rows[i] = ids[offset + i];
        kernels.gatherDistances(q, base, rows, count, metric, out);
        if (negate) {
            for (int i = 0; i < count; i++) out[i] = -out[i];
        }
    }
}
