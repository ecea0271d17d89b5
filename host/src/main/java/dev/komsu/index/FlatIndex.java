package dev.komsu.index;

import dev.komsu.Index;
import dev.komsu.SearchParams;
import dev.komsu.kernels.BaseNorms;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.KernelChecks;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.ResidentMatrix;
import java.util.Objects;

/**
 * Exact search over every stored vector (faiss IndexFlat, "Flat"). Needs no training; ids are
 * row numbers. Also serves as the coarse quantiser of IVF indexes.
 */
public final class FlatIndex implements Index {
    private final ConcurrencyGuard guard = new ConcurrencyGuard();
    private final Residency residency = new Residency();
    private final int dim;
    private final Metric metric;
    private final ComputeBackend backend;
    private final VectorStore store;
    /**
     * The stored vectors' centre and norms for the dense kernel: made by the first search,
     * extended after an add (earlier rows never change), dropped by {@link #reset}. Kept in
     * memory only, as faiss keeps its norms out of the file. Null until needed.
     */
    private volatile BaseNorms norms;

    public FlatIndex(int dim, Metric metric, ComputeBackend backend) {
        this(metric, backend, new VectorStore(checkDim(dim)), dim);
    }

    /** An index over {@code vectors}, which it takes ownership of (e.g. read from a file). */
    public static FlatIndex of(FloatMatrix vectors, Metric metric, ComputeBackend backend) {
        return new FlatIndex(metric, backend, new VectorStore(vectors), vectors.cols());
    }

    private FlatIndex(Metric metric, ComputeBackend backend, VectorStore store, int dim) {
        this.dim = dim;
        this.metric = Objects.requireNonNull(metric, "metric");
        this.backend = Objects.requireNonNull(backend, "backend");
        this.store = store;
    }

    static int checkDim(int dim) {
        if (dim <= 0) throw new IllegalArgumentException("dimension must be > 0, got " + dim);
        return dim;
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public Metric metric() {
        return metric;
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
        InputChecks.checkVectors("training vectors", xs, dim);
    }

    @Override
    public void add(FloatMatrix xs) {
        guard.enterAdd();
        try {
            addUnguarded(xs);
        } finally {
            guard.exitAdd();
        }
    }

    private void addUnguarded(FloatMatrix xs) {
        InputChecks.checkVectors("added vectors", xs, dim);
        store.append(xs);
        residency.invalidate();
    }

    @Override
    public void addWithIds(FloatMatrix xs, long[] ids) {
        guard.enterAdd();
        try {
            addWithIdsUnguarded(xs, ids);
        } finally {
            guard.exitAdd();
        }
    }

    private void addWithIdsUnguarded(FloatMatrix xs, long[] ids) {
        throw new UnsupportedOperationException(
                "Flat stores vectors by row number and takes no ids (faiss: add_with_ids not implemented); use \"IDMap,Flat\"");
    }

    @Override
    public Neighbors search(FloatMatrix queries, int k, SearchParams params) {
        guard.enterSearch();
        try {
            return searchUnguarded(queries, k, params);
        } finally {
            guard.exitSearch();
        }
    }

    private Neighbors searchUnguarded(FloatMatrix queries, int k, SearchParams params) {
        InputChecks.checkK(k);
        InputChecks.checkVectors("queries", queries, dim);
        return backend.knn(queries, resident(), k, metric);
    }

    /** The base as the backend holds it (with its norms), prepared on first use after a change. */
    ResidentMatrix resident() {
        return residency.get(Residency.BASE, () -> {
            FloatMatrix view = store.view();
            return backend.prepare(view, norms(view));
        });
    }

    /** {@link #norms} for {@code view}, made or extended under a lock (searches may race here); null when too long to keep. */
    private BaseNorms norms(FloatMatrix view) {
        BaseNorms n = norms;
        if (n != null && n.fits(view, metric)) return n;
        if (!KernelChecks.normsFit(view)) return null;
        synchronized (store) {
            n = norms;
            if (n == null || n.rows() > view.rows()) n = BaseNorms.of(view, metric);
            else if (!n.fits(view, metric)) n = n.extendedTo(view);
            norms = n;
            return n;
        }
    }

    /** The stored vectors as a view (valid until the next add). */
    public FloatMatrix vectors() {
        return store.view();
    }

    /** Replaces the content with {@code xs} (used by training to install centroids). */
    void reset(FloatMatrix xs) {
        norms = null;
        store.clear();
        store.append(xs);
        residency.invalidate();
    }

    public ComputeBackend backend() {
        return backend;
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
        return "Flat d=" + dim + " metric=" + metric + " ntotal=" + ntotal()
                + " memory=" + ntotal() * dim * Float.BYTES + " bytes";
    }

    @Override
    public void close() {
        residency.close();
        store.close();
    }
}
