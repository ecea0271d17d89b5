package dev.komsu.index;

import dev.komsu.kernels.BlockCodeLists;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.LutQuantizer;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.QuantizedTopK;

/**
 * What the FastScan codec (IVF lists, or the one list of a flat index) does with a chunk of
 * queries once their uint8 tables are built: the backend's batched scan
 * ({@link ComputeBackend#fastScanLists()}), then faiss's conversion of the raw uint16 results to
 * float distances with each query's scale.
 */
final class FastScanChunks {
    /** Lookup tables of one chunk at most (256 x M2 x 16 bytes: 512 KB at M=128), so they stay in cache. */
    static final int MAX_TABLES_PER_CHUNK = 256;
    /** Chunks a batch is split into when it is small, so the backend's threads all get one. */
    private static final int MIN_CHUNKS = 8;

    private FastScanChunks() {
    }

    /** Queries per chunk for a batch of {@code nq} queries with {@code tablesPerQuery} tables each. */
    static int size(int nq, int tablesPerQuery) {
        int cacheBound = Math.max(1, MAX_TABLES_PER_CHUNK / tablesPerQuery);
        int spread = (nq + MIN_CHUNKS - 1) / MIN_CHUNKS;
        return Math.max(1, Math.min(cacheBound, spread));
    }

    /**
     * Scans queries {@code [from, from + scales.length)} (their tables, biases and probes as
     * {@link dev.komsu.kernels.FastScanListScanner#scan} takes them) and writes their float
     * results into {@code out}.
     */
    static void scan(ComputeBackend backend, BlockCodeLists lists, byte[] luts, int tables, int[] biases, int[] probes,
                     int nprobe, int k, LutQuantizer.Scale[] scales, Metric metric, Neighbors out, int from) {
        int count = scales.length;
        int[] keys = new int[count * k];
        long[] ids = new long[count * k];
        backend.fastScanLists().scan(lists, luts, tables, biases, probes, nprobe, k, keys, ids, metric);
        for (int b = 0; b < count; b++) {
            QuantizedTopK.toDistances(keys, ids, b * k, k, scales[b].a(), scales[b].b(), metric.emptyDistance(),
                    out.distances(), out.labels(), (from + b) * k);
        }
    }
}
