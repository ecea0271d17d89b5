package dev.komsu.kernels;

import dev.komsu.kernels.scalar.ScalarBackend;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Creates backends by name, from the {@link BackendProvider}s on the class or module path (the
 * scalar reference and the Vector API CPU backend in this module; OpenCL when
 * {@code komsu-opencl} is present). The caller owns what it gets and closes it;
 * {@link #defaultCpu()} is the one shared instance (like the JDK's common pool) and is never
 * closed.
 *
 * <p>Without {@code --add-modules jdk.incubator.vector} the Vector API backend cannot load: the
 * CPU backend is then the scalar one, and the first time that happens one warning names the flag.
 */
public final class Backends {
    /** The JVM option that enables the Vector API CPU backend. */
    public static final String VECTOR_FLAG = "--add-modules jdk.incubator.vector";

    private static final System.Logger LOG = System.getLogger(Backends.class.getName());
    private static final Comparator<BackendProvider> BY_PRIORITY =
            Comparator.comparingInt(BackendProvider::priority).reversed().thenComparing(BackendProvider::name);

    private Backends() {
    }

    /** The built-in backend names (CLI {@code --backend}); other providers add theirs. */
    public enum Kind {
        AUTO, CPU, OPENCL, SCALAR;

        public static Kind parse(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown backend '" + s + "': expected auto, cpu, opencl or scalar");
            }
        }

        /** The provider name, as {@link #select(String, int)} takes it. */
        public String providerName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final class DefaultHolder {
        static final ComputeBackend INSTANCE = cpu(Runtime.getRuntime().availableProcessors());
    }

    // Class initialisation runs once per JVM: the warning is logged the first time the CPU
    // backend has to be the scalar one, and never again.
    private static final class ScalarCpuWarning {
        static {
            LOG.log(System.Logger.Level.WARNING, "komsu runs on the scalar backend, several times slower: "
                    + cpuProbe().reason());
        }

        static void logged() {
        }
    }

    /** The shared CPU backend with one thread per available processor. */
    public static ComputeBackend defaultCpu() {
        return DefaultHolder.INSTANCE;
    }

    /** Every provider found, highest priority first. */
    public static List<BackendProvider> providers() {
        List<BackendProvider> found = new ArrayList<>();
        ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader()).forEach(found::add);
        found.sort(BY_PRIORITY);
        return found;
    }

    /** {@link #select(String, int)} for a built-in name. */
    public static ComputeBackend select(Kind kind, int threads) {
        return select(kind.providerName(), threads);
    }

    /**
     * The backend a user asked for: {@code auto}, or a provider's name ({@code cpu},
     * {@code scalar}, {@code opencl}, ...). {@code auto} opens the highest-priority provider whose
     * probe says automatic (an OpenCL GPU when there is one; PoCL-style CPU OpenCL devices are
     * slower than the Vector API path, so never those), skipping any that fails to open, and
     * ends at the CPU backend. {@code cpu} is the Vector API backend, or the scalar one with a
     * warning when the Vector API is missing. Any other name must be a provider that can run here.
     *
     * @throws IllegalArgumentException for a name no provider has
     * @throws IllegalStateException    when the named backend cannot run here (the message says why)
     */
    public static ComputeBackend select(String name, int threads) {
        return select(name, threads, providers());
    }

    /** {@link #select(String, int)} over the given providers (tests supply their own). */
    public static ComputeBackend select(String name, int threads, List<BackendProvider> providers) {
        String wanted = name.strip().toLowerCase(Locale.ROOT);
        if (wanted.equals("auto")) return auto(threads, providers);
        if (wanted.equals("cpu")) return cpu(threads, providers);
        BackendProvider p = named(providers, wanted)
                .orElseThrow(() -> new IllegalArgumentException("unknown backend '" + name + "': expected auto, "
                        + providers.stream().map(BackendProvider::name).collect(Collectors.joining(", "))));
        BackendProvider.Availability a = p.probe();
        if (!a.usable()) throw new IllegalStateException("backend " + p.name() + " is not available: " + a.reason());
        return p.open(threads);
    }

    private static ComputeBackend auto(int threads, List<BackendProvider> providers) {
        for (BackendProvider p : aheadOfCpu(providers)) {
            if (!p.probe().automatic()) continue;
            try {
                return p.open(threads);
            } catch (RuntimeException e) {
                // AUTO promises a working backend: one that cannot open is skipped.
                LOG.log(System.Logger.Level.WARNING, "cannot open backend " + p.name() + "; trying the next", e);
            }
        }
        return cpu(threads, providers);
    }

    /** The providers {@code auto} tries before the CPU backend: other than it, at or above its priority, best first. */
    private static List<BackendProvider> aheadOfCpu(List<BackendProvider> providers) {
        int cpu = named(providers, "cpu").map(BackendProvider::priority).orElse(Integer.MIN_VALUE);
        return providers.stream().filter(p -> !p.name().equals("cpu") && p.priority() >= cpu).sorted(BY_PRIORITY).toList();
    }

    private static Optional<BackendProvider> named(List<BackendProvider> providers, String name) {
        return providers.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /**
     * What every provider found and the backend {@code auto} would pick, for {@code komsu devices}.
     */
    public static String describeDevices() {
        return describeDevices(providers());
    }

    /** {@link #describeDevices()} over the given providers. */
    public static String describeDevices(List<BackendProvider> providers) {
        StringBuilder sb = new StringBuilder();
        for (BackendProvider p : providers.stream().sorted(BY_PRIORITY).toList()) sb.append(p.describe().strip()).append('\n');
        sb.append("auto backend: ").append(autoChoice(providers));
        return sb.toString();
    }

    private static String autoChoice(List<BackendProvider> providers) {
        for (BackendProvider p : aheadOfCpu(providers)) {
            BackendProvider.Availability a = p.probe();
            if (a.automatic()) return p.name() + " (" + a.reason() + ")";
        }
        BackendProvider.Availability c = cpuProbe(providers);
        return c.usable() ? "cpu (" + c.reason() + ")" : "scalar (" + c.reason() + ")";
    }

    /** The Vector API CPU backend with {@code threads} threads, or the scalar backend when the Vector API is missing. */
    public static ComputeBackend cpu(int threads) {
        return cpu(threads, providers());
    }

    private static ComputeBackend cpu(int threads, List<BackendProvider> providers) {
        if (threads <= 0) throw new IllegalArgumentException("threads must be > 0, got " + threads);
        Optional<BackendProvider> vector = named(providers, "cpu");
        if (vector.isPresent() && vector.get().probe().usable()) return vector.get().open(threads);
        ScalarCpuWarning.logged();
        return scalar();
    }

    /** Whether the Vector API CPU backend can run in this JVM, and why not. */
    public static BackendProvider.Availability cpuProbe() {
        return cpuProbe(providers());
    }

    private static BackendProvider.Availability cpuProbe(List<BackendProvider> providers) {
        return named(providers, "cpu").map(BackendProvider::probe)
                .orElse(BackendProvider.Availability.unavailable("no cpu backend provider on the class path"));
    }

    /** The one-thread scalar reference backend. */
    public static ComputeBackend scalar() {
        return new ScalarBackend();
    }
}
