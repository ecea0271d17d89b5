package dev.komsu.kernels.cpu;

import dev.komsu.kernels.BaseNorms;
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
 * <p>Two modes. <b>Direct</b> (no {@link BaseNorms}): exact keys, {@code (q-x)^2} or
 * {@code -q.x}, for IVF-Flat list scans and the dense path's fallback. <b>Dense</b> (with the
 * base's norms): rows are centred as they are copied and the keys are the dot-product tile's
 * estimates ({@link LaneKernels#dotWide}: {@code |x-c|^2 - 2(q-c).(x-c)} for L2, queries packed
 * as {@code -2(q-c)}; {@code -q.x} for inner product), whose candidates the caller re-checks
 * ({@code DenseRefine}).
 */
final class BlockScanner {
    private static final ValueLayout.OfLong ID = ValueLayout.JAVA_LONG_UNALIGNED;
    /** Block size target in floats (128 KiB): leaves room in a 512 KiB L2 for the query groups. */
    private static final int BLOCK_FLOATS = 32 * 1024;
    /** Rows per step: every kernel shape (4 and 8 rows) divides it. */
    private static final int ROW_STEP = Math.max(Math.max(LaneKernels.WIDE_ROWS, LaneKernels.DOT_ROWS), LaneKernels.NARROW_ROWS);
    private static final float[] ZERO_START = new float[ROW_STEP];

    private final int d;
    private final boolean innerProduct;
    private final BaseNorms dense;
    private final float[] centre;
    private final int blockRows;
    private final float[] block;
    private final float[] rowNorms;
    private final float[] keys = new float[Math.max(LaneKernels.WIDE * LaneKernels.DOT_ROWS,
            LaneKernels.LANES * LaneKernels.NARROW_ROWS)];
    private final float[] thresholds = new float[LaneKernels.WIDE];
    private final boolean perQuery;
    private final float[] scratch = new float[LaneKernels.LANES];
    /** {@link #keys}'s output while it runs (null: offer to the top-k), query q's row r at {@code q * everyStride + r}. */
    private float[] every;
    private int everyStride;

    /**
     * A scanner for rows of {@code d} floats; {@code maxRows}, the most rows one {@link #scan}
     * will see, keeps the buffer small for short scans (a single query's lists), where
     * allocating and zeroing a full block cost more than the scan. {@code perQuery} selects
     * {@link QueryKernels} (batches of one or two queries). {@code dense}: the base's norms for
     * the dense mode, or null for the direct one.
     */
    BlockScanner(int d, Metric metric, long maxRows, boolean perQuery, BaseNorms dense) {
        this.d = d;
        this.perQuery = perQuery;
        this.innerProduct = metric == Metric.INNER_PRODUCT;
        this.dense = dense;
        this.centre = dense != null && !innerProduct ? new float[d] : null;
        if (centre != null) dense.copyCentre(centre, 0);
        long fit = (Math.max(1, maxRows) + ROW_STEP - 1) / ROW_STEP * ROW_STEP;
        this.blockRows = (int) Math.min(fit, Math.max(ROW_STEP, BLOCK_FLOATS / d / ROW_STEP * ROW_STEP));
        this.block = new float[blockRows * d];
        this.rowNorms = dense != null && !innerProduct ? new float[blockRows] : null;
    }

    /**
     * Offers every row {@code r} in {@code [from, to)} of {@code vectors} (row-major, d floats
     * per row) to the top-k of every query in {@code groups}, labelled {@code ids[r]} or, when
     * {@code ids} is null, {@code r} itself. {@code tops} is indexed by query number.
     */
    void scan(List<QueryGroups> groups, MemorySegment vectors, long from, long to, MemorySegment ids, TopK[] tops) {
        if (centre == null && !innerProduct && !perQuery && every == null && groups.size() == 1
                && groups.get(0).width == LaneKernels.LANES && groups.get(0).groupCount() == 1) {
            scanNarrowInPlace(groups.get(0), vectors, from, to, ids, tops);
            return;
        }
        for (long start = from; start < to; start += blockRows) {
            int rows = (int) Math.min(blockRows, to - start);
            MemorySegment.copy(vectors, FloatMatrix.FLOAT, start * d * Float.BYTES, block, 0, rows * d);
            int padded = (rows + ROW_STEP - 1) / ROW_STEP * ROW_STEP;
            // Padding rows are zeros: computed like any row, never offered.
            if (padded > rows) Arrays.fill(block, rows * d, padded * d, 0f);
            if (centre != null) centreBlock(rows, start, padded);
            for (QueryGroups g : groups) {
                for (int gi = 0; gi < g.groupCount(); gi++) scanGroup(g, gi, rows, padded, start, ids, tops);
            }
        }
    }

    /**
     * Every key of rows {@code [0, n)} of {@code vectors} for every query of {@code groups}, into
     * {@code out[query * n + row]}, no top-k: for the pruned path's first stage on short bases
     * ({@link PrunedFilter}), where a candidate heap cost more than the scan.
     */
    void keys(List<QueryGroups> groups, MemorySegment vectors, int n, float[] out) {
        every = out;
        everyStride = n;
        try {
            scan(groups, vectors, 0, n, null, null);
        } finally {
            every = null;
        }
    }

    /**
     * One narrow group of direct L2 queries against rows {@code [from, to)}, read in place
     * ({@link LaneKernels#l2Narrow(float[], MemorySegment, long, int, float[])}); only the last
     * rows short of a full step go through the block, zero-padded. An IVF list probed by a few
     * queries is read once either way, and in place its loads overlap the arithmetic: an RVC
     * chunk (100 queries, ~95 lists of ~140 rows x 768) spent about half its search in this scan.
     */
    private void scanNarrowInPlace(QueryGroups g, MemorySegment vectors, long from, long to, MemorySegment ids, TopK[] tops) {
        int width = g.width;
        for (int l = 0; l < width; l++) {
            int q = g.queryOf[l];
            thresholds[l] = q < 0 ? Float.NEGATIVE_INFINITY : tops[q].threshold();
        }
        float[] q = g.packed[0];
        int step = LaneKernels.NARROW_ROWS;
        long rowBytes = (long) d * Float.BYTES;
        long r = from;
        for (; r + step <= to; r += step) {
            LaneKernels.l2Narrow(q, vectors, r * rowBytes, d, keys);
            for (int rr = 0; rr < step; rr++) collect(g, 0, 0, rr * width, r + rr, ids, tops);
        }
        int rows = (int) (to - r);
        if (rows == 0) return;
        MemorySegment.copy(vectors, FloatMatrix.FLOAT, r * rowBytes, block, 0, rows * d);
        Arrays.fill(block, rows * d, step * d, 0f); // padding rows: computed, never offered
        LaneKernels.l2Narrow(q, block, 0, d, keys);
        for (int rr = 0; rr < rows; rr++) collect(g, 0, 0, rr * width, r + rr, ids, tops);
    }

    /**
     * Direct L2 keys of one query ({@code q[qo ..]}, unpacked) against rows {@code [0, n)} of
     * {@code vectors}, offered to {@code top} labelled {@code ids[r]}: the lane kernels' bits
     * ({@link LaneKernels#l2OneQuery}) with no packed copy of the query and no block copy of the
     * rows, which are read in place (their loads then overlap the arithmetic).
     */
    void scanOne(float[] q, int qo, MemorySegment vectors, long n, MemorySegment ids, TopK top) {
        int step = LaneKernels.NARROW_ROWS;
        long rowBytes = (long) d * Float.BYTES;
        float threshold = top.threshold();
        for (long r = 0; r < n; r += step) {
            int rows = (int) Math.min(step, n - r);
            LaneKernels.l2OneQuery(q, qo, vectors, r * rowBytes, rowBytes, rows, d, keys);
            threshold = offerRows(r, rows, ids, top, threshold);
        }
    }

    private float offerRows(long first, int count, MemorySegment ids, TopK top, float threshold) {
        for (int rr = 0; rr < count; rr++) {
            // <= rather than <: an equal key with a smaller id must still enter (ties -> smaller id).
            if (keys[rr] <= threshold) {
                long row = first + rr;
                if (top.offer(keys[rr], ids == null ? row : ids.getAtIndex(ID, row))) threshold = top.threshold();
            }
        }
        return threshold;
    }

    /** {@code fl(x - c)} for every row of the block, and the rows' centred norms. */
    private void centreBlock(int rows, long firstRow, int padded) {
        int upper = LaneKernels.SPECIES.loopBound(d);
        for (int r = 0; r < rows; r++) {
            int o = r * d;
            for (int c = 0; c < upper; c += LaneKernels.LANES) {
                FloatVector.fromArray(LaneKernels.SPECIES, block, o + c)
                        .sub(FloatVector.fromArray(LaneKernels.SPECIES, centre, c))
                        .intoArray(block, o + c);
            }
            for (int c = upper; c < d; c++) block[o + c] -= centre[c];
        }
        dense.copyNorms(firstRow, rowNorms, 0, rows);
        Arrays.fill(rowNorms, rows, padded, 0f);
    }

    private void scanGroup(QueryGroups g, int gi, int rows, int padded, long firstRow, MemorySegment ids, TopK[] tops) {
        int width = g.width;
        int laneBase = gi * width;
        for (int l = 0; l < width; l++) {
            int q = g.queryOf[laneBase + l];
            // An unused lane never passes: no finite key is <= -inf.
            thresholds[l] = q < 0 ? Float.NEGATIVE_INFINITY : every != null ? Float.POSITIVE_INFINITY : tops[q].threshold();
        }
        if (perQuery) {
            for (int l = 0; l < width; l++) {
                if (g.queryOf[laneBase + l] >= 0) scanOneQuery(g, laneBase, l, rows, padded, firstRow, ids, tops);
            }
            return;
        }
        boolean wide = width == LaneKernels.WIDE;
        boolean dot = dense != null || innerProduct;
        int step = !wide ? LaneKernels.NARROW_ROWS : dot ? LaneKernels.DOT_ROWS : LaneKernels.WIDE_ROWS;
        float[] start = rowNorms != null ? rowNorms : ZERO_START;
        float[] q = g.packed[gi];
        for (int r = 0; r < padded; r += step) {
            int bo = r * d;
            int s = rowNorms != null ? r : 0;
            if (dot) {
                if (wide) LaneKernels.dotWide(q, block, bo, d, start, s, keys);
                else LaneKernels.ipNarrow(q, block, bo, d, start, s, keys);
            } else {
                if (wide) LaneKernels.l2Wide(q, block, bo, d, keys);
                else LaneKernels.l2Narrow(q, block, bo, d, keys);
            }
            int valid = Math.min(step, rows - r);
            if (every != null) {
                store(g, laneBase, (int) firstRow + r, valid);
                continue;
            }
            for (int rr = 0; rr < valid; rr++) {
                long row = firstRow + r + rr;
                for (int v = 0; v < width; v += LaneKernels.LANES) collect(g, laneBase, v, rr * width + v, row, ids, tops);
            }
        }
    }

    /** The block against one query of a group, with {@link QueryKernels}. */
    private void scanOneQuery(QueryGroups g, int laneBase, int lane, int rows, int padded, long firstRow,
            MemorySegment ids, TopK[] tops) {
        int query = g.queryOf[laneBase + lane];
        TopK top = every != null ? null : tops[query];
        float threshold = thresholds[lane];
        int qo = query * d;
        for (int r = 0; r < padded; r += QueryKernels.ROWS) {
            if (dense != null || innerProduct) QueryKernels.ip(g.source, qo, block, r * d, d, keys, scratch);
            else QueryKernels.l2(g.source, qo, block, r * d, d, keys, scratch);
            int valid = Math.min(QueryKernels.ROWS, rows - r);
            for (int rr = 0; rr < valid; rr++) {
                float key = rowNorms != null ? rowNorms[r + rr] + keys[rr] : keys[rr];
                if (every != null) {
                    every[query * everyStride + (int) firstRow + r + rr] = key;
                    continue;
                }
                // <= rather than <: an equal key with a smaller id must still enter.
                if (key <= threshold) {
                    long row = firstRow + r + rr;
                    if (top.offer(key, ids == null ? row : ids.getAtIndex(ID, row))) threshold = top.threshold();
                }
            }
        }
    }

    /** {@link #keys}: the keys of {@code valid} rows from {@code row} for every used lane of a group. */
    private void store(QueryGroups g, int laneBase, int row, int valid) {
        int width = g.width;
        for (int l = 0; l < width; l++) {
            int query = g.queryOf[laneBase + l];
            if (query < 0) continue;
            int o = query * everyStride + row;
            for (int rr = 0; rr < valid; rr++) every[o + rr] = keys[rr * width + l];
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
}
