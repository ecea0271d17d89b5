package dev.komsu.kernels.cpu;

import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.TopK;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Streams base rows through the lane kernels for a set of packed query groups and keeps each
 * query's top-k. Rows are copied block by block into a heap array sized to stay in L2, and
 * every query group is run against a block before the next block is read, so the base is read
 * from memory once per call whatever the number of queries. One scanner per thread: it holds
 * scratch buffers and is not thread-safe.
 *
 * <p><b>L2 norm filter.</b> When the groups carry it ({@link QueryGroups#hasL2Filter()}), L2 is
 * first estimated with the faster dot-product kernel as {@code |q|^2 + |b|^2 - 2 q.b} (the
 * decomposition faiss's sgemm path uses). A pair is then re-computed in the exact direct form
 * only if the estimate is within a rounding-error bound of the query's current threshold, and
 * only the exact value enters the top-k. The bound (a few times {@code d * 2^-24 * (|q|^2 +
 * |b|^2 + threshold)}) covers the rounding of both computations, so the result is bit-for-bit
 * what the direct kernel alone gives. Where that bound is loose (vectors far from the origin
 * and close together) too many pairs pass; the scanner then switches to the direct kernel for
 * its remaining blocks.
 */
final class BlockScanner {
    private static final ValueLayout.OfLong ID = ValueLayout.JAVA_LONG_UNALIGNED;
    /** Block size target in floats (128 KiB): leaves room in a 512 KiB L2 for the query groups. */
    private static final int BLOCK_FLOATS = 32 * 1024;
    private static final int ROW_STEP = Math.max(LaneKernels.WIDE_ROWS, LaneKernels.NARROW_ROWS);
    private static final float[] ZERO_START = new float[ROW_STEP];
    /** Unit roundoff of float. */
    private static final float UNIT_ROUNDOFF = 0x1p-24f;
    /** The filter is dropped once more than 1 in this many pairs of a block are re-computed in vain. */
    private static final int MAX_RECHECK_SHARE = 8;

    private final int d;
    private final boolean innerProduct;
    private final int blockRows;
    private final float[] block;
    private final float[] rowNorms;
    private final float[] keys = new float[Math.max(LaneKernels.WIDE * LaneKernels.WIDE_ROWS,
            LaneKernels.LANES * LaneKernels.NARROW_ROWS)];
    private final float[] thresholds = new float[LaneKernels.WIDE];
    private final float errorScale;
    private final boolean perQuery;
    private final float[] scratch = new float[LaneKernels.LANES];
    private final long filterAfterRows;
    private boolean filterDropped;
    private long wastedRechecks;

    /**
     * A scanner for rows of {@code d} floats into top-k of capacity {@code k}; {@code maxRows},
     * the most rows one {@link #scan} will see, keeps the buffer small for short scans (a single
     * query's lists), where allocating and zeroing a full block cost more than the scan.
     * {@code perQuery} selects {@link QueryKernels} (batches of one or two queries).
     */
    BlockScanner(int d, Metric metric, long maxRows, int k, boolean perQuery) {
        this.d = d;
        this.perQuery = perQuery;
        // While a top-k is young most rows enter it (row i enters with odds ~k/i) and each
        // entry costs the filter a d-long dependent FMA chain (~4d cycles) against a saving of
        // ~0.3 x 2d/25 cycles per row: the filter only pays after ~170k rows, so the first rows
        // of a scan run through the direct kernel.
        this.filterAfterRows = 170L * k;
        this.innerProduct = metric == Metric.INNER_PRODUCT;
        long fit = (Math.max(1, maxRows) + ROW_STEP - 1) / ROW_STEP * ROW_STEP;
        this.blockRows = (int) Math.min(fit, Math.max(ROW_STEP, BLOCK_FLOATS / d / ROW_STEP * ROW_STEP));
        this.block = new float[blockRows * d];
        this.rowNorms = new float[blockRows];
        // Recursive float sums of d terms err by at most ~d * 2^-24 * (sum of magnitudes); the
        // estimate's terms are bounded by 2(|q|^2+|b|^2), the exact value's by the threshold.
        // Factor 4 and +8 terms: margin for the final additions.
        this.errorScale = 4f * (d + 8) * UNIT_ROUNDOFF;
    }

    /**
     * Offers every row {@code r} in {@code [from, to)} of {@code vectors} (row-major, d floats
     * per row) to the top-k of every query in {@code groups}, labelled {@code ids[r]} or, when
     * {@code ids} is null, {@code r} itself. {@code tops} is indexed by query number.
     */
    void scan(List<QueryGroups> groups, MemorySegment vectors, long from, long to, MemorySegment ids, TopK[] tops) {
        for (long start = from; start < to; start += blockRows) {
            int rows = (int) Math.min(blockRows, to - start);
            MemorySegment.copy(vectors, FloatMatrix.FLOAT, start * d * Float.BYTES, block, 0, rows * d);
            int padded = (rows + ROW_STEP - 1) / ROW_STEP * ROW_STEP;
            // Padding rows are zeros: computed like any row, never offered.
            if (padded > rows) Arrays.fill(block, rows * d, padded * d, 0f);
            boolean filterNorms = !filterDropped && start - from >= filterAfterRows && rowNormsAreSafe(rows, padded);
            long pairs = 0;
            wastedRechecks = 0;
            for (QueryGroups g : groups) {
                boolean filter = filterNorms && g.hasL2Filter();
                for (int gi = 0; gi < g.groupCount(); gi++) {
                    scanGroup(g, gi, rows, padded, start, ids, tops, filter);
                }
                pairs += (long) rows * g.groupCount() * g.width;
            }
            if (wastedRechecks * MAX_RECHECK_SHARE > pairs) filterDropped = true;
        }
    }

    /** Fills {@link #rowNorms}; false when a norm is too large for the estimate not to overflow. */
    private boolean rowNormsAreSafe(int rows, int padded) {
        int upper = LaneKernels.SPECIES.loopBound(d);
        for (int r = 0; r < rows; r++) {
            int o = r * d;
            FloatVector acc = FloatVector.zero(LaneKernels.SPECIES);
            for (int c = 0; c < upper; c += LaneKernels.LANES) {
                FloatVector x = FloatVector.fromArray(LaneKernels.SPECIES, block, o + c);
                acc = x.fma(x, acc);
            }
            // Unspecified lane order is fine here: the norms only steer the filter, whose
            // error bound does not depend on the order of the sum.
            float sum = acc.reduceLanes(VectorOperators.ADD);
            for (int c = upper; c < d; c++) sum = Math.fma(block[o + c], block[o + c], sum);
            if (!(sum <= QueryGroups.MAX_SAFE_NORM)) return false;
            rowNorms[r] = sum;
        }
        Arrays.fill(rowNorms, rows, padded, 0f);
        return true;
    }

    private void scanGroup(QueryGroups g, int gi, int rows, int padded, long firstRow, MemorySegment ids, TopK[] tops,
            boolean filter) {
        int width = g.width;
        int laneBase = gi * width;
        for (int l = 0; l < width; l++) {
            int q = g.queryOf[laneBase + l];
            // An unused lane never passes: no finite key is <= -inf.
            thresholds[l] = q < 0 ? Float.NEGATIVE_INFINITY : tops[q].threshold();
        }
        if (perQuery) {
            for (int l = 0; l < width; l++) {
                if (g.queryOf[laneBase + l] >= 0) scanOneQuery(g, laneBase, l, rows, padded, firstRow, ids, tops);
            }
            return;
        }
        boolean wide = width == LaneKernels.WIDE;
        int step = wide ? LaneKernels.WIDE_ROWS : LaneKernels.NARROW_ROWS;
        for (int r = 0; r < padded; r += step) {
            int bo = r * d;
            if (filter) {
                float[] q = g.scaled[gi];
                if (wide) LaneKernels.ipWide(q, block, bo, d, rowNorms, r, keys);
                else LaneKernels.ipNarrow(q, block, bo, d, rowNorms, r, keys);
            } else if (innerProduct) {
                float[] q = g.packed[gi];
                if (wide) LaneKernels.ipWide(q, block, bo, d, ZERO_START, 0, keys);
                else LaneKernels.ipNarrow(q, block, bo, d, ZERO_START, 0, keys);
            } else {
                float[] q = g.packed[gi];
                if (wide) LaneKernels.l2Wide(q, block, bo, d, keys);
                else LaneKernels.l2Narrow(q, block, bo, d, keys);
            }
            int valid = Math.min(step, rows - r);
            for (int rr = 0; rr < valid; rr++) {
                long row = firstRow + r + rr;
                for (int v = 0; v < width; v += LaneKernels.LANES) {
                    if (filter) collectFiltered(g, gi, v, rr * width + v, r + rr, row, ids, tops);
                    else collect(g, laneBase, v, rr * width + v, row, ids, tops);
                }
            }
        }
    }

    /** The block against one query of a group, with {@link QueryKernels}. */
    private void scanOneQuery(QueryGroups g, int laneBase, int lane, int rows, int padded, long firstRow,
            MemorySegment ids, TopK[] tops) {
        int query = g.queryOf[laneBase + lane];
        TopK top = tops[query];
        float threshold = thresholds[lane];
        int qo = query * d;
        for (int r = 0; r < padded; r += QueryKernels.ROWS) {
            if (innerProduct) QueryKernels.ip(g.source, qo, block, r * d, d, keys, scratch);
            else QueryKernels.l2(g.source, qo, block, r * d, d, keys, scratch);
            int valid = Math.min(QueryKernels.ROWS, rows - r);
            for (int rr = 0; rr < valid; rr++) {
                // <= rather than <: an equal key with a smaller id must still enter.
                if (keys[rr] <= threshold) {
                    long row = firstRow + r + rr;
                    if (top.offer(keys[rr], ids == null ? row : ids.getAtIndex(ID, row))) threshold = top.threshold();
                }
            }
        }
    }

    /** Offers the lanes {@code [v, v+LANES)} of one row's keys that pass their query's threshold. */
    private void collect(QueryGroups g, int laneBase, int v, int keyOffset, long row, MemorySegment ids, TopK[] tops) {
        FloatVector k = FloatVector.fromArray(LaneKernels.SPECIES, keys, keyOffset);
        // <= rather than <: an equal key with a smaller id must still enter (ties -> smaller id).
        VectorMask<Float> pass = k.compare(VectorOperators.LE, FloatVector.fromArray(LaneKernels.SPECIES, thresholds, v));
        if (!pass.anyTrue()) return;
        long bits = pass.toLong();
        long id = ids == null ? row : ids.getAtIndex(ID, row);
        while (bits != 0) {
            int lane = Long.numberOfTrailingZeros(bits);
            bits &= bits - 1;
            int query = g.queryOf[laneBase + v + lane];
            if (query < 0) continue; // an unused lane whose key overflowed to -inf
            TopK top = tops[query];
            if (top.offer(keys[keyOffset + lane], id)) thresholds[v + lane] = top.threshold();
        }
    }

    /**
     * The filtered form of {@link #collect}: lanes whose estimate may be within the threshold
     * get their exact direct-form key, which alone is offered.
     */
    private void collectFiltered(QueryGroups g, int gi, int v, int keyOffset, int blockRow, long row,
            MemorySegment ids, TopK[] tops) {
        FloatVector qNorm = FloatVector.fromArray(LaneKernels.SPECIES, g.norms[gi], v);
        FloatVector estimate = FloatVector.fromArray(LaneKernels.SPECIES, keys, keyOffset).add(qNorm);
        FloatVector t = FloatVector.fromArray(LaneKernels.SPECIES, thresholds, v);
        FloatVector slack = qNorm.add(rowNorms[blockRow]).add(t.abs()).mul(errorScale);
        // Unused lanes: -inf + inf is NaN, and NaN compares false.
        VectorMask<Float> pass = estimate.compare(VectorOperators.LE, t.add(slack));
        if (!pass.anyTrue()) return;
        long bits = pass.toLong();
        long id = ids == null ? row : ids.getAtIndex(ID, row);
        int laneBase = gi * g.width;
        while (bits != 0) {
            int lane = Long.numberOfTrailingZeros(bits);
            bits &= bits - 1;
            int query = g.queryOf[laneBase + v + lane];
            if (query < 0) continue;
            float exact = LaneKernels.l2Exact(g.source, query * d, block, blockRow * d, d);
            TopK top = tops[query];
            if (top.offer(exact, id)) {
                thresholds[v + lane] = top.threshold();
            } else {
                wastedRechecks++; // the filter's price: a pair the direct kernel would have rejected
            }
        }
    }
}
