package dev.komsu.index;

import dev.komsu.ProgressListener;
import dev.komsu.SearchParams;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.LutQuantizer;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.PqKernels;
import dev.komsu.quant.ProductQuantizer;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * 4-bit PQ FastScan (faiss IndexIVFPQFastScan, "IVF{n},PQ{M}x4fs", and IndexPQFastScan,
 * "PQ{M}x4fs" over one list): a 4-bit product quantiser whose codes the lists keep in
 * faiss's 32-vector blocks ({@link CodeLayout#blocks}).
 *
 * <p>Search follows faiss: per query, the float PQ lookup table is quantised to uint8
 * ({@link LutQuantizer}); the backend's batched scan ({@link ComputeBackend#fastScanLists()})
 * visits the probed lists in increasing list number (faiss's search_implem_12 order, which
 * decides ties) and keeps 16-bit distances as a {@link dev.komsu.kernels.QuantizedTopK} does;
 * they are converted back to float as {@code key / a + b}. Without residuals (faiss's default
 * for IVF) one table serves all lists; with residuals and L2, faiss's precomputed tables give
 * one table per probed list and the coarse distance is the bias. Inner product (faiss
 * METRIC_INNER_PRODUCT) keeps the largest 16-bit sums (faiss's CMin handler); its tables are the
 * query's inner products with the centroids, quantised like L2's; with residuals one table
 * serves all lists and the coarse inner product {@code <q, c>} is each list's bias. The flat
 * index quantises its tables faiss's flat way ({@link LutQuantizer#quantizePerColumn}) and
 * trains its quantiser on every row, as IndexPQFastScan does. Search is thread-safe (chunks of
 * a batch run in parallel on the backend's threads).
 */
public final class FastScanCodec extends ProductQuantizerCodec {
    private final boolean flat;
    /** By-residual L2 only: faiss's precomputed_table, or per list; built by the first search after training. */
    private volatile ResidualTables residualTables;
    /** The bound on the precomputed table (faiss's precomputed_table_max_bytes); tests lower it. */
    private volatile long precomputedTableMaxBytes = PqCodec.PRECOMPUTED_TABLE_MAX_BYTES;

    private FastScanCodec(ProductQuantizer pq, boolean byResidual, boolean flat) {
        super(pq, byResidual);
        this.flat = flat;
        if (pq.nbits() != 4) throw new IllegalArgumentException("FastScan needs a 4-bit PQ, got nbits=" + pq.nbits());
    }

    /** The codec of IVF lists; {@code byResidual} false is faiss's default for this type. */
    public static FastScanCodec ivf(ProductQuantizer pq, boolean byResidual) {
        return new FastScanCodec(pq, byResidual, false);
    }

    /** The codec of an exhaustive FastScan index (one list, not by residual). */
    public static FastScanCodec flat(ProductQuantizer pq) {
        return new FastScanCodec(pq, false, true);
    }

    @Override
    public CodeLayout layout() {
        return CodeLayout.blocks(pq.m());
    }

    @Override
    public void train(FloatMatrix xs, Assigner assigner, FloatMatrix centroids, ComputeBackend backend,
                      ProgressListener progress) {
        if (flat) {
            pq.train(xs, backend, progress);
        } else {
            trainIvf(xs, assigner, centroids, backend, progress);
        }
        residualTables = null;
    }

    @Override
    PqKernels encodingKernels(ComputeBackend backend) {
        return backend.pq();
    }

    /**
     * faiss's precomputed table for residual L2 search: for list l, sub-quantiser m, centroid
     * j: {@code ||r_mj||^2 + 2 <c_l,m, r_mj>}, so the distance to a code is the coarse distance
     * + table - 2 <x_m, r_mj>. faiss builds it for L2 only: by-residual inner product needs none.
     */
    private ResidualTables residualTables(FloatMatrix centroids, ComputeBackend backend) {
        ResidualTables t = residualTables;
        if (t != null) return t;
        synchronized (this) {
            if (residualTables == null) {
                residualTables = ResidualTables.of(pq, centroids, backend.pq(), precomputedTableMaxBytes);
            }
            return residualTables;
        }
    }

    /** Lowers the precomputed table's bound (tests of the per-list path); the next search rebuilds the tables. */
    void setPrecomputedTableMaxBytes(long maxBytes) {
        this.precomputedTableMaxBytes = maxBytes;
        this.residualTables = null;
    }

    /** Whether the last search used one precomputed table for every list (false: computed per probed list, or none yet). */
    boolean usesPrecomputedTable() {
        ResidualTables t = residualTables;
        return t != null && t.precomputed();
    }

    @Override
    public Neighbors scan(ComputeBackend backend, FloatMatrix queries, InvertedLists lists, FloatMatrix centroids,
                          Neighbors coarse, int k, Metric metric, SearchParams params) {
        int nq = coarse.nq();
        Neighbors out = Neighbors.empty(nq, k, metric);
        boolean perProbe = perProbeTables(metric);
        ResidualTables tables = perProbe ? residualTables(centroids, backend) : null;
        int chunk = FastScanChunks.size(nq, perProbe ? coarse.k() : 1);
        // the batched FastScan scan runs on the caller's thread: chunks run in parallel, each
        // writing only its own result rows
        QueryChunks.parallel(backend, nq, chunk,
                (from, count) -> searchChunk(backend, queries, lists, tables, coarse, from, count, k, metric, out));
        return out;
    }

    /** faiss's lut_is_3d: by residual with L2, one table per (query, probed list). */
    private boolean perProbeTables(Metric metric) {
        return byResidual && metric == Metric.L2;
    }

    /**
     * Queries {@code [from, from + count)}: uint8 tables as faiss builds them (one per query
     * without residuals; with residuals and L2, one per probed list from the precomputed table
     * with the coarse distances folded into uint16 biases; with residuals and inner product,
     * one per query with the coarse inner products as uint16 biases), then the backend's
     * batched scan, which visits each query's lists in increasing list number as faiss's
     * search_implem_12.
     */
    private void searchChunk(ComputeBackend backend, FloatMatrix queries, InvertedLists lists,
                             ResidualTables residualTables, Neighbors coarse, int from, int count, int k, Metric metric,
                             Neighbors out) {
        int m = pq.m();
        int m2 = FastScanPacking.m2(m);
        int ks = pq.ksub();
        int nprobe = coarse.k();
        int tables = residualTables != null ? nprobe : 1;
        byte[] luts = new byte[count * tables * m2 * ks];
        int[] biases = byResidual ? new int[count * nprobe] : null;
        LutQuantizer.Scale[] scales = new LutQuantizer.Scale[count];
        LutQuantizer quantizer = backend.fastScan().lutQuantizer();
        float[] lut = new float[tables * m * ks];
        if (residualTables != null) {
            int tab = m * ks;
            float[] ip = new float[tab];
            float[] row = new float[tab];
            float[] scratch = new float[tab];
            float[] bias = new float[nprobe];
            byte[] lut8 = new byte[nprobe * m2 * ks];
            int[] bias16 = new int[nprobe];
            for (int b = 0; b < count; b++) {
                int q = from + b;
                pq.lookupTable(queries.row(q), Metric.INNER_PRODUCT, backend.pq(), ip);
                for (int p = 0; p < nprobe; p++) {
                    long list = coarse.label(q, p);
                    if (list < 0) {
                        Arrays.fill(lut, p * tab, (p + 1) * tab, Float.NaN); // ignored by the quantisation
                        bias[p] = Float.NaN;
                    } else {
                        residualTables.row((int) list, ip, backend.pq(), scratch, row);
                        System.arraycopy(row, 0, lut, p * tab, tab);
                        bias[p] = coarse.distance(q, p);
                    }
                }
                scales[b] = quantizer.quantizeWithBias(lut, bias, nprobe, m, ks, m2, lut8, bias16);
                System.arraycopy(lut8, 0, luts, b * lut8.length, lut8.length);
                System.arraycopy(bias16, 0, biases, b * nprobe, nprobe);
            }
        } else if (byResidual) {
            // inner product: <q, c + r> = <q, c> + <q, r>, the coarse distance is the bias (faiss compute_LUT)
            float[] bias = new float[nprobe];
            int[] bias16 = new int[nprobe];
            for (int b = 0; b < count; b++) {
                int q = from + b;
                pq.lookupTable(queries.row(q), metric, backend.pq(), lut);
                for (int p = 0; p < nprobe; p++) bias[p] = coarse.label(q, p) < 0 ? Float.NaN : coarse.distance(q, p);
                scales[b] = quantizer.quantizeSharedWithBias(lut, bias, nprobe, m, ks, m2, luts, b * m2 * ks, bias16);
                System.arraycopy(bias16, 0, biases, b * nprobe, nprobe);
            }
        } else {
            for (int b = 0; b < count; b++) {
                pq.lookupTable(queries.row(from + b), metric, backend.pq(), lut);
                scales[b] = flat ? quantizer.quantizePerColumn(lut, m, ks, m2, luts, b * m2 * ks)
                        : quantizer.quantize(lut, m, ks, m2, luts, b * m2 * ks);
            }
        }
        FastScanChunks.scan(backend, lists.blockCodeLists(), luts, tables, biases, QueryChunks.probes(coarse, from, count),
                nprobe, k, scales, metric, out, from);
    }

    @Override
    public String factoryName() {
        return "PQ" + pq.m() + "x4fs";
    }

    @Override
    public String details(ComputeBackend backend) {
        return (flat ? "" : "by-residual=" + byResidual + " ") + "kernel=" + backend.fastScan().name();
    }
}
