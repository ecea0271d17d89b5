package dev.komsu.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Numeric operations of product and scalar quantisation: lookup tables, code scans with a fused
 * top-k, and the table arithmetic of faiss's precomputed IVF-PQ tables. One scalar reference and
 * one Vector API implementation; the conformance test holds them to the same results.
 *
 * <p>Layouts (faiss's): a PQ code of {@code m} sub-quantisers at {@code nbits} 8 is {@code m}
 * bytes; at {@code nbits} 4 it is {@code ceil(m/2)} bytes, two codes per byte, low nibble first
 * (faiss PQEncoderGeneric). Lookup tables are {@code m x ksub} floats, row-major. Codebooks are
 * passed <em>transposed</em>: {@code centroidsT[(mi * dsub + t) * ksub + j]} is component t of
 * centroid j of sub-quantiser mi, so a table row is built from contiguous loads. Ids of a list
 * are native-order int64 values. Implementations are stateless and thread-safe.
 */
public interface PqKernels {
    /**
     * Fills {@code out[mi * ksub + j]} with the squared L2 distance (L2) or the inner product
     * (INNER_PRODUCT) between sub-vector mi of {@code query} and centroid j of sub-quantiser mi.
     */
    void lookupTable(float[] query, float[] centroidsT, int m, int ksub, int dsub, Metric metric, float[] out);

    /**
     * The tables of {@code n} points against one codebook (k-means assignment with few
     * centroids): row i of {@code out} ({@code k} values at {@code i * k}) is
     * {@link #lookupTable} with m = 1 of point {@code from + i} ({@code d} floats at
     * {@code points[(from + i) * d]}), {@code centroidsT} holding the k centroids transposed.
     */
    void lookupTables(float[] points, int from, int n, float[] centroidsT, int k, int d, Metric metric, float[] out);

    /**
     * For each of the {@code m} rows of {@code ksub} values in {@code table} (row mi at
     * {@code mi * ksub}), the index of its smallest value into {@code out[mi]}: the first index
     * of the minimum, as a scan with a strict {@code <} from index 0 finds it (faiss's
     * PQ encoder and k-means assignment): a NaN never replaces a value, and a row starting
     * with NaN gives 0.
     */
    void argmin(float[] table, int m, int ksub, int[] out);

    /** {@code out[i] = a[aOffset + i] + scale * b[i]} for i in [0, n) (faiss fvec_madd). */
    void madd(int n, float[] a, int aOffset, float scale, float[] b, float[] out);

    /**
     * Distances of {@code n} PQ codes starting at byte 0 of {@code codes}: {@code bias} plus the
     * table entries of the code's sub-quantisers, added in sub-quantiser order.
     */
    void distances(MemorySegment codes, long n, int m, int nbits, float[] lut, float bias, float[] out);

    /** Like {@link #distances}, offering each (distance, id) to {@code heap} through {@link Metric#toKey}. */
    void scanCodes(MemorySegment codes, MemorySegment ids, long n, int m, int nbits, float[] lut, float bias,
                   Metric metric, TopK heap);

    /**
     * Scans {@code n} SQ8 codes ({@code d} bytes each, faiss QT_8bit: component i decodes to
     * {@code vmin[i] + ((c + 0.5) / 255) * vdiff[i]}), offering {@code bias} + the squared L2
     * distance or inner product between {@code query} and the decoded vector.
     */
    void scanSq8(MemorySegment codes, MemorySegment ids, long n, float[] query, float[] vmin, float[] vdiff,
                 float bias, Metric metric, TopK heap);

    /**
     * Exact distances (squared L2 or inner product) from {@code query} to rows
     * {@code rows[0 .. count)} of {@code base}, into {@code out}: the re-ranking step of a
     * refine index (faiss IndexRefineFlat).
     */
    void gatherDistances(float[] query, FloatMatrix base, long[] rows, int count, Metric metric, float[] out);

    /**
     * Squared L2 distances or inner products from {@code query} to the SQ8 codes
     * {@code rows[0 .. count)} of {@code codes} ({@code d = query.length} bytes each, decoded as
     * in {@link #scanSq8}), into {@code out}: one graph node's neighbours at a time (faiss's
     * IndexHNSWSQ measures a float query against stored codes).
     */
    void gatherSq8Distances(float[] query, MemorySegment codes, long[] rows, int count, float[] vmin, float[] vdiff,
                            Metric metric, float[] out);

    /**
     * How {@link #gatherDistances} sums, for a device backend that reproduces it bit for bit
     * (the OpenCL refine).
     */
    GatherSummation gatherSummation();
}
