package dev.komsu.kernels.cpu;

import dev.komsu.kernels.FastScanKernels;

class VectorFastScan128ConformanceTest extends FastScanKernelsConformanceTest {
    @Override
    FastScanKernels kernel() {
        return VectorFastScan128.INSTANCE;
    }
}
