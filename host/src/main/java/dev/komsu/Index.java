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

    /**
     * Removes every stored vector whose id {@code selector} selects and returns how many went,
     * as faiss's {@code remove_ids}: Flat and exhaustive codes compact their rows and renumber
     * the rest (ids stay row numbers), IVF lists move their last entry into each hole (faiss's
     * ArrayInvertedLists order), IDMap keeps the user ids of the rest. Not concurrent with
     * search or add. Types where faiss does not implement it (HNSW, RFlat) refuse with
     * {@link UnsupportedOperationException}.
     */
    default long removeIds(IdSelector selector) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + ": remove_ids is not implemented");
    }

    /**
     * Every stored vector within {@code radius} of each query, faiss's {@code range_search}:
     * squared L2 distance {@code < radius}, or inner product {@code > radius}, on the same
     * distances {@link #search} ranks by (decoded codes for PQ and SQ8). {@code params.nprobe}
     * applies as in search. Thread-safe like search. See each index type for what it returns.
     */
    default RangeSearchResult rangeSearch(FloatMatrix queries, float radius, SearchParams params) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + ": range_search is not implemented");
    }

    default RangeSearchResult rangeSearch(FloatMatrix queries, float radius) {
        return rangeSearch(queries, radius, SearchParams.DEFAULTS);
    }

    /**
     * Moves every vector of {@code other} into this index, their ids shifted by {@code addId},
     * and leaves {@code other} empty: faiss's {@code merge_from}. Both must be the same type
     * with the same trained parameters; IVF indexes take any {@code addId}, indexes whose ids
     * are row numbers only 0 (faiss's rule).
     */
    default void mergeFrom(Index other, long addId) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + ": merge_from is not implemented");
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
