package dev.komsu.index;

import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.Metric;
import java.util.Objects;

/**
 * An index that holds vectors itself and searches them on a backend (Flat, flat codes, IVF),
 * as opposed to a wrapper: its dimension, metric and backend are fixed when it is made.
 */
abstract class BackendIndex extends GuardedIndex {
    private final int dim;
    private final Metric metric;
    private final ComputeBackend backend;

    BackendIndex(int dim, Metric metric, ComputeBackend backend) {
        if (dim <= 0) throw new IllegalArgumentException("dimension must be > 0, got " + dim);
        this.dim = dim;
        this.metric = Objects.requireNonNull(metric, "metric");
        this.backend = Objects.requireNonNull(backend, "backend");
    }

    @Override
    public final int dim() {
        return dim;
    }

    @Override
    public final Metric metric() {
        return metric;
    }

    /** The backend the index searches (and trains) on. */
    public final ComputeBackend backend() {
        return backend;
    }
}
