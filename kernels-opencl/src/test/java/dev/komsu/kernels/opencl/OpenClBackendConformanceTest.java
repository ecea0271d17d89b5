package dev.komsu.kernels.opencl;

import dev.komsu.kernels.BackendConformanceTest;
import dev.komsu.kernels.ComputeBackend;

/**
 * The conformance suite on the best OpenCL device with the kernel shape chosen for it (on PoCL:
 * the per-work-item CPU-device kernels), data uploaded per search. Skipped, with the reason, where
 * no OpenCL device exists.
 */
class OpenClBackendConformanceTest extends BackendConformanceTest {
    @Override
    protected ComputeBackend createBackend() {
        return new OpenClBackend(OpenClTestDevices.requireDevice(), new OpenClTestDevices.NoFallback(), false,
                OpenClOptions.defaults());
    }
}
