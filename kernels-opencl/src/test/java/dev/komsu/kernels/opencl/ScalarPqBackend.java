package dev.komsu.kernels.opencl;

import dev.komsu.kernels.FastScanKernels;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.PqKernels;
import dev.komsu.kernels.VectorLists;
import dev.komsu.kernels.scalar.CpuBatchedOperations;
import dev.komsu.kernels.scalar.ScalarFastScan;
import dev.komsu.kernels.scalar.ScalarPqKernels;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A CPU backend whose PQ kernels are the scalar reference, so {@code new CpuPqListScanner(this)}
 * is the per-query {@link ScalarPqKernels} loop the device must match bit for bit. Counts how
 * often its PQ kernels were asked for (a device fallback asks).
 */
final class ScalarPqBackend implements CpuBatchedOperations {
    @Override
    public FastScanKernels fastScan() {
        return ScalarFastScan.INSTANCE;
    }

    final AtomicInteger pqUses = new AtomicInteger();

    @Override
    public String name() {
        return "scalar-pq";
    }

    @Override
    public PqKernels pq() {
        pqUses.incrementAndGet();
        return ScalarPqKernels.INSTANCE;
    }

    @Override
    public Neighbors knn(FloatMatrix queries, FloatMatrix base, int k, Metric metric) {
        throw new UnsupportedOperationException("not used by the PQ tests");
    }

    @Override
    public Neighbors scanLists(FloatMatrix queries, VectorLists lists, int[] probes, int nprobe, int k, Metric metric) {
        throw new UnsupportedOperationException("not used by the PQ tests");
    }
}
