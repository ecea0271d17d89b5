package dev.komsu.kernels.opencl;

import dev.komsu.kernels.BaseNorms;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Resident;
import dev.komsu.kernels.ResidentMatrix;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The OpenCL backend's resident handle: the host data and its device copies, one per device
 * layout an operation asks for (e.g. a base blocked for knn and row-major for refine), made on
 * first use and kept until {@link #close}. Which data is on the device is therefore known, not
 * guessed: the index that prepared the handle closes it and prepares a new one when its data
 * changes. A one-call handle wraps data given as a plain view (or another backend's handle) and
 * is released when the call ends. Device copies are made and released under the backend's lock.
 */
class ClResident<T> implements Resident<T> {
    private final OpenClBackend owner;
    private final T host;
    private final boolean oneCall;
    private final Map<Object, AutoCloseable> copies = new HashMap<>();
    private boolean closed;

    ClResident(OpenClBackend owner, T host, boolean oneCall) {
        this.owner = owner;
        this.host = host;
        this.oneCall = oneCall;
    }

    /** {@code handle} if {@code owner} made it, else a one-call handle of its host data. */
    static <T> ClResident<T> of(OpenClBackend owner, Resident<T> handle) {
        if (handle instanceof ClResident<T> own && own.owner == owner) return own;
        return new ClResident<>(owner, handle.host(), true);
    }

    /** {@link #of} for a matrix, keeping its norms. */
    static Matrix of(OpenClBackend owner, ResidentMatrix handle) {
        if (handle instanceof Matrix own && own.owner() == owner) return own;
        return new Matrix(owner, handle.host(), handle.norms(), true);
    }

    OpenClBackend owner() {
        return owner;
    }

    @Override
    public T host() {
        return host;
    }

    /**
     * The device copy in {@code layout} (a key naming the layout and its parameters), made by
     * {@code upload} on first use. Call under the backend's lock.
     */
    <D extends AutoCloseable> D device(Object layout, Class<D> type, Supplier<D> upload) {
        if (closed) throw new IllegalStateException("the resident handle was closed");
        AutoCloseable copy = copies.get(layout);
        if (copy == null) {
            copy = upload.get();
            copies.put(layout, copy);
            if (!oneCall) owner.countResidentUpload();
        }
        return type.cast(copy);
    }

    /** Ends the call: a one-call handle releases its copies, a prepared one keeps them. */
    void endCall() {
        if (oneCall) releaseCopies();
    }

    /** Releases the device copies (the handle makes them again on next use). Call under the backend's lock. */
    void releaseCopies() {
        for (AutoCloseable c : copies.values()) {
            try {
                c.close();
            } catch (Exception e) {
                // Device copies (ClBuffer and the Device* stores) do not throw on close; anything else is a bug.
                throw new IllegalStateException("releasing a device copy failed", e);
            }
        }
        copies.clear();
    }

    /** Copies held now, for tests. */
    int copies() {
        return copies.size();
    }

    @Override
    public void close() {
        owner.release(this, () -> {
            closed = true;
            releaseCopies();
        });
    }

    /** A device layout: what the copy is ({@code "matrix"}, {@code "code-lists"}, ...) and its rows per block. */
    record Layout(String store, int block) {
    }

    /** The handle of a base matrix, with its norms. */
    static final class Matrix extends ClResident<FloatMatrix> implements ResidentMatrix {
        private final BaseNorms norms;

        Matrix(OpenClBackend owner, FloatMatrix host, BaseNorms norms, boolean oneCall) {
            super(owner, host, oneCall);
            this.norms = norms;
        }

        @Override
        public BaseNorms norms() {
            return norms;
        }
    }
}
