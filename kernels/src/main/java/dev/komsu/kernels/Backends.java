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

    public static ComputeBackend cpu(int threads) {
        return new CpuBackend(threads);
    }

    public static ComputeBackend scalar() {
        return new ScalarBackend();
    }
}
