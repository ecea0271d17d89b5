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
    private float[] padOut = new float[64];
    private final int[] single = new int[1];
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
        single[0] = id;
        gather(query, single, 0, 1, one);
        return one[0];
    }

    /** Distances from the query to {@code ids[0 .. count)} into {@code out}. */
    public void distances(int[] ids, int count, float[] out) {
        gather(query, ids, 0, count, out);
    }

    /** Makes stored vector {@code from} the origin of {@link #distancesFromOrigin}. */
    public void setOrigin(int from) {
        base.copyRow(from, other, 0);
    }

    /**
     * Distances from the origin (a stored vector) to {@code ids[offset .. offset+count)} into
     * {@code out[0 .. count)} (faiss symmetric_dis, batched).
     */
    public void distancesFromOrigin(int[] ids, int offset, int count, float[] out) {
        gather(other, ids, offset, count, out);
    }

    /**
     * The backend measures four rows at a time (independent accumulator chains) and a leftover
     * row alone, at about the cost of four; so a count that is not a multiple of four is padded
     * with copies of its last row, whose extra results are dropped. Each row's distance is the
     * same either way (the kernel sums both paths in one order).
     */
    private void gather(float[] q, int[] ids, int offset, int count, float[] out) {
        if (count == 0) return;
        int padded = (count + 3) & ~3;
        if (rows.length < padded) {
            rows = new long[Math.max(padded, 2 * rows.length)];
            padOut = new float[rows.length];
        }
        for (int i = 0; i < count; i++) rows[i] = ids[offset + i];
        for (int i = count; i < padded; i++) rows[i] = rows[count - 1];
        kernels.gatherDistances(q, base, rows, padded, metric, padOut);
        if (negate) {
            for (int i = 0; i < count; i++) out[i] = -padOut[i];
        } else {
            System.arraycopy(padOut, 0, out, 0, count);
        }
    }
}
