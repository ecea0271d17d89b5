package dev.komsu.kernels.opencl;

import dev.komsu.kernels.Backends;
import dev.komsu.kernels.FastScanKernels;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.PqKernels;
import dev.komsu.kernels.VectorLists;
import dev.komsu.kernels.scalar.CpuBatchedOperations;
import org.junit.jupiter.api.Assumptions;

/** The device the OpenCL tests run on, or a loud skip that says what is missing. */
final class OpenClTestDevices {
    private OpenClTestDevices() {
    }

    /** The best OpenCL device here (PoCL on the build machines); skips the caller's tests if none. */
    static OpenClDevice requireDevice() {
        OpenClDevices.Discovery found = OpenClDevices.discover();
        if (found.devices().isEmpty()) {
            String reason = "OpenCL tests SKIPPED: no OpenCL device (" + found.problem() + "); "
                    + OpenClDevices.INSTALL_HINT;
            System.err.println(reason);
            Assumptions.abort(reason);
        }
        return found.best().orElseThrow();
    }

    /**
     * A fallback that fails the test when used: the conformance suites must measure the device
     * kernels, not a silent CPU fallback.
     */
    static final class NoFallback implements CpuBatchedOperations {
        // Host-side per-list kernels (tables, FastScan on the CPU) are not a device fallback.
        @Override
        public FastScanKernels fastScan() {
            return Backends.defaultCpu().fastScan();
        }

        @Override
        public PqKernels pq() {
            return Backends.defaultCpu().pq();
        }

        @Override
        public String name() {
            return "no-fallback";
        }

        @Override
        public Neighbors knn(FloatMatrix queries, FloatMatrix base, int k, Metric metric) {
            throw new AssertionError("the OpenCL backend fell back to the CPU for knn k=" + k);
        }

        @Override
        public Neighbors scanLists(FloatMatrix queries, VectorLists lists, int[] probes, int nprobe, int k, Metric metric) {
            throw new AssertionError("the OpenCL backend fell back to the CPU for scanLists k=" + k);
        }
    }
}
