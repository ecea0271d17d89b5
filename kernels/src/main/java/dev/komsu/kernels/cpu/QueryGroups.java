package dev.komsu.kernels.cpu;

import dev.komsu.kernels.Metric;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Queries packed for the lane kernels: each group holds up to {@link #width} queries stored
 * dimension-major ({@code packed[g][c * width + lane]}), so one vector load gives dimension c of
 * every query in the group. Inner-product queries (and the dense kernel's, see
 * {@link BlockScanner}) are stored negated, so every kernel produces a smaller-is-better key
 * directly ({@code sum fma(-q, b)} is exactly {@code -ip}: negation is exact in floating point).
 * Unused lanes hold zeros and map to query -1.
 */
final class QueryGroups {
    final int d;
    final int width;
    final float[][] packed;
    /** {@code queryOf[g * width + lane]}: the caller's query number, or -1 for an unused lane. */
    final int[] queryOf;
    /** The queries, row-major, as the caller gave them (query q at {@code q * d}). */
    final float[] source;

    private QueryGroups(int d, int width, int groups, float[] source, boolean pack) {
        this.d = d;
        this.width = width;
        this.packed = new float[groups][pack ? d * width : 0];
        this.queryOf = new int[groups * width];
        this.source = source;
        Arrays.fill(queryOf, -1);
    }

    int groupCount() {
        return packed.length;
    }

    /**
     * Packs {@code count} queries of {@code source} (row-major float[] of d columns): query
     * numbers {@code from .. from+count}, or {@code queryIds[from .. from+count)} when given,
     * into groups of {@code width} lanes, negated for inner product.
     */
    static QueryGroups pack(float[] source, int d, int[] queryIds, int from, int count, int width, Metric metric) {
        int groups = (count + width - 1) / width;
        QueryGroups g = new QueryGroups(d, width, groups, source, true);
        float sign = metric == Metric.INNER_PRODUCT ? -1f : 1f;
        for (int i = 0; i < count; i++) {
            int q = queryIds == null ? from + i : queryIds[from + i];
            float[] dst = g.packed[i / width];
            int lane = i % width;
            int src = q * d;
            for (int c = 0; c < d; c++) dst[c * width + lane] = sign * source[src + c];
            g.queryOf[i] = q;
        }
        return g;
    }

    /**
     * One group of {@code count} queries without the packed copy, for the per-query kernels
     * ({@link QueryKernels} read {@link #source}), which would never read the packed copy.
     */
    static List<QueryGroups> unpacked(float[] source, int d, int[] queryIds, int from, int count) {
        QueryGroups g = new QueryGroups(d, count, 1, source, false);
        for (int i = 0; i < count; i++) g.queryOf[i] = queryIds == null ? from + i : queryIds[from + i];
        return List.of(g);
    }

    /**
     * Packs queries into full wide groups ({@link LaneKernels#WIDE} lanes) plus, for the rest,
     * one narrow group when it fits one vector (small batches and lists probed by few queries
     * waste fewer lanes) or one more wide group.
     */
    static List<QueryGroups> packMixed(float[] source, int d, int[] queryIds, int from, int count, Metric metric) {
        List<QueryGroups> out = new ArrayList<>(2);
        int full = count / LaneKernels.WIDE * LaneKernels.WIDE;
        int rest = count - full;
        if (rest > LaneKernels.LANES) {
            full = count;
            rest = 0;
        }
        if (full > 0) out.add(pack(source, d, queryIds, from, full, LaneKernels.WIDE, metric));
        if (rest > 0) out.add(pack(source, d, queryIds, from + full, rest, LaneKernels.LANES, metric));
        return out;
    }
}
