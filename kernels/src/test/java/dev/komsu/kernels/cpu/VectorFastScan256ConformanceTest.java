package dev.komsu.kernels.cpu;

import dev.komsu.kernels.FastScanKernels;
import org.junit.jupiter.api.BeforeAll;

class VectorFastScan256ConformanceTest extends FastScanKernelsConformanceTest {
    @BeforeAll
    static void needs256BitVectors() {
        assumeHardwareVectorBits(256);
    }

    @Override
    FastScanKernels kernel() {
        return VectorFastScan256.INSTANCE;
    }
}
