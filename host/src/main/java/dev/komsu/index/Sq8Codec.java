package dev.komsu.index;

import dev.komsu.SearchParams;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.PqKernels;
import dev.komsu.kernels.TopK;
import dev.komsu.quant.ScalarQuantizer;
import dev.komsu.quant.TrainingSample;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * IVF-SQ8's codec (faiss IndexIVFScalarQuantizer, QT_8bit): one byte per component of the
 * vector's residual from its list centroid ({@code byResidual}, what faiss's "IVFn,SQ8" gives)
 * or of the vector. Search as faiss: for L2 the query's residual {@code q - c} is compared to
 * the decoded residuals; for inner product {@code <q, c>} (the coarse distance) is added to
 * {@code <q, decoded residual>}.
 */
public final class Sq8Codec implements IvfCodec {
    private final ScalarQuantizer sq;
    private final boolean byResidual;

    public Sq8Codec(int dim, boolean byResidual) {
        this(new ScalarQuantizer(dim), byResidual);
    }

    public Sq8Codec(ScalarQuantizer sq, boolean byResidual) {
        this.sq = Objects.requireNonNull(sq, "sq");
        this.byResidual = byResidual;
    }

    public ScalarQuantizer scalarQuantizer() {
        return sq;
    }

    public boolean byResidual() {
        return byResidual;
    }

    @Override
    public int codeSize() {
        return sq.codeSize();
    }

    @Override
    public boolean isTrained() {
        return sq.isTrained();
    }

    /** faiss IndexIVFScalarQuantizer::train_encoder_num_vectors: the ranges come from at most this many vectors. */
    public static final int MAX_TRAINING_VECTORS = 100_000;

    @Override
    public void train(FloatMatrix xs, Assigner assigner, FloatMatrix centroids, ComputeBackend backend) {
        if (!byResidual) {
            sq.train(xs);
            return;
        }
        try (TrainingSample sample = TrainingSample.of(xs, MAX_TRAINING_VECTORS);
             FloatMatrix residuals = Residuals.of(sample.rows(), assigner.assign(sample.rows()), centroids)) {
            sq.train(residuals);
        }
    }

    @Override
    public void encode(FloatMatrix xs, long row, int list, FloatMatrix centroids, MemorySegment out, long outOffset) {
        float[] x = xs.row(row);
        if (byResidual) Residuals.subtract(x, centroids, list);
        sq.encode(x, out, outOffset);
    }

    @Override
    public void decode(MemorySegment codes, long offset, int list, FloatMatrix centroids, float[] out) {
        sq.decode(codes, offset, out);
        if (byResidual) {
            Residuals.add(out, centroids, list);
        }
    }

    @Override
    public Neighbors scan(ComputeBackend backend, FloatMatrix queries, InvertedLists lists, FloatMatrix centroids,
                          Neighbors coarse, int k, Metric metric, SearchParams params) {
        PqKernels kern = backend.pq();
        int nq = Math.toIntExact(queries.rows());
        int nprobe = coarse.k();
        float[] vmin = sq.vmin();
        float[] vdiff = sq.vdiff();
        boolean residualQuery = byResidual && metric == Metric.L2;
        Neighbors out = Neighbors.empty(nq, k, metric);
        backend.forEachQuery(nq, i -> {
            float[] q = queries.row(i);
            float[] r = residualQuery ? new float[q.length] : q;
            TopK heap = new TopK(k);
            for (int p = 0; p < nprobe; p++) {
                int list = (int) coarse.label(i, p);
                if (list < 0 || lists.size(list) == 0) continue;
                float bias = 0f;
                if (residualQuery) {
                    System.arraycopy(q, 0, r, 0, q.length);
                    Residuals.subtract(r, centroids, list);
                } else if (byResidual) {
                    bias = coarse.distance(i, p);
                }
                kern.scanSq8(lists.codes(list), lists.ids(list), lists.size(list), r, vmin, vdiff, bias, metric, heap);
            }
            heap.drainTo(metric, out.distances(), out.labels(), i * k);
        });
        return out;
    }

    @Override
    public String factoryName() {
        return "SQ8";
    }
}
