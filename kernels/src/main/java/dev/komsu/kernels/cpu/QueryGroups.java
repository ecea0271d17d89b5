package dev.komsu.kernels.cpu;

import dev.komsu.kernels.Metric;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Queries packed for the lane kernels: each group holds up to {@link #width} queries stored
 * dimension-major ({@code packed[g][c * width + lane]}), so one vector load gives dimension c of
 * every query in the group. Inner-product queries are stored negated, so every kernel produces
 * a smaller-is-better key directly ({@code sum fma(-q, b)} is exactly {@code -ip}: negation is
 * exact in floating point). Unused lanes hold zeros and map to query -1.
 *
 * <p>For the L2 norm filter ({@link BlockScanner}) the groups also hold the queries scaled by
 * -2 (exact: a power of two) and their squared norms, and keep the row-major source for exact
 * re-computation of the pairs that pass the filter.
 */
final class QueryGroups {
    /**
     * Squared norms above this could overflow the L2 estimate ({@code |q|^2+|b|^2+2|q.b|}); such
     * data is scanned with the direct kernel only.
     */
    static final float MAX_SAFE_NORM = Float.MAX_VALUE / 16;

    final int d;
    final int width;
    final float[][] packed;
    /** {@code queryOf[g * width + lane]}: the caller's query number, or -1 for an unused lane. */
    final int[] queryOf;
    /** The queries, row-major, as the caller gave them (query q at {@code q * d}). */
    final float[] source;
    /** -2q packed like {@link #packed}, or null when the L2 filter is off. */
    final float[][] scaled;
    /** {@code norms[g][lane]} = |q|^2, or null when the L2 filter is off. */
    final float[][] norms;
    private boolean normsSafe = true;

    private QueryGroups(int d, int width, int groups, float[] source, boolean l2Filter) {
        this.d = d;
        this.width = width;
        this.packed = new float[groups][d * width];
        this.queryOf = new int[groups * width];
        this.source = source;
        this.scaled = l2Filter ? new float[groups][d * width] : null;
        this.norms = l2Filter ? new float[groups][width] : null;
        Arrays.fill(queryOf, -1);
    }

    int groupCount() {
        return packed.length;
    }

    boolean hasL2Filter() {
        return scaled != null && normsSafe;
    }

    /**
     * Packs {@code count} queries of {@code source} (row-major float[] of d columns): query
     * numbers {@code from .. from+count}, or {@code queryIds[from .. from+count)} when given,
     * into groups of {@code width} lanes. {@code l2Filter} adds what the L2 norm filter needs.
     */
    static QueryGroups pack(float[] source, int d, int[] queryIds, int from, int count, int width, Metric metric,
            boolean l2Filter) {
        int groups = (count + width - 1) / width;
        QueryGroups g = new QueryGroups(d, width, groups, source, l2Filter && metric == Metric.L2);
        float sign = metric == Metric.INNER_PRODUCT ? -1f : 1f;
        for (int i = 0; i < count; i++) {
            int q = queryIds == null ? from + i : queryIds[from + i];
            int group = i / width;
            int lane = i % width;
            float[] dst = g.packed[group];
            int src = q * d;
            for (int c = 0; c < d; c++) dst[c * width + lane] = sign * source[src + c];
            if (g.scaled != null) {
                float[] s = g.scaled[group];
                float norm = 0f;
                for (int c = 0; c < d; c++) {
                    float v = source[src + c];
                    s[c * width + lane] = -2f * v;
                    norm = Math.fma(v, v, norm);
                }
                g.norms[group][lane] = norm;
                if (!(norm <= MAX_SAFE_NORM)) g.normsSafe = false;
            }
            g.queryOf[i] = q;
        }
        return g;
    }

    /**
     * Packs queries into full wide groups ({@link LaneKernels#WIDE} lanes) plus, for the rest,
     * one narrow group when it fits one vector (small batches and lists probed by few queries
     * waste fewer lanes) or one more wide group.
     */
    static List<QueryGroups> packMixed(float[] source, int d, int[] queryIds, int from, int count, Metric metric,
            boolean l2Filter) {
        List<QueryGroups> out = new ArrayList<>(2);
        int full = count / LaneKernels.WIDE * LaneKernels.WIDE;
        int rest = count - full;
        if (rest > LaneKernels.LANES) {
            full = count;
            rest = 0;
        }
        if (full > 0) out.add(pack(source, d, queryIds, from, full, LaneKernels.WIDE, metric, l2Filter));
        if (rest > 0) out.add(pack(source, d, queryIds, from + full, rest, LaneKernels.LANES, metric, l2Filter));
        return out;
    }
}
