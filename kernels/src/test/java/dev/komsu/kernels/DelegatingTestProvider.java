package dev.komsu.kernels;

import dev.komsu.kernels.scalar.CpuBatchedOperations;

/**
 * A backend "module" that lives only in the test tree: a provider plus a backend, registered in
 * the test resources' {@code META-INF/services} and nowhere else. It shows what a TornadoVM or
 * CUDA backend needs to be found by {@link Backends}: no edit outside its own files.
 */
public final class DelegatingTestProvider implements BackendProvider {
    static final String NAME = "test-delegating";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return -10;
    }

    @Override
    public Availability probe() {
        return Availability.onRequest("test backend answering with the scalar reference");
    }

    @Override
    public ComputeBackend open(int threads) {
        return named(NAME);
    }

    /** The scalar reference under another name. */
    static ComputeBackend named(String name) {
        return new Delegating(name, Backends.scalar());
    }

    /** Answers every operation with {@code inner}'s kernels under its own name. */
    private record Delegating(String name, ComputeBackend inner) implements CpuBatchedOperations {

        @Override
        public Neighbors knn(FloatMatrix queries, FloatMatrix base, int k, Metric metric) {
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
    }
}
