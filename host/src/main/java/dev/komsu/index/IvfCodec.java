package dev.komsu.index;

import dev.komsu.ProgressListener;
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
    /** Bytes per stored vector, in flat form. */
    int codeSize();

    /** How the lists hold the codes: back to back unless the codec's kernel wants another layout. */
    default CodeLayout layout() {
        return CodeLayout.flat(codeSize());
    }

    boolean isTrained();

    /**
     * Trains the codec (codebooks, ranges) on {@code xs}; codecs that encode residuals ask
     * {@code assigner} for the coarse lists of the rows they train on and subtract those
     * {@code centroids} rows. Codecs that train on a sub-sample assign only the sample (faiss
     * sub-samples before assigning: one coarse pass over all rows cost as much as a k-means
     * iteration). Codecs that run k-means report it to {@code progress}.
     */
    void train(FloatMatrix xs, Assigner assigner, FloatMatrix centroids, ComputeBackend backend, ProgressListener progress);

    /** The coarse list of every row of a matrix: the IVF quantiser's assignment. */
    @FunctionalInterface
    interface Assigner {
        int[] assign(FloatMatrix rows);
    }

    /**
     * Encodes row {@code row} of {@code xs}, assigned to {@code list}, into {@code codeSize()}
     * bytes at {@code out[outOffset]}, with {@code backend}'s kernels where the codec has a choice.
     */
    void encode(FloatMatrix xs, long row, int list, FloatMatrix centroids, ComputeBackend backend, MemorySegment out,
                long outOffset);

    /**
     * Encodes rows {@code [from, from + lists.length)} of {@code xs}, row {@code from + i} assigned
     * to {@code lists[i]}, into consecutive codes at {@code out[0]}: the same bytes as
     * {@link #encode} row by row, which is what this default does. Codecs whose encoding is
     * costly run it on the backend's threads.
     */
    default void encodeAll(FloatMatrix xs, long from, int[] lists, FloatMatrix centroids, ComputeBackend backend,
                           MemorySegment out) {
        for (int i = 0; i < lists.length; i++) {
            encode(xs, from + i, lists[i], centroids, backend, out, (long) i * codeSize());
        }
    }

    /** Decodes the flat code at {@code code[offset]} of a vector in {@code list} into {@code out}. */
    void decode(MemorySegment code, long offset, int list, FloatMatrix centroids, float[] out);

    /**
     * Scans the lists chosen by {@code coarse} (labels are list numbers, distances the
     * query-to-centroid distances, {@code nprobe} per query) and returns the k best entries.
     */
    Neighbors scan(ComputeBackend backend, FloatMatrix queries, InvertedLists lists, FloatMatrix centroids,
                   Neighbors coarse, int k, Metric metric, SearchParams params);

    /** faiss's factory name of the codec part, e.g. "Flat" or "PQ32x4fs". */
    String factoryName();

    /** The codec's part of {@code describe()}, e.g. "code-size=16". */
    default String details(ComputeBackend backend) {
        return "code-size=" + codeSize();
    }
}
