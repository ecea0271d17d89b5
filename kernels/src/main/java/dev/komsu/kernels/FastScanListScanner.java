package dev.komsu.kernels;

/**
 * Whole-batch 4-bit FastScan search over block lists: the loop of faiss's IVF FastScan
 * search_implem_12, lifted out of the index classes so that a device backend can run it over
 * resident lists. The CPU form runs {@link FastScanKernels#scan} on the backend's threads.
 *
 * <p>A batch has {@code nq = probes.length / nprobe} queries. Query q scans lists
 * {@code probes[q*nprobe .. +nprobe)} (entries {@code < 0} and empty lists skipped) <em>in
 * increasing list number</em>; its uint8 table for probe p starts at byte
 * {@code (q * tables + (tables == 1 ? 0 : p)) * m2 * 16} of {@code luts}, where {@code tables} is
 * 1 (one table for all lists) or {@code nprobe} (one per probe); its uint16 bias for probe p is
 * {@code biases[q*nprobe + p]}, or 0 when {@code biases} is null. A vector's distance is
 * {@code (accumulator + bias) mod 2^16}.
 *
 * <p>Results are exactly those of one {@link QuantizedTopK} per query fed in that order (faiss's
 * HeapHandler; its tie rule depends on the order): the raw keys and ids, best first, written to
 * {@code outKeys}/{@code outIds} at {@code q * k} as {@link QuantizedTopK#drainRaw} writes them.
 * A device implementation must reproduce that order-dependence, e.g. by computing all distances
 * in parallel, finding the k-th smallest key K, and replaying the heap over the candidates with
 * key {@code <= K} in scan order (candidates above K can never displace them).
 *
 * <p>{@code metric} L2: smaller distances are better (faiss's CMax handler). INNER_PRODUCT:
 * larger are better, kept as faiss's CMin handler keeps them; an implementation that does not
 * support it yet must say so with an {@link UnsupportedOperationException}, never answer as L2.
 */
public interface FastScanListScanner {
    void scan(BlockCodeLists lists, byte[] luts, int tables, int[] biases, int[] probes, int nprobe, int k,
              int[] outKeys, long[] outIds, Metric metric);

    /** {@link #scan} over lists this backend prepared. */
    default void scan(Resident<BlockCodeLists> lists, byte[] luts, int tables, int[] biases, int[] probes, int nprobe,
                      int k, int[] outKeys, long[] outIds, Metric metric) {
        scan(lists.host(), luts, tables, biases, probes, nprobe, k, outKeys, outIds, metric);
    }
}
