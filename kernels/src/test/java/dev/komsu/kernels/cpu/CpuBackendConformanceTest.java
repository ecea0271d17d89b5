package dev.komsu.kernels.cpu;

import dev.komsu.kernels.BackendConformanceTest;
import dev.komsu.kernels.ComputeBackend;

/** The Vector API backend, with two threads so the parallel path runs. */
class CpuBackendConformanceTest extends BackendConformanceTest {
    @Override
    protected ComputeBackend createBackend() {
        return new CpuBackend(2);
    }
}
