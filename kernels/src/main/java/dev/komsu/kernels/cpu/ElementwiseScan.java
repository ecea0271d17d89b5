package dev.komsu.kernels.cpu;

import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.TopK;
import dev.komsu.kernels.VectorLists;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.function.IntConsumer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Flat and IVF-Flat search under L1 and L-infinity with the Vector API: the distance of a query
 * to each row directly (|q - x| lane by lane, summed or maxed), one query per task step. These
 * metrics have no dot-product form, so the register-tiled dense kernel does not apply; faiss
 * too computes them row by row (fvec_L1, fvec_Linf).
 */
final class ElementwiseScan {
    static final int LANES = LaneKernels.LANES;
    private static final ValueLayout.OfLong ID = ValueLayout.JAVA_LONG_UNALIGNED;
    /** Queries that share each pass over a base block. */
    private static final int QUERY_GROUP = 64;
    /** A base block: about half a typical L2 cache, so it stays there while a group scans it. */
    private static final long BLOCK_BYTES = 256 * 1024;

    /** The backend's way of running {@code parts} tasks on its pool. */
    interface Tasks {
        void run(int parts, IntConsumer body);
    }

    private ElementwiseScan() {
    }

    /**
     * Each task takes a run of queries, in groups of {@link #QUERY_GROUP}; a group walks the base
     * in blocks of about {@link #BLOCK_BYTES}, every query of the group over one block before the
     * next, so a block is read from memory once per group rather than once per query.
     */
    static Neighbors knn(FloatMatrix queries, FloatMatrix base, int k, Metric metric, int parts, Tasks tasks) {
        int nq = (int) queries.rows();
        int d = base.cols();
        Neighbors out = Neighbors.empty(nq, k, metric);
        long blockRows = Math.max(1, BLOCK_BYTES / ((long) d * Float.BYTES));
        int p = Math.max(1, Math.min(nq, parts));
        tasks.run(p, t -> {
            float[] lanes = new float[LANES];
            MemorySegment seg = base.segment();
            int end = nq * (t + 1) / p;
            for (int from = nq * t / p; from < end; from += QUERY_GROUP) {
                int count = Math.min(QUERY_GROUP, end - from);
                float[][] q = new float[count][d];
                TopK[] tops = new TopK[count];
                for (int i = 0; i < count; i++) {
                    queries.copyRow(from + i, q[i], 0);
                    tops[i] = new TopK(k);
                }
                for (long block = 0; block < base.rows(); block += blockRows) {
                    long stop = Math.min(base.rows(), block + blockRows);
                    for (int i = 0; i < count; i++) {
                        for (long j = block; j < stop; j++) tops[i].offer(distance(metric, q[i], seg, base.rowOffset(j), lanes), j);
                    }
                }
                for (int i = 0; i < count; i++) tops[i].drainTo(metric, out.distances(), out.labels(), (from + i) * k);
            }
        });
        return out;
    }

    static Neighbors scanLists(FloatMatrix queries, VectorLists lists, int[] probes, int nprobe, int k, Metric metric,
                               int parts, Tasks tasks) {
        int nq = (int) queries.rows();
        int d = lists.dim();
        Neighbors out = Neighbors.empty(nq, k, metric);
        int p = Math.max(1, Math.min(nq, parts));
        tasks.run(p, t -> {
            TopK top = new TopK(k);
            float[] q = new float[d];
            float[] lanes = new float[LANES];
            for (int i = nq * t / p; i < nq * (t + 1) / p; i++) {
                queries.copyRow(i, q, 0);
                for (int pr = 0; pr < nprobe; pr++) {
                    int list = probes[i * nprobe + pr];
                    if (list < 0) continue;
                    MemorySegment vectors = lists.vectors(list);
                    MemorySegment ids = lists.ids(list);
                    long size = lists.size(list);
                    for (long j = 0; j < size; j++) {
                        top.offer(distance(metric, q, vectors, j * d * Float.BYTES, lanes), ids.getAtIndex(ID, j));
                    }
                }
                top.drainTo(metric, out.distances(), out.labels(), i * k);
            }
        });
        return out;
    }

    /**
     * L1 (sum) or L-infinity (max) of |q - x| over the d floats at {@code offset}. The L1 lanes
     * are added in a fixed order ({@link QueryKernels#sumInFixedOrder}): reduceLanes' float order
     * differs between the interpreter and compiled code, and results must be reproducible run to run.
     */
    static float distance(Metric metric, float[] q, MemorySegment seg, long offset, float[] lanes) {
        int d = q.length;
        int c = 0;
        float acc;
        if (metric == Metric.L1) {
            FloatVector sum = FloatVector.zero(LaneKernels.SPECIES);
            for (; c <= d - LANES; c += LANES) {
                FloatVector x = FloatVector.fromMemorySegment(LaneKernels.SPECIES, seg, offset + (long) c * Float.BYTES, ByteOrder.nativeOrder());
                sum = sum.add(FloatVector.fromArray(LaneKernels.SPECIES, q, c).sub(x).abs());
            }
            acc = QueryKernels.sumInFixedOrder(sum, lanes);
            for (; c < d; c++) acc += Math.abs(q[c] - seg.get(FloatMatrix.FLOAT, offset + (long) c * Float.BYTES));
        } else if (metric == Metric.LINF) {
            FloatVector max = FloatVector.zero(LaneKernels.SPECIES);
            for (; c <= d - LANES; c += LANES) {
                FloatVector x = FloatVector.fromMemorySegment(LaneKernels.SPECIES, seg, offset + (long) c * Float.BYTES, ByteOrder.nativeOrder());
                max = max.max(FloatVector.fromArray(LaneKernels.SPECIES, q, c).sub(x).abs());
            }
            acc = max.reduceLanes(VectorOperators.MAX); // a maximum is the same in any order
            for (; c < d; c++) acc = Math.max(acc, Math.abs(q[c] - seg.get(FloatMatrix.FLOAT, offset + (long) c * Float.BYTES)));
        } else {
            throw new IllegalArgumentException("not an element-by-element metric: " + metric);
        }
        return acc;
    }
}
