package dev.komsu.index;

import dev.komsu.ProgressListener;
import dev.komsu.SearchParams;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.PqKernels;
import dev.komsu.kernels.TopK;
import dev.komsu.quant.ProductQuantizer;
import dev.komsu.quant.TrainingSample;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

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
public final class PqCodec implements IvfCodec {
    /** faiss's IndexIVFPQ::precomputed_table_max_bytes: 2 GiB. */
    public static final long PRECOMPUTED_TABLE_MAX_BYTES = 2L << 30;

    private final ProductQuantizer pq;
    private final boolean byResidual;
    private volatile boolean usePrecomputedTable = true;
    private volatile float[] precomputed; // nlist * m * ksub, built on first L2 search or at training

    /** An untrained codec of {@code m} sub-quantisers of {@code nbits} bits, by residual. */
    public PqCodec(int dim, int m, int nbits) {
        this(new ProductQuantizer(dim, m, nbits), true);
    }

    /** A codec over an existing (e.g. read) quantiser. */
    public PqCodec(ProductQuantizer pq, boolean byResidual) {
        this.pq = Objects.requireNonNull(pq, "pq");
        this.byResidual = byResidual;
    }

    public ProductQuantizer productQuantizer() {
        return pq;
    }

    /**
     * Whether L2 search by residual may use the precomputed tables (faiss's
     * use_precomputed_table; on by default, as faiss's precompute_table() sets it). Off: one
     * residual table per (query, list), the same distances up to rounding.
     */
    public void setUsePrecomputedTable(boolean use) {
        this.usePrecomputedTable = use;
    }

    public boolean byResidual() {
        return byResidual;
    }

    @Override
    public int codeSize() {
        return pq.codeSize();
    }

    @Override
    public boolean isTrained() {
        return pq.isTrained();
    }

    @Override
    public void train(FloatMatrix xs, Assigner assigner, FloatMatrix centroids, ComputeBackend backend) {
        trainQuantizer(pq, byResidual, xs, assigner, centroids, backend, ProgressListener.NONE);
        precomputed = null;
    }

    /**
     * Trains {@code pq} as faiss's IVF-PQ indexes do (IndexIVFPQ::train_encoder, and
     * IndexIVFPQFastScan the same way): sub-sample to 256 * ksub vectors with seed 1234 first
     * (train_encoder_num_vectors), then, by residual, assign only the sample and train on its
     * residuals from their list centroids.
     */
    static void trainQuantizer(ProductQuantizer pq, boolean byResidual, FloatMatrix xs, Assigner assigner,
                               FloatMatrix centroids, ComputeBackend backend, ProgressListener progress) {
        long max = (long) pq.ksub() * dev.komsu.quant.KMeansParams.FAISS_DEFAULTS.maxPointsPerCentroid();
        try (TrainingSample sample = TrainingSample.of(xs, max)) {
            if (!byResidual) {
                pq.train(sample.rows(), backend, progress);
            } else {
                try (FloatMatrix residuals = Residuals.of(sample.rows(), assigner.assign(sample.rows()), centroids)) {
                    pq.train(residuals, backend, progress);
                }
            }
        }
    }

    @Override
    public void encode(FloatMatrix xs, long row, int list, FloatMatrix centroids, MemorySegment out, long outOffset) {
        float[] x = xs.row(row);
        if (byResidual) Residuals.subtract(x, centroids, list);
        pq.encode(x, kernels(), new float[pq.m() * pq.ksub()], out, outOffset);
    }

    @Override
    public void decode(MemorySegment codes, long offset, int list, FloatMatrix centroids, float[] out) {
        pq.decode(codes, offset, out, 0);
        if (byResidual) {
            Residuals.add(out, centroids, list);
        }
    }

    private static PqKernels kernels() {
        return dev.komsu.kernels.Backends.defaultCpu().pq();
    }

    @Override
    public Neighbors scan(ComputeBackend backend, FloatMatrix queries, InvertedLists lists, FloatMatrix centroids,
                          Neighbors coarse, int k, Metric metric, SearchParams params) {
        PqKernels kern = backend.pq();
        int nq = Math.toIntExact(queries.rows());
        int nprobe = coarse.k();
        int tableSize = pq.m() * pq.ksub();
        boolean l2 = metric == Metric.L2;
        float[] pre = l2 && byResidual && usePrecomputedTable ? precomputedTable(centroids, kern) : null;
        Neighbors out = Neighbors.empty(nq, k, metric);
        backend.forEachQuery(nq, i -> {
            float[] q = queries.row(i);
            float[] lut = new float[tableSize];
            float[] queryTable = null;
            if (pre != null) {
                queryTable = new float[tableSize];
                pq.lookupTable(q, Metric.INNER_PRODUCT, kern, queryTable);
            } else if (!(l2 && byResidual)) {
                pq.lookupTable(q, metric, kern, lut);
            }
            float[] residual = l2 && byResidual && pre == null ? new float[q.length] : null;
            TopK heap = new TopK(k);
            for (int p = 0; p < nprobe; p++) {
                int list = (int) coarse.label(i, p);
                if (list < 0 || lists.size(list) == 0) continue;
                float bias = 0f;
                if (pre != null) {
                    kern.madd(tableSize, pre, list * tableSize, -2f, queryTable, lut);
                    bias = coarse.distance(i, p);
                } else if (residual != null) {
                    System.arraycopy(q, 0, residual, 0, q.length);
                    Residuals.subtract(residual, centroids, list);
                    pq.lookupTable(residual, Metric.L2, kern, lut);
                } else if (byResidual) {
                    bias = coarse.distance(i, p); // inner product: <q, c> + <q, r>
                }
                kern.scanCodes(lists.codes(list), lists.ids(list), lists.size(list), pq.m(), pq.nbits(), lut, bias,
                        metric, heap);
            }
            heap.drainTo(metric, out.distances(), out.labels(), i * k);
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
