package dev.komsu.kernels.cpu;

import dev.komsu.kernels.BackendProvider;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;

/**
 * Provides {@link CpuBackend}, the Vector API backend, when the JVM has the incubator module.
 * This class names no Vector API type itself, so it loads and probes without the module.
 */
public final class VectorCpuProvider implements BackendProvider {
    private static final String MODULE = "jdk.incubator.vector";

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Availability probe() {
        if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
            return Availability.unavailable(MODULE + " is not in this JVM; start java with " + Backends.VECTOR_FLAG);
        }
        try {
            return Availability.automatic(VectorHardware.describe());
        } catch (LinkageError e) {
            return Availability.unavailable("the Vector API did not load: " + e);
        }
    }

    @Override
    public ComputeBackend open(int threads) {
        Availability a = probe();
        if (!a.usable()) throw new IllegalStateException("the cpu backend cannot run here: " + a.reason());
        return new CpuBackend(threads);
    }
}
