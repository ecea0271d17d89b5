package dev.komsu;

import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;

/**
 * A searchable collection of vectors, as in faiss: train (if the type needs it), add, search.
 * Search is thread-safe; add and train must not run concurrently with anything else on the
 * same index. Indexes that hold off-heap memory free it in {@link #close}.
 */
public interface Index extends AutoCloseable {
    /** Vector dimension. */
    int dim();

    Metric metric();

    /** Number of vectors added. */
    long ntotal();

    /** False until {@link #train} has run, for the types that need training. */
    boolean isTrained();

    /** Learns the index's parameters (centroids, codebooks) from {@code xs}. */
    void train(FloatMatrix xs);

    /** Adds {@code xs}; they get the ids {@code ntotal() .. ntotal() + xs.rows() - 1}. */
    void add(FloatMatrix xs);

    /**
     * Adds {@code xs} with caller-chosen ids. faiss supports this on IVF indexes and on IDMap
     * wrappers, not on a bare Flat index.
     */
    void addWithIds(FloatMatrix xs, long[] ids);

    /** The k best stored vectors for each row of {@code queries}. */
    Neighbors search(FloatMatrix queries, int k, SearchParams params);

    default Neighbors search(FloatMatrix queries, int k) {
        return search(queries, k, SearchParams.DEFAULTS);
    }

    /** The stored vector with this id (decoded, for lossy codecs). */
    float[] reconstruct(long id);

    /** Stored vectors {@code from .. from+n-1}, by id, as a new matrix the caller closes. */
    FloatMatrix reconstructN(long from, long n);

    /** Human-readable description for {@code komsu info}: type, parameters, sizes. */
    String describe();

    /** Frees the index's off-heap memory. */
    @Override
    void close();

    // Convenience overloads for on-heap arrays.

    default void train(float[][] xs) {
        try (FloatMatrix m = FloatMatrix.of(xs)) {
            train(m);
        }
    }

    default void add(float[][] xs) {
        try (FloatMatrix m = FloatMatrix.of(xs)) {
            add(m);
        }
    }

    default Neighbors search(float[][] queries, int k, SearchParams params) {
        try (FloatMatrix m = FloatMatrix.of(queries)) {
            return search(m, k, params);
        }
    }
}
