package dev.komsu.index.hnsw;

import dev.komsu.kernels.Metric;

/**
 * faiss's DistanceComputer for an HNSW graph: distances from a query (or from a stored vector)
 * to stored vectors, smaller is nearer. For inner product it returns the negated product, as
 * faiss's NegativeDistanceComputer does, so the graph code has one order. Many distances go to
 * the backend in one gather call, never one by one. A subclass says how the storage measures
 * (flat vectors, SQ8 codes); this class keeps the ids, the sign and the scratch buffers. One per
 * thread: it holds the current query.
 */
public abstract class HnswDistances {
    private final boolean negate;
    private float[] query;
    /** The origin of {@link #distancesFromOrigin}, as floats. */
    final float[] origin;
    private long[] rows = new long[64];
    private float[] raw = new float[64];
    private final int[] single = new int[1];
    private final float[] one = new float[1];

    HnswDistances(int dim, Metric metric) {
        this.negate = metric == Metric.INNER_PRODUCT;
        this.origin = new float[dim];
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

    /** Makes stored vector {@code from} the origin of {@link #distancesFromOrigin}: fills {@link #origin}. */
    public abstract void setOrigin(int from);

    /**
     * Distances from the origin (a stored vector) to {@code ids[offset .. offset+count)} into
     * {@code out[0 .. count)} (faiss symmetric_dis, batched).
     */
    public void distancesFromOrigin(int[] ids, int offset, int count, float[] out) {
        gather(origin, ids, offset, count, out);
    }

    /**
     * The storage's distances (squared L2 or inner product) from {@code q} to rows
     * {@code rows[0 .. count)} into {@code out}.
     */
    abstract void measure(float[] q, long[] rows, int count, float[] out);

    /**
     * The backend's gathers measure four rows at a time (independent accumulator chains) and a
     * leftover row alone, at about the cost of four; so a count that is not a multiple of four
     * is padded with copies of its last row, whose extra results are dropped. Each row's
     * distance is the same either way (the kernels sum both paths in one order).
     */
    private void gather(float[] q, int[] ids, int offset, int count, float[] out) {
        if (count == 0) return;
        int padded = (count + 3) & ~3;
        if (rows.length < padded) {
            rows = new long[Math.max(padded, 2 * rows.length)];
            raw = new float[rows.length];
        }
        for (int i = 0; i < count; i++) rows[i] = ids[offset + i];
        for (int i = count; i < padded; i++) rows[i] = rows[count - 1];
        measure(q, rows, padded, raw);
        if (negate) {
            for (int i = 0; i < count; i++) out[i] = -raw[i];
        } else {
            System.arraycopy(raw, 0, out, 0, count);
        }
    }
}
