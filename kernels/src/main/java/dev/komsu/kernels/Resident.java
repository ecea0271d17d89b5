package dev.komsu.kernels;

/**
 * A backend's resident copy of data an index keeps (lists, codebooks, tables): made by
 * {@code ComputeBackend.prepare(...)}, owned by the index, rebuilt by it when the data changes
 * and closed with it. Batched operations given a handle use the backend's copy; per batch only
 * queries go to the device and results come back (faiss's {@code index_cpu_to_gpu}). The host
 * data must stay unchanged and alive while the handle is used.
 *
 * <p>A host backend's handle is the host data itself ({@link #onHost}) and costs nothing. A
 * handle given to another backend than the one that made it is read through {@link #host()}.
 * Closing is idempotent and thread-safe, but must not race a search that uses the handle.
 *
 * @param <T> the host view: {@link VectorLists}, {@link CodeLists}, {@link BlockCodeLists},
 *     {@code float[]} (a codebook or table)
 */
public interface Resident<T> extends AutoCloseable {
    /** The host data this handle was prepared from. */
    T host();

    /** Releases the backend's copy (device memory); the host data is the caller's. */
    @Override
    void close();

    /** The handle of a backend without device memory: the host data, nothing to release. */
    static <T> Resident<T> onHost(T data) {
        return new OnHost<>(java.util.Objects.requireNonNull(data, "data"));
    }

    /** {@link #onHost}'s handle. */
    record OnHost<T>(T host) implements Resident<T> {
        @Override
        public void close() {
        }
    }
}
