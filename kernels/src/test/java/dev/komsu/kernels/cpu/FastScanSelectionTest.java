package dev.komsu.kernels.cpu;

import dev.komsu.kernels.scalar.ScalarFastScan;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FastScanSelectionTest {
    @Test
    void neverPicksAKernelWiderThanTheHardwareVectors() {
        assertSame(VectorFastScan128.INSTANCE, FastScanSelection.choose(128, true));
        assertSame(ScalarFastScan.INSTANCE, FastScanSelection.choose(64, true));
        assertSame(ScalarFastScan.INSTANCE, FastScanSelection.choose(64, false));
    }

    @Test
    void picksTheWideKernelOnlyWithAByteWidePermute() {
        assertSame(VectorFastScan512.INSTANCE, FastScanSelection.choose(512, true));
        assertSame(VectorFastScan256.INSTANCE, FastScanSelection.choose(256, true));
        assertSame(VectorFastScanWideSums.INSTANCE, FastScanSelection.choose(512, false));
        assertSame(VectorFastScanWideSums.INSTANCE, FastScanSelection.choose(256, false));
    }

    @Test
    void theOverridePropertyNamesAKernelAndRejectsUnknownNames() {
        assertSame(VectorFastScan128.INSTANCE, FastScanSelection.preferred("vector128"));
        assertSame(ScalarFastScan.INSTANCE, FastScanSelection.preferred(" scalar "));
        assertSame(FastScanSelection.preferred(null), FastScanSelection.preferred(""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FastScanSelection.preferred("avx9"));
        assertTrue(e.getMessage().contains("avx9"), e.getMessage());
    }

    @Test
    void readsTheVbmiFlagFromCpuinfo() {
        String avx2 = "processor\t: 0\nflags\t\t: fpu sse2 avx avx2 bmi2 avx512f avx512bw avx512_vbmi2\n";
        String vbmi = "processor\t: 0\nflags\t\t: fpu sse2 avx avx2 avx512f avx512bw avx512_vbmi avx512_vbmi2\n";
        assertFalse(FastScanSelection.hasVbmiFlag(avx2));   // vbmi2 alone is not vbmi
        assertTrue(FastScanSelection.hasVbmiFlag(vbmi));
        assertFalse(FastScanSelection.hasVbmiFlag("bugs\t\t: avx512_vbmi\n"));
    }
}
