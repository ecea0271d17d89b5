package dev.komsu.kernels.cpu;

import dev.komsu.kernels.scalar.ScalarFastScan;
import dev.komsu.kernels.FastScanKernels;

class ScalarFastScanConformanceTest extends FastScanKernelsConformanceTest {
    @Override
    FastScanKernels kernel() {
        return ScalarFastScan.INSTANCE;
    }
}
