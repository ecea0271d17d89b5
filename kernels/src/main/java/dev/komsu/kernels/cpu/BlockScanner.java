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
 */
final class BlockScanner {
    private static final ValueLayout.OfLong ID = ValueLayout.JAVA_LONG_UNALIGNED;
    /** Block size target in floats (128 KiB): leaves room in a 512 KiB L2 for the query groups. */
    private static final int BLOCK_FLOATS = 32 * 1024;
    private static final int ROW_STEP = Math.max(LaneKernels.WIDE_ROWS, LaneKernels.NARROW_ROWS);

    private final int d;
    private final boolean innerProduct;
    private final int blockRows;
    private final float[] block;
    private final float[] keys = new float[Math.max(LaneKernels.WIDE * LaneKernels.WIDE_ROWS,
            LaneKernels.LANES * LaneKernels.NARROW_ROWS)];
    private final float[] thresholds = new float[LaneKernels.WIDE];

    BlockScanner(int d, Metric metric) {
        this.d = d;
        this.innerProduct = metric == Metric.INNER_PRODUCT;
        this.blockRows = Math.max(ROW_STEP, BLOCK_FLOATS / d / ROW_STEP * ROW_STEP);
        this.block = new float[blockRows * d];
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
            for (QueryGroups g : groups) {
                for (int gi = 0; gi < g.groupCount(); gi++) {
                    scanGroup(g, gi, rows, padded, start, ids, tops);
                }
            }
        }
    }

    private void scanGroup(QueryGroups g, int gi, int rows, int padded, long firstRow, MemorySegment ids, TopK[] tops) {
        int width = g.width;
        int laneBase = gi * width;
        for (int l = 0; l < width; l++) {
            int q = g.queryOf[laneBase + l];
            // An unused lane never passes: no finite key is <= -inf.
            thresholds[l] = q < 0 ? Float.NEGATIVE_INFINITY : tops[q].threshold();
        }
        float[] q = g.packed[gi];
        boolean wide = width == LaneKernels.WIDE;
        int step = wide ? LaneKernels.WIDE_ROWS : LaneKernels.NARROW_ROWS;
        for (int r = 0; r < padded; r += step) {
            if (wide) {
                if (innerProduct) LaneKernels.ipWide(q, block, r * d, d, keys);
                else LaneKernels.l2Wide(q, block, r * d, d, keys);
            } else {
                if (innerProduct) LaneKernels.ipNarrow(q, block, r * d, d, keys);
                else LaneKernels.l2Narrow(q, block, r * d, d, keys);
            }
            int valid = Math.min(step, rows - r);
            for (int rr = 0; rr < valid; rr++) {
                long row = firstRow + r + rr;
                for (int v = 0; v < width; v += LaneKernels.LANES) {
                    collect(g, laneBase, v, rr * width + v, row, ids, tops);
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
}
