package dev.komsu.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class FastScanSelectionTest {
    @Test
    void neverPicksAKernelWiderThanTheHardwareVectors() {
        assertSame(VectorFastScan256.INSTANCE, FastScanSelection.choose(512));
        assertSame(VectorFastScan256.INSTANCE, FastScanSelection.choose(256));
        assertSame(VectorFastScan128.INSTANCE, FastScanSelection.choose(128));
        assertSame(ScalarFastScan.INSTANCE, FastScanSelection.choose(64));
    }
}
