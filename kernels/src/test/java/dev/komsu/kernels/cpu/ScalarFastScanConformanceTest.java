package dev.komsu.kernels.cpu;

import dev.komsu.kernels.FastScanKernels;
import dev.komsu.kernels.scalar.ScalarFastScan;

class ScalarFastScanConformanceTest extends FastScanKernelsConformanceTest {
    @Override
    FastScanKernels kernel() {
        return ScalarFastScan.INSTANCE;
    }
}
