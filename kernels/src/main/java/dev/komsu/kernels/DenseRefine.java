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
        int d = base.cols();
        for (int i = 0; i < n; i++) {
            if (exact.size() == exact.capacity() && bound.of(keys[i]) > exact.threshold()) return true;
            exact.offer(exactKey(metric, q, qo, base.segment(), base.rowOffset(ids[i]), d), ids[i]);
        }
        return everyRow || (n > 0 && bound.of(keys[n - 1]) > exact.threshold());
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
