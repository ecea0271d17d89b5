package dev.komsu.kernels.cpu;

import jdk.incubator.vector.FloatVector;

/** What the Vector API backend runs on, in one line (loaded only once the module is known to be present). */
final class VectorHardware {
    private VectorHardware() {
    }

    static String describe() {
        return "Vector API, " + FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit vectors, FastScan kernel "
                + FastScanSelection.PREFERRED.name();
    }
}
