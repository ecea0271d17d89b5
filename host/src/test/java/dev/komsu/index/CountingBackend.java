package dev.komsu.index;

import dev.komsu.kernels.BaseNorms;
import dev.komsu.kernels.BlockCodeLists;
import dev.komsu.kernels.CodeLists;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FastScanKernels;
import dev.komsu.kernels.FastScanListScanner;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.PqKernels;
import dev.komsu.kernels.PqListScanner;
import dev.komsu.kernels.Refiner;
import dev.komsu.kernels.Resident;
import dev.komsu.kernels.ResidentMatrix;
import dev.komsu.kernels.VectorLists;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Delegates everything to {@code inner}, counting how often the batched operations are fetched
 * and how many resident handles are prepared and closed.
 */
final class CountingBackend implements ComputeBackend {
    private final ComputeBackend inner;
    final AtomicInteger pq = new AtomicInteger();
    final AtomicInteger fastScan = new AtomicInteger();
    final AtomicInteger refine = new AtomicInteger();
    final AtomicInteger prepared = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();

    CountingBackend(ComputeBackend inner) {
        this.inner = inner;
    }

    void reset() {
        pq.set(0);
        fastScan.set(0);
        refine.set(0);
    }

    @Override
    public String name() {
        return "counting-" + inner.name();
    }

    @Override
    public Neighbors knn(FloatMatrix queries, FloatMatrix base, int k, Metric metric) {
        return inner.knn(queries, base, k, metric);
    }

    @Override
    public Neighbors knn(FloatMatrix queries, FloatMatrix base, BaseNorms norms, int k, Metric metric) {
        return inner.knn(queries, base, norms, k, metric);
    }

    @Override
    public Neighbors scanLists(FloatMatrix queries, VectorLists lists, int[] probes, int nprobe, int k, Metric metric) {
        return inner.scanLists(queries, lists, probes, nprobe, k, metric);
    }

    @Override
    public ResidentMatrix prepare(FloatMatrix base, BaseNorms norms) {
        prepared.incrementAndGet();
        return new ResidentMatrix() {
            @Override
            public BaseNorms norms() {
                return norms;
            }

            @Override
            public FloatMatrix host() {
                return base;
            }

            @Override
            public void close() {
                closed.incrementAndGet();
            }
        };
    }

    @Override
    public Resident<VectorLists> prepare(VectorLists lists) {
        return counted(lists);
    }

    @Override
    public Resident<CodeLists> prepare(CodeLists lists) {
        return counted(lists);
    }

    @Override
    public Resident<BlockCodeLists> prepare(BlockCodeLists lists) {
        return counted(lists);
    }

    @Override
    public Resident<float[]> prepare(float[] table) {
        return counted(table);
    }

    private <T> Resident<T> counted(T host) {
        prepared.incrementAndGet();
        return new Resident<>() {
            @Override
            public T host() {
                return host;
            }

            @Override
            public void close() {
                closed.incrementAndGet();
            }
        };
    }

    @Override
    public FastScanKernels fastScan() {
        return inner.fastScan();
    }

    @Override
    public PqKernels pq() {
        return inner.pq();
    }

    @Override
    public PqListScanner pqLists() {
        pq.incrementAndGet();
        return inner.pqLists();
    }

    @Override
    public FastScanListScanner fastScanLists() {
        fastScan.incrementAndGet();
        return inner.fastScanLists();
    }

    @Override
    public Refiner refiner() {
        refine.incrementAndGet();
        return inner.refiner();
    }

    @Override
    public void forEachQuery(int nq, IntConsumer body) {
        inner.forEachQuery(nq, body);
    }
}
