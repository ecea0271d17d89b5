package dev.komsu.kernels.cpu;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.komsu.kernels.FastScanKernels;
import jdk.incubator.vector.ByteVector;
import org.junit.jupiter.api.BeforeAll;

class VectorFastScan256ConformanceTest extends FastScanKernelsConformanceTest {
    @BeforeAll
    static void needs256BitVectors() {
        // A species wider than the hardware is emulated ~100x slower: skip rather than crawl.
        assumeTrue(ByteVector.SPECIES_PREFERRED.vectorBitSize() >= 256,
                "hardware vectors are " + ByteVector.SPECIES_PREFERRED.vectorBitSize() + " bits, the kernel needs 256");
    }

    @Override
    FastScanKernels kernel() {
        return VectorFastScan256.INSTANCE;
    }
}
