package dev.komsu.kernels.cpu;

import dev.komsu.kernels.DenseRefine;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.TopK;
import java.lang.foreign.MemorySegment;

/**
 * Exact L2 keys of one query against many rows of a base, for the pruned path's re-check
 * ({@link PrunedFilter}): eight rows at a time, copied to the heap first, then eight
 * independent FMA chains over plain arrays. Each chain is {@link DenseRefine#exactKey}'s
 * ({@code u = q_c - x_c}, {@code acc = fma(u, u, acc)}, c in order), so the bits are the same.
 * Why: reading the rows element by element from the off-heap base (bounds and liveness checks
 * per float, four chains) took ~45% of an nprobe-1 search on Fashion-MNIST once the scan of
 * the projected rows had become cheap. The loop is {@link DenseRefine#l2Keys}'s over plain
 * arrays: calling that with a heap segment of the copied rows made a Fashion-MNIST k-means ~8 %
 * slower (KMeansTrainingTime, alternated, quiet). One per thread; not thread-safe.
 */
final class ExactRows {
    private static final int ROWS = 8;

    private final FloatMatrix base;
    private final int d;
    private final float[] rows;
    private final float[] keys = new float[ROWS];

    ExactRows(FloatMatrix base) {
        this.base = base;
        this.d = base.cols();
        this.rows = new float[ROWS * d];
    }

    /** Offers rows {@code ids[0 .. count)} with their exact keys against {@code q[qo .. qo+d)} to {@code top}. */
    void offer(float[] q, int qo, long[] ids, int count, TopK top) {
        MemorySegment seg = base.segment();
        for (int from = 0; from < count; from += ROWS) {
            int n = Math.min(ROWS, count - from);
            for (int j = 0; j < n; j++) MemorySegment.copy(seg, FloatMatrix.FLOAT, base.rowOffset(ids[from + j]), rows, j * d, d);
            if (n < ROWS) java.util.Arrays.fill(rows, n * d, ROWS * d, 0f);
            float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f, a4 = 0f, a5 = 0f, a6 = 0f, a7 = 0f;
            for (int c = 0; c < d; c++) {
                float x = q[qo + c];
                float u0 = x - rows[c];
                float u1 = x - rows[d + c];
                float u2 = x - rows[2 * d + c];
                float u3 = x - rows[3 * d + c];
                float u4 = x - rows[4 * d + c];
                float u5 = x - rows[5 * d + c];
                float u6 = x - rows[6 * d + c];
                float u7 = x - rows[7 * d + c];
                a0 = Math.fma(u0, u0, a0);
                a1 = Math.fma(u1, u1, a1);
                a2 = Math.fma(u2, u2, a2);
                a3 = Math.fma(u3, u3, a3);
                a4 = Math.fma(u4, u4, a4);
                a5 = Math.fma(u5, u5, a5);
                a6 = Math.fma(u6, u6, a6);
                a7 = Math.fma(u7, u7, a7);
            }
            keys[0] = a0;
            keys[1] = a1;
            keys[2] = a2;
            keys[3] = a3;
            keys[4] = a4;
            keys[5] = a5;
            keys[6] = a6;
            keys[7] = a7;
            for (int j = 0; j < n; j++) top.offer(keys[j], ids[from + j]);
        }
    }
}
