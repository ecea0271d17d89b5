package dev.komsu.index;

import dev.komsu.IdSelector;
import dev.komsu.Index;
import dev.komsu.ProgressListener;
import dev.komsu.RangeSearchResult;
import dev.komsu.SearchParams;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.util.Objects;

/**
 * Exhaustive search over encoded vectors (faiss IndexFlatCodes: IndexPQ "PQ{M}",
 * IndexScalarQuantizer "SQ8", IndexPQFastScan "PQ{M}x4fs"). It reuses the IVF codecs, not by
 * residual, over one list that every query scans: ids are row numbers, as in faiss.
 */
public final class FlatCodesIndex extends BackendIndex {
    private final IvfCodec codec;
    private final InvertedLists codes;
    private final FloatMatrix origin; // 1 x dim zeros: the "centroid" the codecs' API asks for
    private ProgressListener progress = ProgressListener.NONE;

    /** An empty index; {@code codec} must not encode residuals. */
    public FlatCodesIndex(int dim, Metric metric, IvfCodec codec, ComputeBackend backend) {
        this(dim, InputChecks.checkComputable(metric, "an index of " + codec.getClass().getSimpleName()), codec, new InvertedLists(1, codec.layout()), backend);
    }

    /** An index from parts (e.g. read from a file): {@code codes} is one list of sequential ids. */
    public FlatCodesIndex(int dim, Metric metric, IvfCodec codec, InvertedLists codes, ComputeBackend backend) {
        super(dim, metric, backend);
        this.codec = Objects.requireNonNull(codec, "codec");
        this.codes = Objects.requireNonNull(codes, "codes");
        if (codes.nlist() != 1 || !codes.layout().equals(codec.layout())) {
            throw new IllegalArgumentException("codes must be one list in " + codec.layout() + ", got "
                    + codes.nlist() + " lists in " + codes.layout());
        }
        this.origin = FloatMatrix.allocate(1, dim);
    }

    public IvfCodec codec() {
        return codec;
    }

    /** The stored codes, in id order. */
    public InvertedLists codes() {
        return codes;
    }

    public void setProgressListener(ProgressListener listener) {
        this.progress = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public long ntotal() {
        return codes.size(0);
    }

    @Override
    public boolean isTrained() {
        return codec.isTrained();
    }

    @Override
    public void train(FloatMatrix xs) {
        InputChecks.checkVectors("training vectors", xs, dim());
        codec.train(xs, rows -> new int[Math.toIntExact(rows.rows())], origin, backend(), progress);
        residency.invalidate();
    }

    @Override
    void addUnguarded(FloatMatrix xs) {
        InputChecks.checkVectors("added vectors", xs, dim());
        if (!isTrained()) throw new IllegalStateException("the " + codec.factoryName() + " index must be trained before vectors are added");
        long base = ntotal();
        CodeAppender.append(codec, xs, new int[Math.toIntExact(xs.rows())], i -> base + i, origin, backend(), codes);
        residency.invalidate();
    }

    @Override
    void addWithIdsUnguarded(FloatMatrix xs, long[] ids) {
        throw rowNumberIds("a " + codec.factoryName() + " index", "IDMap," + codec.factoryName());
    }

    @Override
    Neighbors searchUnguarded(FloatMatrix queries, int k, SearchParams params) {
        InputChecks.checkK(k);
        InputChecks.checkVectors("queries", queries, dim());
        if (!isTrained()) throw new IllegalStateException("the " + codec.factoryName() + " index is not trained");
        int nq = Math.toIntExact(queries.rows());
        Neighbors everything = new Neighbors(nq, 1, new float[nq], new long[nq]); // list 0, coarse distance 0
        return codec.scan(backend(), residency, queries, codes, origin, everything, k, metric(), params);
    }

    /**
     * faiss's IndexFlatCodes::remove_ids: the other codes move up in order and are renumbered.
     * faiss's IndexPQFastScan does the same on its blocks; here the block packer moves them.
     */
    @Override
    long removeIdsUnguarded(IdSelector selector) {
        long removed = codes.removeRows(0, selector::isMember);
        if (removed > 0) residency.invalidate();
        return removed;
    }

    /**
     * faiss's IndexFlatCodes::merge_from: the other's codes follow this index's rows (ids are
     * row numbers, so addId must be 0), and the other is left empty. The codecs must be the
     * same type, trained alike (faiss checks only the code size).
     */
    @Override
    void mergeFromUnguarded(Index other, long addId) {
        if (addId != 0) throw new IllegalArgumentException("a " + codec.factoryName() + " index numbers its rows and cannot shift ids: addId must be 0, got " + addId);
        if (!(other instanceof FlatCodesIndex o) || o.codec.getClass() != codec.getClass()
                || !o.codec.factoryName().equals(codec.factoryName()) || o.dim() != dim() || o.metric() != metric()) {
            throw new IllegalArgumentException("cannot merge " + other.describe() + " into " + describe() + ": d, metric and codec must match");
        }
        if (!o.isTrained() || !isTrained() || !IvfMergeCheck.sameDecoding(codec, origin, o.codec, o.origin)) {
            throw new IllegalArgumentException("cannot merge " + o.describe() + " into " + describe()
                    + ": their codecs were trained differently (the same code decodes to different vectors)");
        }
        codes.mergeFrom(o.codes, ntotal());
        o.residency.invalidate();
        residency.invalidate();
    }

    /** faiss 1.7.3's IndexPQ, IndexScalarQuantizer and IndexPQFastScan have no range search either. */
    @Override
    RangeSearchResult rangeSearchUnguarded(FloatMatrix queries, float radius, SearchParams params) {
        throw new UnsupportedOperationException("a " + codec.factoryName() + " index has no range search (faiss 1.7.3's"
                + " neither); add \",RFlat\" for exact range search over every vector");
    }

    @Override
    public float[] reconstruct(long id) {
        InputChecks.checkRange(id, 1, ntotal());
        float[] out = new float[dim()];
        codec.decode(codes.code(0, id), 0, 0, origin, out);
        return out;
    }

    @Override
    public FloatMatrix reconstructN(long from, long n) {
        InputChecks.checkRange(from, n, ntotal());
        FloatMatrix out = FloatMatrix.allocate(n, dim());
        for (long i = 0; i < n; i++) out.setRow(i, reconstruct(from + i), 0);
        return out;
    }

    @Override
    public String describe() {
        return codec.factoryName() + " d=" + dim() + " metric=" + metric() + " ntotal=" + ntotal() + " "
                + codec.details(backend()) + " memory=" + codes.memoryBytes() + " bytes";
    }

    @Override
    public void close() {
        residency.close();
        codes.close();
        origin.close();
    }

    @Override
    public String toString() {
        return "FlatCodesIndex[" + codec.factoryName() + ", d=" + dim() + ", ntotal=" + ntotal() + "]";
    }
}
