package dev.komsu.kernels;

/**
 * Whole-batch IVF-PQ and IVF-SQ8 searches: the per-query loops of those indexes, lifted out of
 * the index classes so that a device backend runs a batch in a few launches over lists it keeps
 * resident. The CPU form runs {@link PqKernels} per query on the backend's threads.
 *
 * <p>Shared conventions: a batch has {@code nq = probes.length / nprobe} queries; query q scans
 * the lists {@code probes[q*nprobe .. q*nprobe+nprobe)}, skipping entries {@code < 0} and empty
 * lists; {@code biases}, when not null, holds one value per (query, probe) that is added to every
 * distance found in that list (faiss's coarse-distance term of by-residual search), null means 0.
 * Results are the k best per query, best first, ties to the smaller id, empty slots label -1 with
 * {@link Metric#emptyDistance()}; labels are the lists' stored ids. Distances must equal those of
 * {@link PqKernels}' reference up to float rounding (the CPU form is bit-identical to it).
 * Implementations are thread-safe. Hosts bound a batch's memory by calling these per chunk of
 * queries.
 */
public interface PqListScanner {
    /**
     * Lookup tables of a batch: row q (of {@code m * ksub} floats) is
     * {@link PqKernels#lookupTable} of query row q. {@code centroidsT} as there. The caller closes
     * the result.
     */
    FloatMatrix lookupTables(FloatMatrix queries, float[] centroidsT, int m, int ksub, int dsub, Metric metric);

    /**
     * IVF-PQ scan of codes of {@code m} sub-quantisers at {@code nbits} (4 or 8; layout of
     * {@link PqKernels}). The table used for query q in list l is {@code queryTables.row(q)} when
     * {@code listTables} is null, else {@code listTables[l*m*ksub + i] + tableScale *
     * queryTables.row(q)[i]} computed as {@link PqKernels#madd} does (faiss's precomputed tables:
     * scale -2).
     */
    Neighbors scanPq(CodeLists lists, int m, int nbits, FloatMatrix queryTables, float[] listTables, float tableScale,
                     int[] probes, float[] biases, int nprobe, int k, Metric metric);

    /**
     * IVF-SQ8 scan (faiss QT_8bit, decoding as {@link PqKernels#scanSq8}). The query vector used in
     * list l is {@code queries.row(q)}, or {@code queries.row(q) - residualCentroids.row(l)} when
     * {@code residualCentroids} is not null (L2 by residual).
     */
    Neighbors scanSq8(CodeLists lists, FloatMatrix queries, FloatMatrix residualCentroids, float[] vmin, float[] vdiff,
                      int[] probes, float[] biases, int nprobe, int k, Metric metric);

    /**
     * {@link #lookupTables} of {@code queries} (codebook {@code centroidsT}, {@code tableMetric},
     * ksub {@code 2^nbits}), then {@link #scanPq} with them: one step, so a device backend keeps
     * the tables where it built them. The handles are this backend's (or read as host data).
     */
    default Neighbors searchPq(Resident<CodeLists> lists, FloatMatrix queries, Resident<float[]> centroidsT, int m,
                               int nbits, int dsub, Metric tableMetric, Resident<float[]> listTables, float tableScale,
                               int[] probes, float[] biases, int nprobe, int k, Metric metric) {
        try (FloatMatrix tables = lookupTables(queries, centroidsT.host(), m, 1 << nbits, dsub, tableMetric)) {
            return scanPq(lists.host(), m, nbits, tables, listTables == null ? null : listTables.host(), tableScale,
                    probes, biases, nprobe, k, metric);
        }
    }

    /** {@link #scanSq8} over resident lists and residual centroids (null when not by residual). */
    default Neighbors scanSq8(Resident<CodeLists> lists, FloatMatrix queries, ResidentMatrix residualCentroids,
                              float[] vmin, float[] vdiff, int[] probes, float[] biases, int nprobe, int k, Metric metric) {
        return scanSq8(lists.host(), queries, residualCentroids == null ? null : residualCentroids.host(), vmin, vdiff,
                probes, biases, nprobe, k, metric);
    }
}
