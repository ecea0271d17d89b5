package dev.komsu.kernels.cpu;

import dev.komsu.kernels.FastScanKernels;
import org.junit.jupiter.api.BeforeAll;

class VectorFastScanWideSumsConformanceTest extends FastScanKernelsConformanceTest {
    @BeforeAll
    static void needs256BitVectors() {
        assumeHardwareVectorBits(256);
    }

    @Override
    FastScanKernels kernel() {
        return VectorFastScanWideSums.INSTANCE;
    }
}
