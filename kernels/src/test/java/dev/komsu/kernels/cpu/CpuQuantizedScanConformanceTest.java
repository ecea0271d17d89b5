package dev.komsu.kernels.cpu;

import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.PqKernels;
import dev.komsu.kernels.QuantizedScanConformanceTest;

/**
 * The CPU forms of the batched scans on the Vector API backend with two threads, so queries run
 * in parallel; they must equal per-query loops over the backend's own kernels bit for bit (what
 * the host relied on before it called the batched forms).
 */
class CpuQuantizedScanConformanceTest extends QuantizedScanConformanceTest {
    @Override
    protected ComputeBackend createBackend() {
        return new CpuBackend(2);
    }

    @Override
    protected PqKernels bitIdenticalTo() {
        return backend().pq();
    }
}
