package dev.komsu.kernels.cpu;

import dev.komsu.kernels.DenseRefine;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-blocked distance kernels: a group of packed queries (one query per lane, see
 * {@link QueryGroups}) against a few base rows broadcast one dimension at a time, like the
 * micro-kernel of a GEMM. Each lane accumulates its (query, row) pair over dimensions
 * 0..d-1 in order with one fused multiply-add per dimension, so:
 * <ul>
 * <li>no horizontal reduction is needed (Vector API float reductions have an unspecified order
 * that differed between the interpreter and C2, breaking ties between identical vectors);</li>
 * <li>every kernel shape gives the same bits for a pair: results do not depend on which lane,
 * group, block or thread a pair lands in.</li>
 * </ul>
 * Direct L2 keys {@code (q-b)^2} ({@link #l2Wide}, {@link #l2Narrow}) serve IVF-Flat list
 * scans, as in faiss, and the dense path's fallback; the direct form measured ~25% slower than
 * the dot-product kernels (the subtraction shares the FP pipes with the FMAs). The dense path
 * ({@link BlockScanner} with {@code BaseNorms}) runs the dot-product tiles ({@link #dotWide},
 * {@link #ipNarrow}) on centred rows and re-checks its candidates ({@code DenseRefine}).
 *
 * <p>Wide kernels: 2 vectors of queries x 4 rows (8 accumulators). Narrow kernels: 1 vector of
 * queries x 8 rows, for groups of at most one vector's worth of queries (small batches). Both
 * keep 8 independent FMA chains in flight (2 FMA pipes x 4 cycles latency).
 */
final class LaneKernels {
    // Species must be a static final constant: passed around as a value, C2 cannot specialise
    // the loop and it ran slower than scalar in our prototype.
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int LANES = SPECIES.length();
    static final int WIDE = 2 * LANES;
    static final int WIDE_ROWS = 4;
    /**
     * Rows of the dot-product tile. 2 vectors x 4 rows (8 accumulators) measured 67-76 GFLOP/s
     * on the AVX2 EPYC (nq=256, n=20000, d=768, one thread); 2 x 6 (12 accumulators) ran at 36:
     * with 16 ymm registers C2 spills. AVX-512's 32 registers may take a taller tile: unmeasured.
     */
    static final int DOT_ROWS = 4;
    static final int NARROW_ROWS = 8;
    private static final ValueLayout.OfFloat ROW = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private LaneKernels() {
    }

    /** Keys of 4 rows ({@code b[bo + r*d ..]}) x 2*LANES queries into {@code out[r * WIDE + lane]}. */
    static void l2Wide(float[] q, float[] b, int bo, int d, float[] out) {
        int o0 = bo, o1 = o0 + d, o2 = o1 + d, o3 = o2 + d;
        FloatVector a00 = FloatVector.zero(SPECIES), a01 = a00, a10 = a00, a11 = a00;
        FloatVector a20 = a00, a21 = a00, a30 = a00, a31 = a00;
        for (int c = 0, qo = 0; c < d; c++, qo += WIDE) {
            FloatVector x0 = FloatVector.fromArray(SPECIES, q, qo);
            FloatVector x1 = FloatVector.fromArray(SPECIES, q, qo + LANES);
            FloatVector y = FloatVector.broadcast(SPECIES, b[o0 + c]);
            FloatVector u = x0.sub(y);
            a00 = u.fma(u, a00);
            u = x1.sub(y);
            a01 = u.fma(u, a01);
            y = FloatVector.broadcast(SPECIES, b[o1 + c]);
            u = x0.sub(y);
            a10 = u.fma(u, a10);
            u = x1.sub(y);
            a11 = u.fma(u, a11);
            y = FloatVector.broadcast(SPECIES, b[o2 + c]);
            u = x0.sub(y);
            a20 = u.fma(u, a20);
            u = x1.sub(y);
            a21 = u.fma(u, a21);
            y = FloatVector.broadcast(SPECIES, b[o3 + c]);
            u = x0.sub(y);
            a30 = u.fma(u, a30);
            u = x1.sub(y);
            a31 = u.fma(u, a31);
        }
        storeWide(out, a00, a01, a10, a11, a20, a21, a30, a31);
    }

    /**
     * The dense kernel's tile: dot products of 4 rows x 2*LANES queries (8 accumulators: 2
     * vector loads and 4 broadcasts feed 8 FMAs per dimension), each sum starting from
     * {@code start[s + r]} for row r, into {@code out[r * WIDE + lane]}. With queries packed
     * as {@code -2(q-c)} and starts {@code |x-c|^2} the keys are the L2 expansion less
     * {@code |q-c|^2}; with {@code -q} and zero starts, {@code -q.x} (inner product; a zero
     * start gives the same bits as none).
     */
    static void dotWide(float[] q, float[] b, int bo, int d, float[] start, int s, float[] out) {
        int o0 = bo, o1 = o0 + d, o2 = o1 + d, o3 = o2 + d;
        FloatVector a00 = FloatVector.broadcast(SPECIES, start[s]), a01 = a00;
        FloatVector a10 = FloatVector.broadcast(SPECIES, start[s + 1]), a11 = a10;
        FloatVector a20 = FloatVector.broadcast(SPECIES, start[s + 2]), a21 = a20;
        FloatVector a30 = FloatVector.broadcast(SPECIES, start[s + 3]), a31 = a30;
        for (int c = 0, qo = 0; c < d; c++, qo += WIDE) {
            FloatVector x0 = FloatVector.fromArray(SPECIES, q, qo);
            FloatVector x1 = FloatVector.fromArray(SPECIES, q, qo + LANES);
            FloatVector y = FloatVector.broadcast(SPECIES, b[o0 + c]);
            a00 = x0.fma(y, a00);
            a01 = x1.fma(y, a01);
            y = FloatVector.broadcast(SPECIES, b[o1 + c]);
            a10 = x0.fma(y, a10);
            a11 = x1.fma(y, a11);
            y = FloatVector.broadcast(SPECIES, b[o2 + c]);
            a20 = x0.fma(y, a20);
            a21 = x1.fma(y, a21);
            y = FloatVector.broadcast(SPECIES, b[o3 + c]);
            a30 = x0.fma(y, a30);
            a31 = x1.fma(y, a31);
        }
        storeWide(out, a00, a01, a10, a11, a20, a21, a30, a31);
    }

    private static void storeWide(float[] out, FloatVector a00, FloatVector a01, FloatVector a10, FloatVector a11,
            FloatVector a20, FloatVector a21, FloatVector a30, FloatVector a31) {
        a00.intoArray(out, 0);
        a01.intoArray(out, LANES);
        a10.intoArray(out, WIDE);
        a11.intoArray(out, WIDE + LANES);
        a20.intoArray(out, 2 * WIDE);
        a21.intoArray(out, 2 * WIDE + LANES);
        a30.intoArray(out, 3 * WIDE);
        a31.intoArray(out, 3 * WIDE + LANES);
    }

    /** Keys of 8 rows x LANES queries into {@code out[r * LANES + lane]}. */
    static void l2Narrow(float[] q, float[] b, int bo, int d, float[] out) {
        FloatVector a0 = FloatVector.zero(SPECIES), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int c = 0, p = bo; c < d; c++, p++) {
            FloatVector x = FloatVector.fromArray(SPECIES, q, c * LANES);
            FloatVector u = x.sub(b[p]);
            a0 = u.fma(u, a0);
            u = x.sub(b[p + d]);
            a1 = u.fma(u, a1);
            u = x.sub(b[p + 2 * d]);
            a2 = u.fma(u, a2);
            u = x.sub(b[p + 3 * d]);
            a3 = u.fma(u, a3);
            u = x.sub(b[p + 4 * d]);
            a4 = u.fma(u, a4);
            u = x.sub(b[p + 5 * d]);
            a5 = u.fma(u, a5);
            u = x.sub(b[p + 6 * d]);
            a6 = u.fma(u, a6);
            u = x.sub(b[p + 7 * d]);
            a7 = u.fma(u, a7);
        }
        storeNarrow(out, a0, a1, a2, a3, a4, a5, a6, a7);
    }

    /**
     * {@link #l2Narrow} reading the 8 rows straight from {@code b} at byte offset {@code bo}
     * (rows {@code d} floats apart): the same operations in the same order, so the same bits.
     * For lists probed by one narrow group (an RVC chunk: ~1 query per list), where the block
     * copy of the list cost a pass through memory that nothing overlapped with the arithmetic.
     */
    static void l2Narrow(float[] q, MemorySegment b, long bo, int d, float[] out) {
        FloatVector a0 = FloatVector.zero(SPECIES), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        long rs = (long) d * Float.BYTES;
        for (int c = 0; c < d; c++) {
            long p = bo + (long) c * Float.BYTES;
            FloatVector x = FloatVector.fromArray(SPECIES, q, c * LANES);
            FloatVector u = x.sub(b.get(ROW, p));
            a0 = u.fma(u, a0);
            u = x.sub(b.get(ROW, p + rs));
            a1 = u.fma(u, a1);
            u = x.sub(b.get(ROW, p + 2 * rs));
            a2 = u.fma(u, a2);
            u = x.sub(b.get(ROW, p + 3 * rs));
            a3 = u.fma(u, a3);
            u = x.sub(b.get(ROW, p + 4 * rs));
            a4 = u.fma(u, a4);
            u = x.sub(b.get(ROW, p + 5 * rs));
            a5 = u.fma(u, a5);
            u = x.sub(b.get(ROW, p + 6 * rs));
            a6 = u.fma(u, a6);
            u = x.sub(b.get(ROW, p + 7 * rs));
            a7 = u.fma(u, a7);
        }
        storeNarrow(out, a0, a1, a2, a3, a4, a5, a6, a7);
    }

    /**
     * Direct L2 keys of one query ({@code q[qo ..]}) against {@code rows} (1 to 8) rows read in
     * place from {@code b}, the first at byte offset {@code bo}, the next {@code rowBytes}
     * apart, into {@code out[0 .. rows)} (the rest of {@code out[0..8)} repeats the last row):
     * eight scalar chains, each the lane kernels' operations in their order ({@code u = q - x},
     * one fused multiply-add per dimension), so the same bits as any lane of {@link #l2Narrow}.
     * For a list probed by a single query, where a narrow group used one lane of eight and
     * cost a packed copy of the query (LANES x d floats) per list as well.
     */
    static void l2OneQuery(float[] q, int qo, MemorySegment b, long bo, long rowBytes, int rows, int d, float[] out) {
        long last = rows - 1;
        DenseRefine.l2Keys(q, qo, b, bo, bo + Math.min(1, last) * rowBytes, bo + Math.min(2, last) * rowBytes,
                bo + Math.min(3, last) * rowBytes, bo + Math.min(4, last) * rowBytes, bo + Math.min(5, last) * rowBytes,
                bo + Math.min(6, last) * rowBytes, bo + Math.min(7, last) * rowBytes, d, out);
    }

    /** Like {@link #dotWide} for 8 rows x LANES queries. */
    static void ipNarrow(float[] q, float[] b, int bo, int d, float[] start, int s, float[] out) {
        FloatVector a0 = FloatVector.broadcast(SPECIES, start[s]);
        FloatVector a1 = FloatVector.broadcast(SPECIES, start[s + 1]);
        FloatVector a2 = FloatVector.broadcast(SPECIES, start[s + 2]);
        FloatVector a3 = FloatVector.broadcast(SPECIES, start[s + 3]);
        FloatVector a4 = FloatVector.broadcast(SPECIES, start[s + 4]);
        FloatVector a5 = FloatVector.broadcast(SPECIES, start[s + 5]);
        FloatVector a6 = FloatVector.broadcast(SPECIES, start[s + 6]);
        FloatVector a7 = FloatVector.broadcast(SPECIES, start[s + 7]);
        for (int c = 0, p = bo; c < d; c++, p++) {
            FloatVector x = FloatVector.fromArray(SPECIES, q, c * LANES);
            a0 = x.fma(FloatVector.broadcast(SPECIES, b[p]), a0);
            a1 = x.fma(FloatVector.broadcast(SPECIES, b[p + d]), a1);
            a2 = x.fma(FloatVector.broadcast(SPECIES, b[p + 2 * d]), a2);
            a3 = x.fma(FloatVector.broadcast(SPECIES, b[p + 3 * d]), a3);
            a4 = x.fma(FloatVector.broadcast(SPECIES, b[p + 4 * d]), a4);
            a5 = x.fma(FloatVector.broadcast(SPECIES, b[p + 5 * d]), a5);
            a6 = x.fma(FloatVector.broadcast(SPECIES, b[p + 6 * d]), a6);
            a7 = x.fma(FloatVector.broadcast(SPECIES, b[p + 7 * d]), a7);
        }
        storeNarrow(out, a0, a1, a2, a3, a4, a5, a6, a7);
    }

    private static void storeNarrow(float[] out, FloatVector a0, FloatVector a1, FloatVector a2, FloatVector a3,
            FloatVector a4, FloatVector a5, FloatVector a6, FloatVector a7) {
        a0.intoArray(out, 0);
        a1.intoArray(out, LANES);
        a2.intoArray(out, 2 * LANES);
        a3.intoArray(out, 3 * LANES);
        a4.intoArray(out, 4 * LANES);
        a5.intoArray(out, 5 * LANES);
        a6.intoArray(out, 6 * LANES);
        a7.intoArray(out, 7 * LANES);
    }
}
