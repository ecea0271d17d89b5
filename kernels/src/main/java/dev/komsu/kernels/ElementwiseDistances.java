package dev.komsu.kernels;

import java.lang.foreign.MemorySegment;

/**
 * The scalar reference of faiss's element-by-element metrics: L1 (sum of |q - x|, summed in
 * dimension order) and L-infinity (max of |q - x|). The CPU backend's vector form sums L1 in
 * another order (lanes, then across them), so its L1 distances may differ in the last bits;
 * L-infinity is a maximum and comes out identical.
 */
public final class ElementwiseDistances {
    private ElementwiseDistances() {
    }

    /** The distance under {@code metric} (L1 or LINF) between {@code q[qo ..]} and the d floats at {@code offset}. */
    public static float distance(Metric metric, float[] q, int qo, MemorySegment base, long offset, int d) {
        float acc = 0f;
        if (metric == Metric.L1) {
            for (int c = 0; c < d; c++) acc += Math.abs(q[qo + c] - base.get(FloatMatrix.FLOAT, offset + (long) c * Float.BYTES));
        } else if (metric == Metric.LINF) {
            for (int c = 0; c < d; c++) acc = Math.max(acc, Math.abs(q[qo + c] - base.get(FloatMatrix.FLOAT, offset + (long) c * Float.BYTES)));
        } else {
            throw new IllegalArgumentException("not an element-by-element metric: " + metric);
        }
        return acc;
    }
}
