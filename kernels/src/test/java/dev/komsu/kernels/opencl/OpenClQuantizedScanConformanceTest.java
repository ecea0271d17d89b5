package dev.komsu.kernels.opencl;

import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.QuantizedScanConformanceTest;

/**
 * The batched quantised-scan suite on the best OpenCL device with the kernel shape chosen for it
 * (on PoCL: the per-work-item CPU-device kernels), data uploaded per call. Distances are held to
 * the suite's tolerance here (the refine and FastScan parts are not PQ kernels);
 * {@link OpenClPqListScannerTest} holds the PQ/SQ8 kernels to bit identity.
 */
class OpenClQuantizedScanConformanceTest extends QuantizedScanConformanceTest {
    @Override
    protected ComputeBackend createBackend() {
        return new OpenClBackend(OpenClTestDevices.requireDevice(), new OpenClTestDevices.NoFallback(), false,
                OpenClOptions.defaults());
    }
}
