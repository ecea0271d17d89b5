package dev.komsu.kernels.cpu;

import dev.komsu.kernels.FastScanKernels;

/**
 * Runs whatever the hardware: without 512-bit vectors the kernel is emulated, far slower but
 * exact, and the cases are small enough. This is the only check of the kernel on a machine
 * without AVX-512.
 */
class VectorFastScan512ConformanceTest extends FastScanKernelsConformanceTest {
    @Override
    FastScanKernels kernel() {
        return VectorFastScan512.INSTANCE;
    }
}
