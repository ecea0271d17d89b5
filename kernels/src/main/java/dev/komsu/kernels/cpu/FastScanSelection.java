package dev.komsu.kernels.cpu;

import dev.komsu.kernels.FastScanKernels;
import jdk.incubator.vector.ByteVector;

/** Picks the FastScan kernel for the hardware once, at class initialisation. */
public final class FastScanSelection {
    private FastScanSelection() {
    }

    /**
     * The fastest kernel the hardware runs natively. A species wider than the hardware runs
     * ~100x slower than scalar, so the choice follows the preferred vector size: 256 bits
     * when the hardware has them (on this AVX2 EPYC the 256-bit kernel did 86 vs 78 M codes per
     * CPU-second at M2=128, 195 vs 181 at M2=32; bench/RESULTS.md "FastScan"), else 128, else
     * scalar. There is no 512-bit kernel yet: AVX-512 machines use the 256-bit one.
     */
    public static final FastScanKernels PREFERRED = choose(ByteVector.SPECIES_PREFERRED.vectorBitSize());

    static FastScanKernels choose(int preferredBits) {
        if (preferredBits >= 256) return VectorFastScan256.INSTANCE;
        return preferredBits >= 128 ? VectorFastScan128.INSTANCE : ScalarFastScan.INSTANCE;
    }
}
