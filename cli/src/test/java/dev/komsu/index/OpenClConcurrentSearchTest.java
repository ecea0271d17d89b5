package dev.komsu.index;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.komsu.kernels.BackendProvider;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;

/**
 * {@link ConcurrentSearchTest} on the OpenCL backend (PoCL here): 16 searches at once over every
 * index type equal the serial ones bit for bit. The backend serialises its device work, and the
 * searches it hands to the CPU (FastScan with inner product, k beyond the device) run beside them.
 * Skipped, saying why, only where no OpenCL device exists.
 */
class OpenClConcurrentSearchTest extends ConcurrentSearchTest {
    @Override
    ComputeBackend backend(int threads) {
        BackendProvider.Availability opencl = Backends.providers().stream().filter(p -> p.name().equals("opencl"))
                .findFirst().map(BackendProvider::probe)
                .orElse(BackendProvider.Availability.unavailable("komsu-opencl is not on the class path"));
        assumeTrue(opencl.usable(), "SKIPPED: no OpenCL device for the concurrent-search test: " + opencl.reason());
        ComputeBackend backend = Backends.select("opencl", threads);
        assumeTrue(backend.name().startsWith("opencl"), "SKIPPED: the opencl backend is " + backend.name());
        return backend;
    }
}
