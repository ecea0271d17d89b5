package dev.komsu.bench;

import dev.komsu.kernels.BaseNorms;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FastScanKernels;
import dev.komsu.kernels.FastScanListScanner;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.PqKernels;
import dev.komsu.kernels.PqListScanner;
import dev.komsu.kernels.Refiner;
import dev.komsu.kernels.VectorLists;

/**
 * A backend with the caller's norms (and so the base's projection) dropped from knn: every
 * knn takes the plain dense path, the code before the pruned one, for an A/B in one build and
 * one JVM. The norms are recomputed per knn call (about 1 ms for 1024 x 784), a small bias
 * against this side.
 */
final class DenseOnlyBackend implements ComputeBackend {
    private final ComputeBackend inner;

    DenseOnlyBackend(ComputeBackend inner) {
        this.inner = inner;
    }

    @Override
    public String name() {
        return inner.name() + "-dense";
    }

    @Override
    public Neighbors knn(FloatMatrix queries, FloatMatrix base, int k, Metric metric) {
        return inner.knn(queries, base, k, metric);
    }

    @Override
    public Neighbors knn(FloatMatrix queries, FloatMatrix base, BaseNorms norms, int k, Metric metric) {
        return inner.knn(queries, base, k, metric);
    }

    @Override
    public Neighbors scanLists(FloatMatrix queries, VectorLists lists, int[] probes, int nprobe, int k, Metric metric) {
        return inner.scanLists(queries, lists, probes, nprobe, k, metric);
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
        return inner.pqLists();
    }

    @Override
    public FastScanListScanner fastScanLists() {
        return inner.fastScanLists();
    }

    @Override
    public Refiner refiner() {
        return inner.refiner();
    }
}
