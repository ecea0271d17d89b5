package dev.komsu.index;

import dev.komsu.SearchParams;
import dev.komsu.kernels.BaseNorms;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;

/**
 * Exact search over every stored vector (faiss IndexFlat, "Flat"). Needs no training; ids are
 * row numbers. Also serves as the coarse quantiser of IVF indexes.
 */
public final class FlatIndex extends BackendIndex {
    private final VectorStore store;

    public FlatIndex(int dim, Metric metric, ComputeBackend backend) {
        this(metric, backend, null, dim);
    }

    /** An index over {@code vectors}, which it takes ownership of (e.g. read from a file). */
    public static FlatIndex of(FloatMatrix vectors, Metric metric, ComputeBackend backend) {
        return new FlatIndex(metric, backend, vectors, vectors.cols());
    }

    /** {@code initial} (null: none) becomes the store's first content, owned by it. */
    private FlatIndex(Metric metric, ComputeBackend backend, FloatMatrix initial, int dim) {
        super(dim, metric, backend);
        this.store = initial == null ? new VectorStore(dim) : new VectorStore(initial);
    }

    @Override
    public long ntotal() {
        return store.size();
    }

    @Override
    public boolean isTrained() {
        return true;
    }

    /** Flat needs no training; like faiss, train() checks its input and does nothing else. */
    @Override
    public void train(FloatMatrix xs) {
        InputChecks.checkVectors("training vectors", xs, dim());
    }

    @Override
    void addUnguarded(FloatMatrix xs) {
        InputChecks.checkVectors("added vectors", xs, dim());
        store.append(xs);
    }

    @Override
    void addWithIdsUnguarded(FloatMatrix xs, long[] ids) {
        throw rowNumberIds("Flat", "IDMap,Flat");
    }

    @Override
    Neighbors searchUnguarded(FloatMatrix queries, int k, SearchParams params) {
        InputChecks.checkK(k);
        InputChecks.checkVectors("queries", queries, dim());
        FloatMatrix view = store.view();
        BaseNorms n = store.norms(metric());
        return n == null ? backend().knn(queries, view, k, metric()) : backend().knn(queries, view, n, k, metric());
    }

    /** The stored vectors as a view (valid until the next add). */
    public FloatMatrix vectors() {
        return store.view();
    }

    /** Replaces the content with {@code xs} (used by training to install centroids). */
    void reset(FloatMatrix xs) {
        store.clear();
        store.append(xs);
    }

    @Override
    public float[] reconstruct(long id) {
        InputChecks.checkRange(id, 1, ntotal());
        return store.view().row(id);
    }

    @Override
    public FloatMatrix reconstructN(long from, long n) {
        InputChecks.checkRange(from, n, ntotal());
        return store.view().rowRange(from, n).copy();
    }

    @Override
    public String describe() {
        return "Flat d=" + dim() + " metric=" + metric() + " ntotal=" + ntotal()
                + " memory=" + ntotal() * dim() * Float.BYTES + " bytes";
    }

    @Override
    public void close() {
        store.close();
    }
}
