package dev.komsu.index;

import dev.komsu.RangeSearchResult;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Range search over the lists an IVF index probes (faiss IndexIVF::range_search with its
 * scanners' scan_codes_range): every entry of the {@code nprobe} lists nearest each query whose
 * distance passes the radius. The distance is to the entry's decoded vector (the raw vector for
 * Flat; centroid plus decoded residual for PQ and SQ8): the quantity faiss's PQ and SQ scanners
 * compute through their tables, to float rounding. Each list is decoded once per call and the
 * queries that probe it are compared with it on the backend's refine kernel. A query's hits come
 * in faiss's order: by probed list, nearest first, then by position in the list.
 */
final class IvfRangeSearch {
    private IvfRangeSearch() {
    }

    static RangeSearchResult run(ComputeBackend backend, IvfCodec codec, InvertedLists lists, FloatMatrix centroids,
                                 FloatMatrix queries, Neighbors coarse, float radius, Metric metric) {
        int nq = Math.toIntExact(queries.rows());
        int nprobe = coarse.k();
        RangeHits hits = new RangeHits(nq, metric, radius);
        // the (query, rank) pairs that probe each list
        long[][] probing = new long[lists.nlist()][];
        int[] count = new int[lists.nlist()];
        for (int q = 0; q < nq; q++) {
            for (int r = 0; r < nprobe; r++) {
                long l = coarse.label(q, r);
                if (l < 0 || lists.size((int) l) == 0) continue;
                long[] p = probing[(int) l];
                if (p == null) p = probing[(int) l] = new long[8];
                else if (count[(int) l] == p.length) p = probing[(int) l] = Arrays.copyOf(p, p.length * 2);
                p[count[(int) l]++] = (long) q * nprobe + r;
            }
        }
        float[] row = new float[queries.cols()];
        for (int l = 0; l < lists.nlist(); l++) {
            if (count[l] == 0) continue;
            int size = Math.toIntExact(lists.size(l));
            int list = l;
            try (FloatMatrix decoded = decode(codec, lists, l, centroids, queries.cols())) {
                int perCall = RangeHits.queriesPerCall(size);
                for (int from = 0; from < count[l]; from += perCall) {
                    int n = Math.min(perCall, count[l] - from);
                    int[] numbers = new int[n];
                    try (FloatMatrix qs = onHeap(n, queries.cols())) {
                        long[] candidates = new long[n * size];
                        for (int i = 0; i < n; i++) {
                            numbers[i] = (int) (probing[l][from + i] / nprobe);
                            queries.copyRow(numbers[i], row, 0);
                            qs.setRow(i, row, 0);
                            for (int j = 0; j < size; j++) candidates[i * size + j] = j;
                        }
                        int[] ranks = new int[n];
                        for (int i = 0; i < n; i++) ranks[i] = (int) (probing[l][from + i] % nprobe);
                        hits.addRefined(backend.refiner(), qs, numbers, decoded, candidates, size, j -> lists.id(list, j),
                                (i, j) -> (long) ranks[i] << 32 | j);
                    }
                }
            }
        }
        return hits.result();
    }

    /** List l as float vectors: a view of the list for Flat codes (they are the vectors), else decoded into a new matrix. */
    private static FloatMatrix decode(IvfCodec codec, InvertedLists lists, int l, FloatMatrix centroids, int dim) {
        int size = Math.toIntExact(lists.size(l));
        if (codec instanceof FlatCodec) return FloatMatrix.wrap(lists.codes(l), size, dim);
        FloatMatrix decoded = onHeap(size, dim);
        float[] row = new float[dim];
        for (int i = 0; i < size; i++) {
            codec.decode(lists.code(l, i), 0, l, centroids, row);
            decoded.setRow(i, row, 0);
        }
        return decoded;
    }

    /**
     * A matrix on the Java heap (a byte[], which the Vector API reads like off-heap memory) for
     * the per-list scratch: closing an off-heap arena per list cost a thread handshake each, 7 of
     * 8 s of a 1000-query range search over 256 lists.
     */
    private static FloatMatrix onHeap(int rows, int cols) {
        return FloatMatrix.wrap(MemorySegment.ofArray(new byte[Math.multiplyExact(rows, cols * Float.BYTES)]), rows, cols);
    }
}
