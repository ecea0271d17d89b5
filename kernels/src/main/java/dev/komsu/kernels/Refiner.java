package dev.komsu.kernels;

/**
 * The re-ranking step of a refine index (faiss IndexRefineFlat) for a whole batch: for query q,
 * the candidates {@code candidates[q*kIn .. q*kIn+kIn)} (row numbers of {@code base}; entries
 * {@code < 0} skipped) get exact distances (squared L2 or inner product, as
 * {@link PqKernels#gatherDistances}) and the k best are returned, best first, ties to the smaller
 * row, empty slots label -1. Thread-safe.
 */
public interface Refiner {
    Neighbors refine(FloatMatrix queries, FloatMatrix base, long[] candidates, int kIn, int k, Metric metric);

    /** {@link #refine} against a base this backend prepared. */
    default Neighbors refine(FloatMatrix queries, ResidentMatrix base, long[] candidates, int kIn, int k, Metric metric) {
        return refine(queries, base.host(), candidates, kIn, k, metric);
    }
}
