package dev.komsu.index;

import dev.komsu.ProgressListener;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.PqKernels;
import dev.komsu.quant.KMeansParams;
import dev.komsu.quant.ProductQuantizer;
import dev.komsu.quant.TrainingSample;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * What the PQ codecs share (faiss's IndexIVFPQ and IndexIVFPQFastScan encode alike): a product
 * quantiser of the vector's residual from its list centroid ({@code byResidual}) or of the
 * vector, trained the IVF way, encoded and decoded the same; they differ in list layout and scan.
 */
abstract sealed class ProductQuantizerCodec implements IvfCodec permits PqCodec, FastScanCodec {
    final ProductQuantizer pq;
    final boolean byResidual;

    ProductQuantizerCodec(ProductQuantizer pq, boolean byResidual) {
        this.pq = Objects.requireNonNull(pq, "pq");
        this.byResidual = byResidual;
    }

    public ProductQuantizer productQuantizer() {
        return pq;
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

    /**
     * Trains {@code pq} as faiss's IVF-PQ indexes do (IndexIVFPQ::train_encoder, and
     * IndexIVFPQFastScan the same way): sub-sample to 256 * ksub vectors with seed 1234 first
     * (train_encoder_num_vectors), then, by residual, assign only the sample and train on its
     * residuals from their list centroids.
     */
    void trainIvf(FloatMatrix xs, Assigner assigner, FloatMatrix centroids, ComputeBackend backend,
                  ProgressListener progress) {
        long max = (long) pq.ksub() * KMeansParams.FAISS_DEFAULTS.maxPointsPerCentroid();
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

    /** The kernels this codec encodes with on {@code backend}. */
    abstract PqKernels encodingKernels(ComputeBackend backend);

    @Override
    public void encode(FloatMatrix xs, long row, int list, FloatMatrix centroids, ComputeBackend backend,
                       MemorySegment out, long outOffset) {
        encode(xs, row, list, centroids, encodingKernels(backend), out, outOffset);
    }

    /** The rows encoded on the backend's threads, each code {@link #encode}'s bytes. */
    @Override
    public void encodeAll(FloatMatrix xs, long from, int[] lists, FloatMatrix centroids, ComputeBackend backend,
                          MemorySegment out) {
        pq.encodeAll(lists.length, (i, row) -> {
            xs.copyRow(from + i, row, 0);
            if (byResidual) Residuals.subtract(row, centroids, lists[i]);
        }, backend, encodingKernels(backend), out, 0);
    }

    /** Encodes row {@code row} of {@code xs} (less its centroid, by residual) with {@code kernels}. */
    void encode(FloatMatrix xs, long row, int list, FloatMatrix centroids, PqKernels kernels, MemorySegment out,
                long outOffset) {
        float[] x = xs.row(row);
        if (byResidual) Residuals.subtract(x, centroids, list);
        pq.encode(x, kernels, new float[pq.m() * pq.ksub()], out, outOffset);
    }

    @Override
    public void decode(MemorySegment code, long offset, int list, FloatMatrix centroids, float[] out) {
        pq.decode(code, offset, out, 0);
        if (byResidual) Residuals.add(out, centroids, list);
    }
}
