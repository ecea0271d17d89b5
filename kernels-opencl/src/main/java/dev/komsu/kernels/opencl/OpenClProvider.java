package dev.komsu.kernels.opencl;

import dev.komsu.kernels.BackendProvider;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Provides {@link OpenClBackend}. {@code auto} takes it only with a GPU (PoCL-style CPU devices
 * are slower than the Vector API backend); asked for by name it takes the best device, GPU first.
 * Its CPU fallback is {@link Backends#cpu(int)}, owned by the backend.
 */
public final class OpenClProvider implements BackendProvider {
    private final Supplier<OpenClDevices.Discovery> discovery;

    /** The provider the service loader creates: asks the OpenCL ICD loader. */
    public OpenClProvider() {
        this(OpenClDevices::discover);
    }

    /** A provider over a given discovery (tests simulate devices or none). */
    public OpenClProvider(Supplier<OpenClDevices.Discovery> discovery) {
        this.discovery = Objects.requireNonNull(discovery, "discovery");
    }

    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public int priority() {
        return 200;
    }

    @Override
    public Availability probe() {
        OpenClDevices.Discovery found;
        try {
            found = discovery.get();
        } catch (RuntimeException | LinkageError e) {
            return Availability.unavailable("OpenCL discovery failed: " + e);
        }
        if (found.firstGpu().isPresent()) return Availability.automatic("on " + found.firstGpu().get().name());
        return found.best().map(d -> Availability.onRequest("no OpenCL GPU; CPU device " + d.name()))
                .orElseGet(() -> Availability.unavailable("no OpenCL device: " + found.problem() + "; " + OpenClDevices.INSTALL_HINT));
    }

    @Override
    public ComputeBackend open(int threads) {
        OpenClDevices.Discovery found = discovery.get();
        ComputeBackend cpu = Backends.cpu(threads);
        try {
            return OpenClBackend.open(found, cpu, true, OpenClOptions.defaults());
        } catch (RuntimeException e) {
            cpu.close();
            throw e;
        }
    }

    @Override
    public String describe() {
        return "OpenCL devices:\n" + discovery.get().describe();
    }
}
