package dev.komsu.kernels.scalar;

import dev.komsu.kernels.BackendConformanceTest;
import dev.komsu.kernels.ComputeBackend;

/** The reference against itself: proves the suite's own expectations (ties, padding) hold. */
class ScalarBackendConformanceTest extends BackendConformanceTest {
    @Override
    protected ComputeBackend createBackend() {
        return new ScalarBackend();
    }
}
