package dev.komsu.index;

import dev.komsu.ProgressListener;
import dev.komsu.SearchParams;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.lang.foreign.MemorySegment;

/** IVF-Flat's codec: the code is the raw float32 vector (faiss IndexIVFFlat), not a residual. */
public final class FlatCodec implements IvfCodec {
    private final int dim;

    public FlatCodec(int dim) {
        this.dim = dim;
    }

    @Override
    public int codeSize() {
        return dim * Float.BYTES;
    }

    @Override
    public boolean isTrained() {
        return true;
    }

    @Override
    public void train(FloatMatrix xs, Assigner assigner, FloatMatrix centroids, ComputeBackend backend,
                      ProgressListener progress) {
        // Nothing to learn: vectors are stored as they are.
    }

    @Override
    public void encode(FloatMatrix xs, long row, int list, FloatMatrix centroids, ComputeBackend backend,
                       MemorySegment out, long outOffset) {
        MemorySegment.copy(xs.segment(), xs.rowOffset(row), out, outOffset, codeSize());
    }

    @Override
    public void decode(MemorySegment codes, long offset, int list, FloatMatrix centroids, float[] out) {
        MemorySegment.copy(codes, FloatMatrix.FLOAT, offset, out, 0, dim);
    }

    @Override
    public Neighbors scan(ComputeBackend backend, FloatMatrix queries, InvertedLists lists, FloatMatrix centroids,
                          Neighbors coarse, int k, Metric metric, SearchParams params) {
        return backend.scanLists(queries, lists.vectorLists(dim), IvfIndex.probes(coarse), coarse.k(), k, metric);
    }

    @Override
    public String factoryName() {
        return "Flat";
    }
}
