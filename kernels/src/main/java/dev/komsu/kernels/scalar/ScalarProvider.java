package dev.komsu.kernels.scalar;

import dev.komsu.kernels.BackendProvider;
import dev.komsu.kernels.ComputeBackend;

/** Provides {@link ScalarBackend}: always there, never picked by {@code auto} ahead of the CPU backend. */
public final class ScalarProvider implements BackendProvider {
    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Availability probe() {
        return Availability.onRequest("plain Java reference loops, one thread");
    }

    /** The reference backend; it is single-threaded whatever {@code threads} says. */
    @Override
    public ComputeBackend open(int threads) {
        return new ScalarBackend();
    }
}
