package dev.komsu.kernels.cpu;

import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.KernelChecks;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.TopK;
import dev.komsu.kernels.VectorLists;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The CPU backend: Vector API distance loops, multi-threaded over queries. Owns a fork-join
 * pool of {@code threads} daemon workers, shut down by {@link #close}.
 */
public final class CpuBackend implements ComputeBackend {
    // Species must be a static final constant: passed around as a value, C2 cannot specialise
    // the loop and it ran slower than scalar in our prototype.
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final ValueLayout.OfLong ID = ValueLayout.JAVA_LONG_UNALIGNED;

    private final int threads;
    private final ForkJoinPool pool;

    public CpuBackend(int threads) {
        if (threads <= 0) throw new IllegalArgumentException("threads must be > 0, got " + threads);
        this.threads = threads;
        this.pool = new ForkJoinPool(threads, p -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setDaemon(true);
            t.setName("komsu-cpu-" + t.getPoolIndex());
            return t;
        }, null, false);
    }

    public int threads() {
        return threads;
    }

    @Override
    public String name() {
        return "cpu-vector" + SPECIES.vectorBitSize();
    }

    @Override
    public Neighbors knn(FloatMatrix queries, FloatMatrix base, int k, Metric metric) {
        KernelChecks.checkKnn(queries, base, k);
        int nq = (int) queries.rows();
        int d = base.cols();
        Neighbors out = Neighbors.empty(nq, k, metric);
        parallelOverQueries(nq, i -> {
            float[] q = queries.row(i);
            TopK top = new TopK(k);
            MemorySegment seg = base.segment();
            for (long j = 0; j < base.rows(); j++) {
                top.offer(metric.toKey(distance(metric, q, seg, j * d * Float.BYTES)), j);
            }
            top.drainTo(metric, out.distances(), out.labels(), i * k);
        });
        return out;
    }

    @Override
    public Neighbors scanLists(FloatMatrix queries, VectorLists lists, int[] probes, int nprobe, int k, Metric metric) {
        KernelChecks.checkScanLists(queries, lists, probes, nprobe, k);
        int nq = (int) queries.rows();
        int d = lists.dim();
        Neighbors out = Neighbors.empty(nq, k, metric);
        parallelOverQueries(nq, i -> {
            float[] q = queries.row(i);
            TopK top = new TopK(k);
            for (int p = 0; p < nprobe; p++) {
                int list = probes[i * nprobe + p];
                if (list < 0) continue;
                MemorySegment vectors = lists.vectors(list);
                MemorySegment ids = lists.ids(list);
                long size = lists.size(list);
                for (long j = 0; j < size; j++) {
                    top.offer(metric.toKey(distance(metric, q, vectors, j * d * Float.BYTES)), ids.getAtIndex(ID, j));
                }
            }
            top.drainTo(metric, out.distances(), out.labels(), i * k);
        });
        return out;
    }

    private void parallelOverQueries(int nq, java.util.function.IntConsumer body) {
        if (threads == 1 || nq < 2) {
            for (int i = 0; i < nq; i++) body.accept(i);
            return;
        }
        pool.submit(() -> IntStream.range(0, nq).parallel().forEach(body)).join();
    }

    static float distance(Metric metric, float[] q, MemorySegment seg, long offset) {
        int d = q.length;
        int upper = SPECIES.loopBound(d);
        FloatVector acc = FloatVector.zero(SPECIES);
        int c = 0;
        if (metric == Metric.L2) {
            for (; c < upper; c += SPECIES.length()) {
                FloatVector x = FloatVector.fromArray(SPECIES, q, c);
                FloatVector y = FloatVector.fromMemorySegment(SPECIES, seg, offset + (long) c * Float.BYTES, ByteOrder.LITTLE_ENDIAN);
                FloatVector diff = x.sub(y);
                acc = diff.fma(diff, acc);
            }
            float s = acc.reduceLanes(VectorOperators.ADD);
            for (; c < d; c++) {
                float diff = q[c] - seg.get(FloatMatrix.FLOAT, offset + (long) c * Float.BYTES);
                s += diff * diff;
            }
            return s;
        }
        for (; c < upper; c += SPECIES.length()) {
            FloatVector x = FloatVector.fromArray(SPECIES, q, c);
            FloatVector y = FloatVector.fromMemorySegment(SPECIES, seg, offset + (long) c * Float.BYTES, ByteOrder.LITTLE_ENDIAN);
            acc = x.fma(y, acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; c < d; c++) s += q[c] * seg.get(FloatMatrix.FLOAT, offset + (long) c * Float.BYTES);
        return s;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
