package dev.komsu.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class CpuModelTest {
    @Test
    void namesTheModelTheVcpusAndTheWidestSimd() {
        String epyc = "processor\t: 0\nmodel name\t: AMD   EPYC\nflags\t\t: fpu sse2 avx avx2 fma\n\nprocessor\t: 1\nmodel name\t: AMD EPYC\n";
        assertEquals("AMD EPYC, 2 vCPUs, AVX2", CpuModel.describe(epyc, 2));
        String xeon = "model name\t: Intel(R) Xeon(R) Platinum 8375C\nflags\t: avx2 avx512f avx512vbmi avx512_vbmi2\n";
        assertEquals("Intel(R) Xeon(R) Platinum 8375C, 1 vCPU, AVX-512 + VBMI", CpuModel.describe(xeon, 1));
        assertEquals("Old, 4 vCPUs, no AVX2", CpuModel.describe("model name: Old\nflags: sse2 avx\n", 4));
        assertNull(CpuModel.describe("processor: 0\n", 2));
    }
}
