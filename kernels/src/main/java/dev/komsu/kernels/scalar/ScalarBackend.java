package dev.komsu.kernels.scalar;

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
 * float in index order, like faiss's scalar fvec_L2sqr.
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
        int nq = (int) queries.rows();
        int d = base.cols();
        Neighbors out = Neighbors.empty(nq, k, metric);
        TopK top = new TopK(k);
        float[] q = new float[d];
        for (int i = 0; i < nq; i++) {
            queries.copyRow(i, q, 0);
            for (long j = 0; j < base.rows(); j++) {
                float dist = distance(metric, q, base.segment(), base.rowOffset(j));
                top.offer(metric.toKey(dist), j);
            }
            top.drainTo(metric, out.distances(), out.labels(), i * k);
        }
        return out;
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

    /** Squared L2 or inner product between {@code q} and the d floats at {@code offset}. */
    static float distance(Metric metric, float[] q, MemorySegment seg, long offset) {
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
