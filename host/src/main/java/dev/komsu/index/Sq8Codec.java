package dev.komsu.index;

import dev.komsu.ProgressListener;
import dev.komsu.SearchParams;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.PqListScanner;
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
    public void train(FloatMatrix xs, Assigner assigner, FloatMatrix centroids, ComputeBackend backend,
                      ProgressListener progress) {
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
    public void encode(FloatMatrix xs, long row, int list, FloatMatrix centroids, ComputeBackend backend,
                       MemorySegment out, long outOffset) {
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

    /** Queries per call of the batched scan: bounds the chunk's probes and results, not a cache size. */
    private static final int QUERIES_PER_CHUNK = 4096;

    @Override
    public Neighbors scan(ComputeBackend backend, FloatMatrix queries, InvertedLists lists, FloatMatrix centroids,
                          Neighbors coarse, int k, Metric metric, SearchParams params) {
        int nq = Math.toIntExact(queries.rows());
        int nprobe = coarse.k();
        // L2 by residual compares q - c with the decoded residuals; inner product adds <q, c> instead
        boolean residualQuery = byResidual && metric == Metric.L2;
        boolean coarseBias = byResidual && !residualQuery;
        PqListScanner scanner = backend.pqLists();
        Neighbors out = Neighbors.empty(nq, k, metric);
        // the batched scan is parallel inside: chunks run one after the other
        QueryChunks.sequential(nq, QUERIES_PER_CHUNK, (from, count) -> {
            float[] biases = coarseBias ? QueryChunks.coarseDistances(coarse, from, count) : null;
            Neighbors part = scanner.scanSq8(lists.codeLists(), queries.rowRange(from, count), residualQuery ? centroids : null,
                    sq.vmin(), sq.vdiff(), QueryChunks.probes(coarse, from, count), biases, nprobe, k, metric);
            QueryChunks.copyInto(part, out, from);
        });
        return out;
    }

    @Override
    public String factoryName() {
        return "SQ8";
    }
}
