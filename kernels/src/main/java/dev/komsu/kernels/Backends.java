package dev.komsu.kernels;

import dev.komsu.kernels.cpu.CpuBackend;
import dev.komsu.kernels.cpu.ScalarBackend;
import dev.komsu.kernels.opencl.OpenClBackend;
import dev.komsu.kernels.opencl.OpenClDevice;
import dev.komsu.kernels.opencl.OpenClDevices;
import dev.komsu.kernels.opencl.OpenClOptions;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Creates backends by name. The caller owns what it gets and closes it; {@link #defaultCpu()}
 * is the one shared instance (like the JDK's common pool) and is never closed.
 */
public final class Backends {
    private Backends() {
    }

    /** Which backend a user asked for (CLI {@code --backend}). */
    public enum Kind {
        AUTO, CPU, OPENCL, SCALAR;

        public static Kind parse(String s) {
            try {
                return valueOf(s.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown backend '" + s + "': expected auto, cpu, opencl or scalar");
            }
        }
    }

    private static final class DefaultHolder {
        static final CpuBackend INSTANCE = new CpuBackend(Runtime.getRuntime().availableProcessors());
    }

    /** The shared CPU backend with one thread per available processor. */
    public static ComputeBackend defaultCpu() {
        return DefaultHolder.INSTANCE;
    }

    /**
     * The backend a user asked for. AUTO is the OpenCL backend on the first GPU when one is
     * present, else the CPU backend (PoCL-style CPU OpenCL devices are slower than the Vector API
     * path, so AUTO never picks them). OPENCL takes the best device (GPU, else a CPU device) and
     * fails with a message naming what to install when there is none. OpenCL backends fall back
     * to a CPU backend of {@code threads} threads, which they own.
     */
    public static ComputeBackend select(Kind kind, int threads) {
        return select(kind, threads, OpenClDevices::discover);
    }

    /** {@link #select(Kind, int)} with the OpenCL device discovery supplied (tests simulate none). */
    public static ComputeBackend select(Kind kind, int threads, Supplier<OpenClDevices.Discovery> discovery) {
        return switch (kind) {
            case CPU -> cpu(threads);
            case SCALAR -> scalar();
            case AUTO -> auto(threads, discovery.get());
            case OPENCL -> {
                ComputeBackend cpu = cpu(threads);
                try {
                    yield OpenClBackend.open(discovery.get(), cpu, true, OpenClOptions.defaults());
                } catch (RuntimeException e) {
                    cpu.close();
                    throw e;
                }
            }
        };
    }

    private static ComputeBackend auto(int threads, OpenClDevices.Discovery found) {
        Optional<OpenClDevice> gpu = found.firstGpu();
        if (gpu.isEmpty()) return cpu(threads);
        ComputeBackend cpu = cpu(threads);
        try {
            return new OpenClBackend(gpu.get(), cpu, true, OpenClOptions.defaults());
        } catch (RuntimeException e) {
            // AUTO promises a working backend: a GPU whose context cannot be created is skipped.
            System.getLogger(Backends.class.getName()).log(System.Logger.Level.WARNING,
                    "cannot open OpenCL on " + gpu.get().name() + "; using the CPU backend", e);
            return cpu;
        }
    }

    /**
     * The OpenCL devices found and the backend AUTO would pick, for {@code komsu devices}.
     */
    public static String describeDevices() {
        return describeDevices(OpenClDevices.discover());
    }

    /** {@link #describeDevices()} for a given discovery result. */
    public static String describeDevices(OpenClDevices.Discovery found) {
        String auto = found.firstGpu().map(d -> "opencl on " + d.name()).orElse("cpu (no OpenCL GPU found)");
        return "OpenCL devices:\n" + found.describe() + "\nauto backend: " + auto;
    }

    public static ComputeBackend cpu(int threads) {
        return new CpuBackend(threads);
    }

    public static ComputeBackend scalar() {
        return new ScalarBackend();
    }
}
