package dev.komsu.kernels.cpu;

import dev.komsu.kernels.FastScanKernels;
import jdk.incubator.vector.ByteVector;

/** Picks the FastScan kernel for the hardware once, at class initialisation. */
public final class FastScanSelection {
    private FastScanSelection() {
    }

    /**
     * The fastest kernel the hardware runs natively. A species wider than the hardware runs
     * ~100x slower than scalar, so the choice follows the preferred vector size; on AVX2
     * (256-bit preferred) the 128-bit kernel measured faster than the 256-bit one (see
     * bench/RESULTS.md "FastScan"), so 128 bits is used whenever vectors are at least 128
     * bits wide.
     */
    public static final FastScanKernels PREFERRED = choose(ByteVector.SPECIES_PREFERRED.vectorBitSize());

    static FastScanKernels choose(int preferredBits) {
        return preferredBits >= 128 ? VectorFastScan128.INSTANCE : ScalarFastScan.INSTANCE;
    }
}
