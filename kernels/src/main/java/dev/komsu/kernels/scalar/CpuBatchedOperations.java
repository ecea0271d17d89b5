package dev.komsu.kernels.scalar;

import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FastScanListScanner;
import dev.komsu.kernels.PqListScanner;
import dev.komsu.kernels.Refiner;

/**
 * A backend on the host CPU whose batched quantised operations are the plain-Java loops over its
 * own per-list kernels ({@link #pq()}, {@link #fastScan()}) and its own {@link #knn}: the scalar
 * reference and the Vector API backend share them, so the two differ only in their kernels.
 */
public interface CpuBatchedOperations extends ComputeBackend {
    @Override
    default PqListScanner pqLists() {
        return new CpuPqListScanner(this);
    }

    @Override
    default FastScanListScanner fastScanLists() {
        return new CpuFastScanListScanner(fastScan());
    }

    @Override
    default Refiner refiner() {
        return new CpuRefiner(this);
    }
}
