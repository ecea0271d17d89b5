package dev.komsu.index;

import dev.komsu.IdSelector;
import dev.komsu.Index;
import dev.komsu.RangeSearchResult;
import dev.komsu.SearchParams;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.ResidentMatrix;

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
        residency.invalidate();
    }

    @Override
    void addWithIdsUnguarded(FloatMatrix xs, long[] ids) {
        throw rowNumberIds("Flat", "IDMap,Flat");
    }

    @Override
    Neighbors searchUnguarded(FloatMatrix queries, int k, SearchParams params) {
        InputChecks.checkK(k);
        InputChecks.checkVectors("queries", queries, dim());
        return backend().knn(queries, resident(), k, metric());
    }

    /** faiss's IndexFlat::remove_ids: the other rows move up in order and are renumbered. */
    @Override
    long removeIdsUnguarded(IdSelector selector) {
        long removed = store.removeRows(selector::isMember);
        if (removed > 0) residency.invalidate();
        return removed;
    }

    /**
     * faiss's IndexFlat::range_search: every stored vector within the radius, exact distances,
     * each query's hits by id. The base goes through the backend's refine kernel in tiles.
     */
    @Override
    RangeSearchResult rangeSearchUnguarded(FloatMatrix queries, float radius, SearchParams params) {
        InputChecks.checkVectors("queries", queries, dim());
        int nq = Math.toIntExact(queries.rows());
        RangeHits hits = new RangeHits(nq, metric(), radius);
        long n = ntotal();
        if (n == 0) return hits.result();
        int tile = (int) Math.min(n, 8192);
        int perCall = RangeHits.queriesPerCall(tile);
        ResidentMatrix base = resident();
        for (int from = 0; from < nq; from += perCall) {
            int count = Math.min(perCall, nq - from);
            int[] numbers = new int[count];
            for (int i = 0; i < count; i++) numbers[i] = from + i;
            FloatMatrix qs = queries.rowRange(from, count);
            for (long start = 0; start < n; start += tile) {
                int width = (int) Math.min(tile, n - start);
                long[] candidates = new long[count * width];
                for (int i = 0; i < count; i++) {
                    for (int j = 0; j < width; j++) candidates[i * width + j] = start + j;
                }
                hits.addRefined(backend().refiner(), qs, numbers, base, candidates, width, row -> row, (i, row) -> row);
            }
        }
        return hits.result();
    }

    /** faiss's IndexFlatCodes::merge_from: appends the other's rows; ids are row numbers, so addId must be 0. */
    @Override
    void mergeFromUnguarded(Index other, long addId) {
        if (!(other instanceof FlatIndex o)) {
            throw new IllegalArgumentException("cannot merge " + other.getClass().getSimpleName() + " into a Flat index");
        }
        if (addId != 0) throw new IllegalArgumentException("a Flat index numbers its rows and cannot shift ids: addId must be 0, got " + addId);
        if (o.dim() != dim() || o.metric() != metric()) {
            throw new IllegalArgumentException("cannot merge Flat d=" + o.dim() + " " + o.metric() + " into Flat d=" + dim() + " " + metric());
        }
        store.append(o.store.view());
        o.store.clear();
        o.residency.invalidate();
        residency.invalidate();
    }

    /** The base as the backend holds it (with its norms), prepared on first use after a change. */
    ResidentMatrix resident() {
        return residency.get(Residency.BASE, () -> backend().prepare(store.view(), store.norms(metric())));
    }

    /** The stored vectors as a view (valid until the next add). */
    public FloatMatrix vectors() {
        return store.view();
    }

    /** Replaces the content with {@code xs} (used by training to install centroids). */
    void reset(FloatMatrix xs) {
        store.clear();
        store.append(xs);
        residency.invalidate();
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
        residency.close();
        store.close();
    }
}
