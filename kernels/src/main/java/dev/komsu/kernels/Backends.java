package dev.komsu.kernels;

import dev.komsu.kernels.cpu.CpuBackend;
import dev.komsu.kernels.cpu.ScalarBackend;

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
     * The backend a user asked for. AUTO is the CPU backend until an OpenCL GPU backend exists;
     * OPENCL fails with a clear message when no OpenCL device can be used.
     */
    public static ComputeBackend select(Kind kind, int threads) {
        return switch (kind) {
            case AUTO, CPU -> cpu(threads);
            case SCALAR -> scalar();
            case OPENCL -> throw new IllegalStateException("the OpenCL backend is not part of this build yet");
        };
    }

    public static ComputeBackend cpu(int threads) {
        return new CpuBackend(threads);
    }

    public static ComputeBackend scalar() {
        return new ScalarBackend();
    }
}
