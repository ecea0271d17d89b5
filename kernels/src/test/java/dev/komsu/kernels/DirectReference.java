package dev.komsu.kernels;

import java.lang.foreign.MemorySegment;

/**
 * The precision reference for exact k-NN: the direct form {@code (q-x)^2} (or the inner
 * product, or |q-x| summed for L1 and maxed for L-infinity), accumulated in float in index order
 * with a separate multiply and add, like faiss's scalar fvec_L2sqr, for every pair. No expansion, no candidates: what every backend's
 * {@code knn} is checked against.
 */
public final class DirectReference {
    private DirectReference() {
    }

    public static Neighbors knn(FloatMatrix queries, FloatMatrix base, int k, Metric metric) {
        KernelChecks.checkKnn(queries, base, k);
        int nq = (int) queries.rows();
        int d = base.cols();
        Neighbors out = Neighbors.empty(nq, k, metric);
        TopK top = new TopK(k);
        float[] q = new float[d];
        MemorySegment seg = base.segment();
        for (int i = 0; i < nq; i++) {
            queries.copyRow(i, q, 0);
            for (long j = 0; j < base.rows(); j++) {
                long o = base.rowOffset(j);
                float acc = 0f;
                for (int c = 0; c < d; c++) {
                    float x = seg.get(FloatMatrix.FLOAT, o + (long) c * Float.BYTES);
                    switch (metric) {
                        case L2 -> {
                            float diff = q[c] - x;
                            acc += diff * diff;
                        }
                        case INNER_PRODUCT -> acc += q[c] * x;
                        case L1 -> acc += Math.abs(q[c] - x);
                        case LINF -> acc = Math.max(acc, Math.abs(q[c] - x));
                    }
                }
                top.offer(metric.toKey(acc), j);
            }
            top.drainTo(metric, out.distances(), out.labels(), i * k);
        }
        return out;
    }
}
