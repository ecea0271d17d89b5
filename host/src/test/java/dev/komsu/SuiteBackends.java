package dev.komsu;

import static org.junit.jupiter.api.Assumptions.abort;

import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The backends one suite class runs on, opened once by provider name and closed with the class.
 * A backend that cannot run here (no OpenCL device, no Vector API) skips its tests, saying why.
 */
final class SuiteBackends implements AutoCloseable {
    private final Map<String, ComputeBackend> open = new LinkedHashMap<>();
    private final Map<String, String> missing = new LinkedHashMap<>();

    synchronized ComputeBackend get(String name) {
        ComputeBackend b = open.get(name);
        if (b != null) return b;
        if (!missing.containsKey(name)) {
            try {
                b = Backends.select(name, Math.max(2, Runtime.getRuntime().availableProcessors()));
                if (b.name().startsWith(name)) {
                    open.put(name, b);
                    return b;
                }
                missing.put(name, "'" + name + "' opened backend " + b.name());
                b.close();
            } catch (IllegalArgumentException | IllegalStateException e) {
                missing.put(name, e.getMessage());
            }
        }
        return abort("SKIPPED: backend " + name + " cannot run here, so the index suite did not test it: " + missing.get(name));
    }

    @Override
    public synchronized void close() {
        open.values().forEach(ComputeBackend::close);
        open.clear();
    }
}
