package dev.komsu.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels for one query at a time, vectorised over dimensions: one query against 4 rows, each
 * pair accumulated in LANES partial sums that are added in a fixed order at the end. For
 * batches of one or two queries, where {@link LaneKernels} would leave most lanes empty (a
 * single query ran at ~1/8 of the lane kernels' rate).
 *
 * <p>The partial sums are added by a fixed tree written out here, never by the Vector API's
 * {@code reduceLanes}, whose float order is unspecified and differed between the interpreter
 * and C2 (identical rows then got different distances). So identical rows still get identical
 * bits; the last bits may differ from the lane kernels' in-order sums, which is why the backend
 * picks this path from the batch size alone, never from the thread count.
 */
final class QueryKernels {
    // Species must be a static final constant (see LaneKernels).
    private static final VectorSpecies<Float> SPECIES = LaneKernels.SPECIES;
    private static final int LANES = LaneKernels.LANES;
    static final int ROWS = 4;

    private QueryKernels() {
    }

    /** L2 keys of query {@code q[qo ..]} against 4 rows {@code b[bo + r*d ..]} into {@code out[0..4)}. */
    static void l2(float[] q, int qo, float[] b, int bo, int d, float[] out, float[] scratch) {
        int upper = SPECIES.loopBound(d);
        FloatVector a0 = FloatVector.zero(SPECIES), a1 = a0, a2 = a0, a3 = a0;
        for (int c = 0; c < upper; c += LANES) {
            FloatVector x = FloatVector.fromArray(SPECIES, q, qo + c);
            FloatVector u = x.sub(FloatVector.fromArray(SPECIES, b, bo + c));
            a0 = u.fma(u, a0);
            u = x.sub(FloatVector.fromArray(SPECIES, b, bo + d + c));
            a1 = u.fma(u, a1);
            u = x.sub(FloatVector.fromArray(SPECIES, b, bo + 2 * d + c));
            a2 = u.fma(u, a2);
            u = x.sub(FloatVector.fromArray(SPECIES, b, bo + 3 * d + c));
            a3 = u.fma(u, a3);
        }
        out[0] = l2Tail(q, qo, b, bo, d, upper, sumInFixedOrder(a0, scratch));
        out[1] = l2Tail(q, qo, b, bo + d, d, upper, sumInFixedOrder(a1, scratch));
        out[2] = l2Tail(q, qo, b, bo + 2 * d, d, upper, sumInFixedOrder(a2, scratch));
        out[3] = l2Tail(q, qo, b, bo + 3 * d, d, upper, sumInFixedOrder(a3, scratch));
    }

    /** Adds the dimensions past the last full vector, in order. */
    private static float l2Tail(float[] q, int qo, float[] b, int bo, int d, int from, float s) {
        for (int c = from; c < d; c++) {
            float u = q[qo + c] - b[bo + c];
            s = Math.fma(u, u, s);
        }
        return s;
    }

    /** Inner-product keys ({@code -q.b}, smaller is better) of one query against 4 rows. */
    static void ip(float[] q, int qo, float[] b, int bo, int d, float[] out, float[] scratch) {
        int upper = SPECIES.loopBound(d);
        FloatVector a0 = FloatVector.zero(SPECIES), a1 = a0, a2 = a0, a3 = a0;
        for (int c = 0; c < upper; c += LANES) {
            FloatVector x = FloatVector.fromArray(SPECIES, q, qo + c);
            a0 = x.fma(FloatVector.fromArray(SPECIES, b, bo + c), a0);
            a1 = x.fma(FloatVector.fromArray(SPECIES, b, bo + d + c), a1);
            a2 = x.fma(FloatVector.fromArray(SPECIES, b, bo + 2 * d + c), a2);
            a3 = x.fma(FloatVector.fromArray(SPECIES, b, bo + 3 * d + c), a3);
        }
        out[0] = -ipTail(q, qo, b, bo, d, upper, sumInFixedOrder(a0, scratch));
        out[1] = -ipTail(q, qo, b, bo + d, d, upper, sumInFixedOrder(a1, scratch));
        out[2] = -ipTail(q, qo, b, bo + 2 * d, d, upper, sumInFixedOrder(a2, scratch));
        out[3] = -ipTail(q, qo, b, bo + 3 * d, d, upper, sumInFixedOrder(a3, scratch));
    }

    private static float ipTail(float[] q, int qo, float[] b, int bo, int d, int from, float s) {
        for (int c = from; c < d; c++) s = Math.fma(q[qo + c], b[bo + c], s);
        return s;
    }

    /** Pairwise sum of the lanes, always in the same order: ((0+1)+(2+3))+((4+5)+(6+7))... */
    static float sumInFixedOrder(FloatVector v, float[] scratch) {
        v.intoArray(scratch, 0);
        for (int width = LANES; width > 1; width >>>= 1) {
            for (int i = 0; i < width / 2; i++) scratch[i] = scratch[2 * i] + scratch[2 * i + 1];
        }
        return scratch[0];
    }
}
