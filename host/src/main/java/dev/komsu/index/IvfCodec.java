package dev.komsu.index;

import dev.komsu.SearchParams;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.lang.foreign.MemorySegment;

/**
 * How an IVF index stores vectors inside its lists and scans them (faiss splits IVF the same
 * way: coarse quantiser + inverted lists + codec + per-list scanner). A new code type (PQ,
 * FastScan, SQ8) is a new codec, not a new index class.
 */
public interface IvfCodec {
    /** Bytes per stored vector. */
    int codeSize();

    boolean isTrained();

    /**
     * Trains the codec (codebooks, ranges) on {@code xs}; codecs that encode residuals ask
     * {@code assigner} for the coarse lists of the rows they train on and subtract those
     * {@code centroids} rows. Codecs that train on a sub-sample assign only the sample (faiss
     * sub-samples before assigning: one coarse pass over all rows cost as much as a k-means
     * iteration).
     */
    void train(FloatMatrix xs, Assigner assigner, FloatMatrix centroids, ComputeBackend backend);

    /** The coarse list of every row of a matrix: the IVF quantiser's assignment. */
    @FunctionalInterface
    interface Assigner {
        int[] assign(FloatMatrix rows);
    }

    /** Encodes row {@code row} of {@code xs}, assigned to {@code list}, into {@code codeSize()} bytes at {@code out[outOffset]}. */
    void encode(FloatMatrix xs, long row, int list, FloatMatrix centroids, MemorySegment out, long outOffset);

    /** Decodes the code at {@code codes[offset]} of a vector in {@code list} into {@code out}. */
    void decode(MemorySegment codes, long offset, int list, FloatMatrix centroids, float[] out);

    /**
     * Scans the lists chosen by {@code coarse} (labels are list numbers, distances the
     * query-to-centroid distances, {@code nprobe} per query) and returns the k best entries.
     */
    Neighbors scan(ComputeBackend backend, Residency residency, FloatMatrix queries, InvertedLists lists, FloatMatrix centroids,
                   Neighbors coarse, int k, Metric metric, SearchParams params);

    /** faiss's factory name of the codec part, e.g. "Flat" or "PQ32x4fs". */
    String factoryName();
}
