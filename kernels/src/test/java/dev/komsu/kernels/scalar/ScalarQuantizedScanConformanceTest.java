package dev.komsu.kernels.scalar;

import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.PqKernels;
import dev.komsu.kernels.QuantizedScanConformanceTest;

/** The CPU forms of the batched scans on the one-thread reference backend (scalar FastScan kernel). */
class ScalarQuantizedScanConformanceTest extends QuantizedScanConformanceTest {
    @Override
    protected ComputeBackend createBackend() {
        return new ScalarBackend();
    }

    @Override
    protected PqKernels bitIdenticalTo() {
        return backend().pq();
    }
}
