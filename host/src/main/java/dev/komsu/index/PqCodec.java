package dev.komsu.index;

import dev.komsu.ProgressListener;
import dev.komsu.SearchParams;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.PqKernels;
import dev.komsu.kernels.PqListScanner;
import dev.komsu.kernels.TopK;
import dev.komsu.quant.ProductQuantizer;
import java.lang.foreign.MemorySegment;

/**
 * IVF-PQ's codec (faiss IndexIVFPQ): a product-quantised code of the vector's residual from
 * its list centroid ({@code byResidual}, faiss's default) or of the vector itself.
 *
 * <p>Search follows faiss. L2 by residual uses faiss's precomputed tables when they fit in
 * {@link #PRECOMPUTED_TABLE_MAX_BYTES} (faiss's precomputed_table_max_bytes): with c the list
 * centroid and r a code's decoded residual, {@code ||q-c-r||^2 = ||q-c||^2 + (||r||^2 + 2<c,r>)
 * - 2<q,r>}; the first term is the coarse distance, the second is tabulated per (list,
 * sub-quantiser, centroid) once, the third is one inner-product table per query. Otherwise a
 * table of the residual {@code q-c} is built per (query, list). Inner product by residual is
 * {@code <q,c> + <q,r>}: coarse distance plus one table per query.
 */
public final class PqCodec extends ProductQuantizerCodec {
    /** faiss's IndexIVFPQ::precomputed_table_max_bytes: 2 GiB. */
    public static final long PRECOMPUTED_TABLE_MAX_BYTES = 2L << 30;

    private volatile boolean usePrecomputedTable = true;
    private volatile float[] precomputed; // nlist * m * ksub, built on first L2 search or at training

    /** An untrained codec of {@code m} sub-quantisers of {@code nbits} bits, by residual. */
    public PqCodec(int dim, int m, int nbits) {
        this(new ProductQuantizer(dim, m, nbits), true);
    }

    /** A codec over an existing (e.g. read) quantiser. */
    public PqCodec(ProductQuantizer pq, boolean byResidual) {
        super(pq, byResidual);
    }

    /**
     * Whether L2 search by residual may use the precomputed tables (faiss's
     * use_precomputed_table; on by default, as faiss's precompute_table() sets it). Off: one
     * residual table per (query, list), the same distances up to rounding.
     */
    public void setUsePrecomputedTable(boolean use) {
        this.usePrecomputedTable = use;
    }

    @Override
    public void train(FloatMatrix xs, Assigner assigner, FloatMatrix centroids, ComputeBackend backend,
                      ProgressListener progress) {
        trainIvf(xs, assigner, centroids, backend, progress);
        precomputed = null;
    }

    /** The default CPU's kernels whatever the index's backend: an IVF-PQ file's codes do not depend on the backend that built it. */
    @Override
    PqKernels encodingKernels(ComputeBackend backend) {
        return dev.komsu.kernels.Backends.defaultCpu().pq();
    }

    /**
     * Lookup tables of one chunk of queries at most (4 MiB: 256 queries at M=16, 64 at M=64,
     * 8 bits), chosen (not measured: this machine was too loaded to time it) so that the tables
     * the batched lookup writes are likely still in cache when the scan reads them back.
     */
    private static final long TABLE_BYTES_PER_CHUNK = 4L << 20;

    @Override
    public Neighbors scan(ComputeBackend backend, FloatMatrix queries, InvertedLists lists, FloatMatrix centroids,
                          Neighbors coarse, int k, Metric metric, SearchParams params) {
        if (metric == Metric.L2 && byResidual) {
            float[] pre = usePrecomputedTable ? precomputedTable(centroids, backend.pq()) : null;
            if (pre == null) return scanResidualTables(backend, queries, lists, centroids, coarse, k);
            // ||q-c-r||^2 = coarse distance + pre[list] - 2 <q, r>
            return scanBatched(backend, queries, lists, coarse, k, metric, Metric.INNER_PRODUCT, pre, true);
        }
        // inner product by residual: <q, c> (the coarse distance) + <q, r>; no residual: one table per query
        return scanBatched(backend, queries, lists, coarse, k, metric, metric, null, byResidual);
    }

    /**
     * One table per query ({@code tableMetric}), combined with the list's row of
     * {@code listTables} (when not null) as {@code listTables - 2 * table}, plus the coarse
     * distance when {@code coarseBias}: the backend's batched scan, per chunk of queries.
     */
    private Neighbors scanBatched(ComputeBackend backend, FloatMatrix queries, InvertedLists lists, Neighbors coarse,
                                  int k, Metric metric, Metric tableMetric, float[] listTables, boolean coarseBias) {
        int nq = Math.toIntExact(queries.rows());
        int nprobe = coarse.k();
        PqListScanner scanner = backend.pqLists();
        Neighbors out = Neighbors.empty(nq, k, metric);
        int chunk = QueryChunks.size(nq, (long) pq.m() * pq.ksub() * Float.BYTES, TABLE_BYTES_PER_CHUNK);
        // the batched scan is parallel inside: chunks run one after the other
        QueryChunks.sequential(nq, chunk, (from, count) -> {
            try (FloatMatrix tables = pq.lookupTables(queries.rowRange(from, count), tableMetric, scanner)) {
                float[] biases = coarseBias ? QueryChunks.coarseDistances(coarse, from, count) : null;
                Neighbors part = scanner.scanPq(lists.codeLists(), pq.m(), pq.nbits(), tables, listTables, -2f,
                        QueryChunks.probes(coarse, from, count), biases, nprobe, k, metric);
                QueryChunks.copyInto(part, out, from);
            }
        });
        return out;
    }

    /**
     * L2 by residual without precomputed tables (they would exceed 2 GiB, or are switched
     * off): a table of the residual {@code q - c} per (query, list), on the host's threads.
     */
    private Neighbors scanResidualTables(ComputeBackend backend, FloatMatrix queries, InvertedLists lists,
                                         FloatMatrix centroids, Neighbors coarse, int k) {
        PqKernels kern = backend.pq();
        int nq = Math.toIntExact(queries.rows());
        int nprobe = coarse.k();
        Neighbors out = Neighbors.empty(nq, k, Metric.L2);
        backend.forEachQuery(nq, i -> {
            float[] q = queries.row(i);
            float[] lut = new float[pq.m() * pq.ksub()];
            float[] residual = new float[q.length];
            TopK heap = new TopK(k);
            for (int p = 0; p < nprobe; p++) {
                int list = (int) coarse.label(i, p);
                if (list < 0 || lists.size(list) == 0) continue;
                System.arraycopy(q, 0, residual, 0, q.length);
                Residuals.subtract(residual, centroids, list);
                pq.lookupTable(residual, Metric.L2, kern, lut);
                kern.scanCodes(lists.codes(list), lists.ids(list), lists.size(list), pq.m(), pq.nbits(), lut, 0f,
                        Metric.L2, heap);
            }
            heap.drainTo(Metric.L2, out.distances(), out.labels(), i * k);
        });
        return out;
    }

    /**
     * faiss's precomputed term {@code ||r||^2 + 2<c, r>} for every (list, sub-quantiser,
     * centroid), or null when it would exceed {@link #PRECOMPUTED_TABLE_MAX_BYTES}.
     */
    private float[] precomputedTable(FloatMatrix centroids, PqKernels kern) {
        float[] t = precomputed;
        if (t != null) return t;
        long bytes = centroids.rows() * pq.m() * pq.ksub() * (long) Float.BYTES;
        if (bytes > PRECOMPUTED_TABLE_MAX_BYTES || bytes / Float.BYTES > Integer.MAX_VALUE - 8) return null;
        synchronized (this) {
            if (precomputed != null) return precomputed;
            float[] table = precomputedTable(pq, centroids, kern);
            precomputed = table;
            return table;
        }
    }

    /** faiss's precomputed table of {@code pq} for the lists of {@code centroids} (also used by IVF FastScan). */
    static float[] precomputedTable(ProductQuantizer pq, FloatMatrix centroids, PqKernels kern) {
        int tableSize = pq.m() * pq.ksub();
        float[] norms = new float[tableSize];
        pq.lookupTable(new float[pq.dim()], Metric.L2, kern, norms); // ||c_mj||^2
        float[] table = new float[Math.toIntExact(centroids.rows() * tableSize)];
        float[] ip = new float[tableSize];
        float[] row = new float[tableSize];
        for (int l = 0; l < centroids.rows(); l++) {
            pq.lookupTable(centroids.row(l), Metric.INNER_PRODUCT, kern, ip);
            kern.madd(tableSize, norms, 0, 2f, ip, row);
            System.arraycopy(row, 0, table, l * tableSize, tableSize);
        }
        return table;
    }

    @Override
    public String factoryName() {
        return pq.nbits() == 8 ? "PQ" + pq.m() : "PQ" + pq.m() + "x" + pq.nbits();
    }
}
