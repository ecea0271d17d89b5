package dev.komsu.kernels;

import java.lang.foreign.MemorySegment;

/**
 * The precision safeguard of the dense kernels, shared by every CPU backend so they agree to
 * the bit. A dense scan keeps, per query, the {@link #candidates} best rows by an estimated key
 * (the norm expansion for L2, a dot product for inner product); {@link #refine} re-computes
 * those candidates exactly ({@link #exactKey}: the direct form {@code (q-x)^2}, one fused
 * multiply-add per dimension in order, as faiss's scalar and IVF-Flat code compute it) and keeps
 * the k best, then proves that no row outside the candidates could have entered: every such row
 * has an estimate at least the worst candidate's, and the estimate is off by at most a bound on
 * its rounding error (recursive float sums of d terms err by at most ~d * 2^-24 * the sum of the
 * terms' magnitudes). When the proof fails (data whose norms dwarf the distances even after
 * centring, many near-ties) the caller re-scans that query in the direct form. So the result is
 * always the exact top-k under {@link #exactKey}, whatever the estimator, the tiling, the batch
 * size or the thread count.
 *
 * <p>Why not centring alone: faiss returns the expansion's distances, which on the conformance
 * suite's pixel case differ from the direct ones in the 4th digit; the refine makes them exact
 * for k + a few direct-form distances per query (measured in bench/RESULTS.md, "Dense kernel").
 */
public final class DenseRefine {
    private static final double UNIT_ROUNDOFF = 0x1p-24;
    /** Exact keys computed side by side in {@link #refine}. */
    private static final int EXACT_BATCH = 8;

    private DenseRefine() {
    }

    /**
     * Candidates kept per query for k results over n rows: twice k and 8 more, so near-ties at
     * rank k (k-means at k = 1 included) stay inside the set; all rows when there are fewer.
     */
    public static int candidates(int k, long n) {
        return (int) Math.max(1, Math.min(n, 2L * k + 8));
    }

    /**
     * The exact key of (query, row): squared L2 in the direct form, or minus the inner product,
     * each one fused multiply-add per dimension in order (the lane kernels give the same bits).
     */
    public static float exactKey(Metric metric, float[] q, int qo, MemorySegment base, long offset, int d) {
        if (metric.isElementwise()) return ElementwiseDistances.distance(metric, q, qo, base, offset, d); // smaller is closer: the key
        float acc = 0f;
        if (metric == Metric.L2) {
            for (int c = 0; c < d; c++) {
                float u = q[qo + c] - base.get(FloatMatrix.FLOAT, offset + (long) c * Float.BYTES);
                acc = Math.fma(u, u, acc);
            }
        } else {
            for (int c = 0; c < d; c++) acc = Math.fma(-q[qo + c], base.get(FloatMatrix.FLOAT, offset + (long) c * Float.BYTES), acc);
        }
        return acc;
    }

    /**
     * The least exact key a row can have given its estimate from a dense scan: non-decreasing
     * in the estimate (rows ranked later are bounded by an earlier one's bound); NaN when
     * nothing can be said (overflowed data), which fails the proof.
     */
    @FunctionalInterface
    public interface LowerBound {
        double of(float estimate);
    }

    /**
     * The bound for {@link #refine}'s usual estimates: the norm expansion over {@code cols}
     * columns ({@code |x-c|^2 - 2(q-c).(x-c)}, the query's norm left out) for L2, a dot product
     * for inner product. {@code qNorm} is the query's squared norm after centring by
     * {@code norms}' centre.
     */
    public static LowerBound expansionBound(Metric metric, float qNorm, BaseNorms norms, int cols) {
        double g = (cols + 8) * UNIT_ROUNDOFF;
        if (metric != Metric.L2) {
            // |a sum of d products| errs by at most g * sum |q_c x_c| <= g |q| |x|, for the
            // estimate and for the exact key alike.
            double slack = 4 * g * Math.sqrt((double) qNorm * norms.maxNorm());
            return estimate -> estimate - slack;
        }
        double slack = 4 * g * (2.0 * qNorm + 3.0 * norms.maxNorm());
        // Estimates of L2 leave out the query's norm; their error is bounded by the centring's
        // rounding (~u (|q-c|^2+|x-c|^2)), the row norm's and the dot product's sums
        // (~d u (|q-c|^2 + 3 |x-c|^2)), the exact key's by ~d u of itself. Factor 2 and +8
        // terms: margin for the final additions. NaN (overflowed data) compares false.
        return estimate -> ((double) qNorm + estimate - slack) * (1 - 2 * g);
    }

    /** {@link #expansionBound} for L2. */
    static LowerBound expansionBound(float qNorm, BaseNorms norms, int cols) {
        return expansionBound(Metric.L2, qNorm, norms, cols);
    }

    /**
     * Re-ranks one query's candidates ({@code estimates}, emptied) exactly into {@code exact}
     * (capacity k); returns whether that is provably the exact top-k of the whole base.
     * Candidates are visited best estimate first, and the visit stops at the first one whose
     * {@code bound} is above the k-th exact key so far: it and every later row (candidate or
     * not) cannot enter. So well-separated data pays ~k exact keys per query however many
     * candidates were kept. {@code keys} and {@code ids} are scratch of at least
     * {@code estimates.capacity()} entries.
     */
    public static boolean refine(Metric metric, TopK estimates, LowerBound bound, float[] q, int qo, FloatMatrix base,
            TopK exact, float[] keys, long[] ids) {
        boolean everyRow = base.rows() <= estimates.capacity();
        int n = estimates.size();
        estimates.drainTo(Metric.L2, keys, ids, 0); // L2's keys are the raw keys, best first
        float[] batch = new float[EXACT_BATCH];
        int batchStart = 0, batchEnd = 0;
        for (int i = 0; i < n; i++) {
            if (exact.size() == exact.capacity() && bound.of(keys[i]) > exact.threshold()) return true;
            if (i == batchEnd) {
                batchStart = i;
                batchEnd = Math.min(n, i + EXACT_BATCH);
                exactKeys(metric, q, qo, base, ids, batchStart, batchEnd - batchStart, batch);
            }
            exact.offer(batch[i - batchStart], ids[i]);
        }
        if (everyRow) return true;
        // Rows outside the candidates were evicted (estimates >= the last candidate's) or, with a
        // ceiling and room left, never offered (estimates above the ceiling).
        float outside;
        if (n < estimates.capacity() && estimates.ceiling() != Float.POSITIVE_INFINITY) outside = estimates.ceiling();
        else if (n > 0) outside = keys[n - 1];
        else return false;
        return bound.of(outside) > exact.threshold();
    }

    /**
     * The smallest float estimate whose {@code bound} exceeds {@code limit} (+inf when none
     * does), by bisection on the floats' order: as a {@link TopK} ceiling it keeps out only rows
     * that cannot beat an exact key of {@code limit} (any row whose key is at most
     * {@code limit} has a bound at most that, so its estimate is below the ceiling).
     */
    public static float ceiling(LowerBound bound, double limit) {
        if (!(bound.of(Float.MAX_VALUE) > limit)) return Float.POSITIVE_INFINITY;
        int lo = order(-Float.MAX_VALUE), hi = order(Float.MAX_VALUE); // bound(lo) <= limit unless lo answers; bound(hi) > limit
        if (bound.of(-Float.MAX_VALUE) > limit) return -Float.MAX_VALUE;
        while ((long) hi - lo > 1) {
            int mid = (int) (((long) lo + hi) >> 1);
            if (bound.of(fromOrder(mid)) > limit) hi = mid;
            else lo = mid;
        }
        return fromOrder(hi);
    }

    /** Floats mapped to ints in the same order (negative floats' bits reversed). */
    private static int order(float f) {
        int bits = Float.floatToIntBits(f);
        return bits >= 0 ? bits : Integer.MIN_VALUE - bits;
    }

    private static float fromOrder(int o) {
        return Float.intBitsToFloat(o >= 0 ? o : Integer.MIN_VALUE - o);
    }

    /**
     * {@link #exactKey} of rows {@code ids[from .. from+count)} (count at most
     * {@link #EXACT_BATCH}) into {@code out} (of EXACT_BATCH entries): eight rows side by side are eight independent FMA
     * chains instead of one latency-bound chain (2 FMA pipes x 4 cycles of latency need eight
     * in flight; four ran the pruned path's re-check of RVC's 768-d centroids at about half the
     * FMA rate), and each keeps its own order, so the bits are those of one row at a time. A
     * short batch repeats its last row in the unused chains. At most seven keys are computed
     * that the stopping rule would have skipped.
     */
    private static void exactKeys(Metric metric, float[] q, int qo, FloatMatrix base, long[] ids, int from, int count,
            float[] out) {
        int d = base.cols();
        MemorySegment seg = base.segment();
        if (count < 2 || metric.isElementwise()) {
            for (int j = 0; j < count; j++) out[j] = exactKey(metric, q, qo, seg, base.rowOffset(ids[from + j]), d);
            return;
        }
        int last = from + count - 1;
        long o0 = base.rowOffset(ids[from]), o1 = base.rowOffset(ids[Math.min(from + 1, last)]);
        long o2 = base.rowOffset(ids[Math.min(from + 2, last)]), o3 = base.rowOffset(ids[Math.min(from + 3, last)]);
        long o4 = base.rowOffset(ids[Math.min(from + 4, last)]), o5 = base.rowOffset(ids[Math.min(from + 5, last)]);
        long o6 = base.rowOffset(ids[Math.min(from + 6, last)]), o7 = base.rowOffset(ids[Math.min(from + 7, last)]);
        if (metric == Metric.L2) {
            l2Keys(q, qo, seg, o0, o1, o2, o3, o4, o5, o6, o7, d, out);
            return;
        }
        float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f, a4 = 0f, a5 = 0f, a6 = 0f, a7 = 0f;
        for (int c = 0; c < d; c++) {
            long at = (long) c * Float.BYTES;
            float x = -q[qo + c];
            a0 = Math.fma(x, seg.get(FloatMatrix.FLOAT, o0 + at), a0);
            a1 = Math.fma(x, seg.get(FloatMatrix.FLOAT, o1 + at), a1);
            a2 = Math.fma(x, seg.get(FloatMatrix.FLOAT, o2 + at), a2);
            a3 = Math.fma(x, seg.get(FloatMatrix.FLOAT, o3 + at), a3);
            a4 = Math.fma(x, seg.get(FloatMatrix.FLOAT, o4 + at), a4);
            a5 = Math.fma(x, seg.get(FloatMatrix.FLOAT, o5 + at), a5);
            a6 = Math.fma(x, seg.get(FloatMatrix.FLOAT, o6 + at), a6);
            a7 = Math.fma(x, seg.get(FloatMatrix.FLOAT, o7 + at), a7);
        }
        out[0] = a0; // out holds EXACT_BATCH entries: the repeated rows' keys land past count, unread
        out[1] = a1;
        out[2] = a2;
        out[3] = a3;
        out[4] = a4;
        out[5] = a5;
        out[6] = a6;
        out[7] = a7;
    }

    /**
     * {@link #exactKey}'s L2 keys ({@code u = q_c - x_c}, {@code acc = fma(u, u, acc)}, c in
     * order) of {@code q[qo .. qo+d)} against the eight rows of {@code seg} at byte offsets
     * {@code o0 .. o7} (repeats allowed) into {@code out[0 .. 8)}: eight independent FMA chains,
     * as two FMA pipes with four cycles of latency need, read in place. Shared by the refine
     * here and the CPU backend's scan of lists probed by one query, so both give exactKey's bits.
     */
    public static void l2Keys(float[] q, int qo, MemorySegment seg, long o0, long o1, long o2, long o3, long o4, long o5,
            long o6, long o7, int d, float[] out) {
        float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f, a4 = 0f, a5 = 0f, a6 = 0f, a7 = 0f;
        for (int c = 0; c < d; c++) {
            long at = (long) c * Float.BYTES;
            float x = q[qo + c];
            float u0 = x - seg.get(FloatMatrix.FLOAT, o0 + at);
            float u1 = x - seg.get(FloatMatrix.FLOAT, o1 + at);
            float u2 = x - seg.get(FloatMatrix.FLOAT, o2 + at);
            float u3 = x - seg.get(FloatMatrix.FLOAT, o3 + at);
            float u4 = x - seg.get(FloatMatrix.FLOAT, o4 + at);
            float u5 = x - seg.get(FloatMatrix.FLOAT, o5 + at);
            float u6 = x - seg.get(FloatMatrix.FLOAT, o6 + at);
            float u7 = x - seg.get(FloatMatrix.FLOAT, o7 + at);
            a0 = Math.fma(u0, u0, a0);
            a1 = Math.fma(u1, u1, a1);
            a2 = Math.fma(u2, u2, a2);
            a3 = Math.fma(u3, u3, a3);
            a4 = Math.fma(u4, u4, a4);
            a5 = Math.fma(u5, u5, a5);
            a6 = Math.fma(u6, u6, a6);
            a7 = Math.fma(u7, u7, a7);
        }
        out[0] = a0;
        out[1] = a1;
        out[2] = a2;
        out[3] = a3;
        out[4] = a4;
        out[5] = a5;
        out[6] = a6;
        out[7] = a7;
    }

    /**
     * {@link #refine} with the estimates of the dense scan over the base itself ({@code qNorm}:
     * the query's squared norm after centring by {@code norms}' centre).
     */
    public static boolean refine(Metric metric, TopK estimates, float[] q, int qo, float qNorm, BaseNorms norms,
            FloatMatrix base, TopK exact, float[] keys, long[] ids) {
        return refine(metric, estimates, expansionBound(metric, qNorm, norms, base.cols()), q, qo, base, exact, keys, ids);
    }
}
