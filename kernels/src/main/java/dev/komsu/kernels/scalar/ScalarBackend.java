package dev.komsu.kernels.scalar;

import dev.komsu.kernels.BaseNorms;
import dev.komsu.kernels.DenseRefine;
import dev.komsu.kernels.ElementwiseDistances;
import dev.komsu.kernels.FastScanKernels;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.KernelChecks;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.PqKernels;
import dev.komsu.kernels.TopK;
import dev.komsu.kernels.VectorLists;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The reference backend: plain loops, one thread, no tricks. Every other backend is tested
 * against it, so it is written to be obviously right, not fast. Distances accumulate in
 * float in index order, like faiss's scalar fvec_L2sqr. {@link #knn} is the scalar twin of the
 * CPU backend's dense kernel (the direct form it is checked against lives in the tests).
 */
public final class ScalarBackend implements CpuBatchedOperations {
    private static final ValueLayout.OfFloat F = FloatMatrix.FLOAT;
    private static final ValueLayout.OfLong ID = ValueLayout.JAVA_LONG_UNALIGNED;

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public FastScanKernels fastScan() {
        return ScalarFastScan.INSTANCE;
    }

    @Override
    public PqKernels pq() {
        return ScalarPqKernels.INSTANCE;
    }

    @Override
    public Neighbors knn(FloatMatrix queries, FloatMatrix base, int k, Metric metric) {
        KernelChecks.checkKnn(queries, base, k);
        // L1 and L-infinity have no dot-product expansion: always the direct form
        if (metric.isElementwise() || !KernelChecks.normsFit(base)) return knnDirect(queries, base, k, metric);
        return knn(queries, base, BaseNorms.of(base, metric), k, metric);
    }

    /**
     * The scalar twin of the CPU backend's dense kernel: the same estimates with the same
     * operations in the same order (centred rows {@code fl(x - c)}, sums starting from the row
     * norm, one fused multiply-add of {@code -2 fl(q - c)} per dimension in order; for inner
     * product {@code -q} from zero), the same candidates and the same {@link DenseRefine}, so the
     * two backends return the same bits.
     */
    @Override
    public Neighbors knn(FloatMatrix queries, FloatMatrix base, BaseNorms norms, int k, Metric metric) {
        if (metric.isElementwise()) return knn(queries, base, k, metric);
        KernelChecks.checkKnn(queries, base, norms, k, metric);
        int nq = (int) queries.rows();
        int d = base.cols();
        Neighbors out = Neighbors.empty(nq, k, metric);
        int m = DenseRefine.candidates(k, base.rows());
        TopK estimates = new TopK(m);
        TopK exact = new TopK(k);
        float[] keys = new float[m];
        long[] ids = new long[m];
        float[] q = new float[d];
        float[] u = new float[d];
        float[] x = new float[d];
        float scale = metric == Metric.L2 ? 2f : 1f;
        for (int i = 0; i < nq; i++) {
            queries.copyRow(i, q, 0);
            float qNorm = norms.centre(q, 0, u);
            for (int c = 0; c < d; c++) u[c] = -scale * u[c]; // exact: negation and a power of two
            for (long j = 0; j < base.rows(); j++) {
                base.copyRow(j, x, 0);
                float acc = metric == Metric.L2 ? norms.norm(j) : 0f;
                for (int c = 0; c < d; c++) acc = Math.fma(u[c], x[c] - norms.centre(c), acc);
                estimates.offer(acc, j);
            }
            if (!DenseRefine.refine(metric, estimates, q, 0, qNorm, norms, base, exact, keys, ids)) {
                exact.clear();
                offerEveryRow(metric, q, base, exact);
            }
            exact.drainTo(metric, out.distances(), out.labels(), i * k);
        }
        return out;
    }

    /** Exact keys of every pair ({@link DenseRefine#exactKey}): bases too long for {@link BaseNorms}. */
    private static Neighbors knnDirect(FloatMatrix queries, FloatMatrix base, int k, Metric metric) {
        int nq = (int) queries.rows();
        Neighbors out = Neighbors.empty(nq, k, metric);
        TopK top = new TopK(k);
        float[] q = new float[base.cols()];
        for (int i = 0; i < nq; i++) {
            queries.copyRow(i, q, 0);
            offerEveryRow(metric, q, base, top);
            top.drainTo(metric, out.distances(), out.labels(), i * k);
        }
        return out;
    }

    /** The direct form: every row's exact key offered to {@code top}. */
    private static void offerEveryRow(Metric metric, float[] q, FloatMatrix base, TopK top) {
        for (long j = 0; j < base.rows(); j++) {
            top.offer(DenseRefine.exactKey(metric, q, 0, base.segment(), base.rowOffset(j), base.cols()), j);
        }
    }

    @Override
    public Neighbors scanLists(FloatMatrix queries, VectorLists lists, int[] probes, int nprobe, int k, Metric metric) {
        KernelChecks.checkScanLists(queries, lists, probes, nprobe, k);
        int nq = (int) queries.rows();
        int d = lists.dim();
        Neighbors out = Neighbors.empty(nq, k, metric);
        TopK top = new TopK(k);
        float[] q = new float[d];
        for (int i = 0; i < nq; i++) {
            queries.copyRow(i, q, 0);
            for (int p = 0; p < nprobe; p++) {
                int list = probes[i * nprobe + p];
                if (list < 0) continue;
                MemorySegment vectors = lists.vectors(list);
                MemorySegment ids = lists.ids(list);
                long size = lists.size(list);
                for (long j = 0; j < size; j++) {
                    float dist = distance(metric, q, vectors, j * d * Float.BYTES);
                    top.offer(metric.toKey(dist), ids.getAtIndex(ID, j));
                }
            }
            top.drainTo(metric, out.distances(), out.labels(), i * k);
        }
        return out;
    }

    /** Squared L2, inner product, L1 or L-infinity between {@code q} and the d floats at {@code offset}. */
    static float distance(Metric metric, float[] q, MemorySegment seg, long offset) {
        if (metric.isElementwise()) return ElementwiseDistances.distance(metric, q, 0, seg, offset, q.length);
        float acc = 0f;
        if (metric == Metric.L2) {
            for (int c = 0; c < q.length; c++) {
                float diff = q[c] - seg.get(F, offset + (long) c * Float.BYTES);
                acc += diff * diff;
            }
        } else {
            for (int c = 0; c < q.length; c++) {
                acc += q[c] * seg.get(F, offset + (long) c * Float.BYTES);
            }
        }
        return acc;
    }
}
