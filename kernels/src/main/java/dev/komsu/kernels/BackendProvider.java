package dev.komsu.kernels;

/**
 * A backend module's entry point, found by {@link Backends} through {@link java.util.ServiceLoader}
 * ({@code provides dev.komsu.kernels.BackendProvider with ...} in a module, or a
 * {@code META-INF/services/dev.komsu.kernels.BackendProvider} file on the class path). A new
 * backend (OpenCL today, TornadoVM or CUDA tomorrow) is a module with one of these and a
 * {@link ComputeBackend}; nothing else changes.
 *
 * <p>Providers are cheap to create: the service loader instantiates every one it finds each time
 * backends are selected. Expensive work (loading native libraries, opening devices) waits for
 * {@link #probe()} or {@link #open(int)}.
 */
public interface BackendProvider {
    /** The name users select it by ({@code --backend NAME}), lower case, e.g. "cpu", "opencl". */
    String name();

    /**
     * Rank under {@code auto}: among the providers whose probe says {@link Availability#automatic()},
     * the highest priority is opened first. The built-in ones: opencl 200, cpu 100, scalar 0.
     */
    int priority();

    /** Whether this backend can run here and whether {@code auto} should take it. Never throws. */
    Availability probe();

    /**
     * Opens the backend with {@code threads} host threads (for its CPU work or fallback); the
     * caller owns and closes it. Throws {@link IllegalStateException} naming what is missing when
     * it cannot run here.
     */
    ComputeBackend open(int threads);

    /** Lines for {@code komsu devices}: what this provider found (devices, instruction sets). */
    default String describe() {
        Availability a = probe();
        return name() + ": " + (a.usable() ? "available" : "unavailable") + " (" + a.reason() + ")";
    }

    /**
     * A probe's answer.
     *
     * @param usable    {@link #open(int)} should work here
     * @param automatic {@code auto} may pick it (a CPU-hosted OpenCL device is usable but not automatic)
     * @param reason    one line: what was found, or what is missing and how to get it
     */
    record Availability(boolean usable, boolean automatic, String reason) {
        public Availability {
            if (automatic && !usable) throw new IllegalArgumentException("an unusable backend cannot be automatic");
            java.util.Objects.requireNonNull(reason, "reason");
        }

        public static Availability automatic(String reason) {
            return new Availability(true, true, reason);
        }

        public static Availability onRequest(String reason) {
            return new Availability(true, false, reason);
        }

        public static Availability unavailable(String reason) {
            return new Availability(false, false, reason);
        }
    }
}
