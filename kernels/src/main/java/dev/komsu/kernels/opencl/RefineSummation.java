package dev.komsu.kernels.opencl;

import dev.komsu.kernels.PqKernels;
import dev.komsu.kernels.cpu.ScalarPqKernels;
import dev.komsu.kernels.cpu.VectorPqKernels;
import jdk.incubator.vector.FloatVector;

/**
 * How a CPU {@link PqKernels#gatherDistances} sums a distance, so the device sums it the same way
 * and refine results are bit-identical to the CPU form's: {@code lanes} partial sums over columns
 * {@code c mod lanes} (fused multiply-add when {@code fused}), added in lane order, then the
 * columns past the last whole group of lanes one by one.
 *
 * @param lanes partial sums (the Vector API species' lane count; 1 for the scalar loop)
 * @param fused whether the partial sums use fused multiply-add (the Vector API's {@code fma})
 */
record RefineSummation(int lanes, boolean fused) {
    RefineSummation {
        if (lanes <= 0) throw new IllegalArgumentException("lanes must be > 0, got " + lanes);
    }

    /** The summation of {@code kernels}: the scalar loop's, else the Vector API kernels' (the CPU backend's). */
    static RefineSummation of(PqKernels kernels) {
        if (kernels instanceof ScalarPqKernels) return new RefineSummation(1, false);
        if (kernels != VectorPqKernels.INSTANCE) {
            System.getLogger(RefineSummation.class.getName()).log(System.Logger.Level.DEBUG,
                    "refine on the device sums like the Vector API kernels; the CPU's " + kernels.getClass().getName()
                            + " may differ in the last bits");
        }
        // VectorPqKernels sums over FloatVector.SPECIES_PREFERRED (read here, never used for SIMD);
        // the conformance test holds the device to the CPU form bit for bit, so a change there shows.
        return new RefineSummation(FloatVector.SPECIES_PREFERRED.length(), true);
    }
}
