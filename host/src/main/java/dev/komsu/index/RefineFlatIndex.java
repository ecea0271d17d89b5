package dev.komsu.index;

import dev.komsu.Index;
import dev.komsu.SearchParams;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.Refiner;
import java.util.Arrays;
import java.util.Objects;

/**
 * faiss's IndexRefineFlat ("…,RFlat"): a base index proposes {@code k * kFactor} candidates,
 * which are re-ranked by exact distances to the raw vectors kept in a Flat index beside it.
 * Ids are row numbers (the base and the Flat are filled together by {@link #add}).
 *
 * <p>kFactor: {@link SearchParams#kFactor()} when set, else the index's own {@link #kFactor()}
 * (faiss's k_factor field, stored in the file, default 1).
 */
public final class RefineFlatIndex extends ForwardingIndex {
    private final FlatIndex refine;
    private float kFactor;

    /** A refine wrapper over {@code base} (which it owns and closes) with an empty Flat on {@code backend}. */
    public RefineFlatIndex(Index base, ComputeBackend backend) {
        this(base, new FlatIndex(base.dim(), base.metric(), backend), 1f);
    }

    /** From parts (e.g. read from a file): both indexes are owned and closed by this one. */
    public RefineFlatIndex(Index base, FlatIndex refine, float kFactor) {
        super(base, "base");
        this.refine = Objects.requireNonNull(refine, "refine");
        if (refine.dim() != base.dim() || refine.metric() != base.metric()) {
            throw new IllegalArgumentException("refine Flat (d=" + refine.dim() + ", " + refine.metric()
                    + ") does not match the base index (d=" + base.dim() + ", " + base.metric() + ")");
        }
        setKFactor(kFactor);
    }

    public Index base() {
        return delegate();
    }

    public FlatIndex refineIndex() {
        return refine;
    }

    public float kFactor() {
        return kFactor;
    }

    public void setKFactor(float kFactor) {
        if (!(kFactor >= 1f) || Float.isInfinite(kFactor)) {
            throw new IllegalArgumentException("kFactor must be a finite number >= 1, got " + kFactor);
        }
        this.kFactor = kFactor;
    }

    @Override
    void addUnguarded(FloatMatrix xs) {
        if (refine.ntotal() != base().ntotal()) {
            throw new IllegalStateException("refine Flat holds " + refine.ntotal() + " vectors, the base " + base().ntotal());
        }
        base().add(xs);
        refine.add(xs);
    }

    @Override
    void addWithIdsUnguarded(FloatMatrix xs, long[] ids) {
        throw new UnsupportedOperationException(
                "RFlat finds raw vectors by row number and takes no ids (faiss IndexRefine: add_with_ids not implemented)");
    }

    @Override
    Neighbors searchUnguarded(FloatMatrix queries, int k, SearchParams params) {
        InputChecks.checkK(k);
        InputChecks.checkVectors("queries", queries, dim());
        float factor = params.kFactorOr(kFactor);
        // faiss asks for idx_t(k * k_factor); beyond ntotal that is the same answer at a cost that
        // grows with k_factor (a stored 2.5e6 made a 3-query search take 13 s), so clamp it
        int kBase = SearchBudget.refineCandidates(k, factor, ntotal());
        SearchBudget.check(this, queries.rows(), k, params, "the batch size or k");
        Neighbors candidates = base().search(queries, kBase, params);
        Metric metric = metric();
        int nq = candidates.nq();
        Neighbors out = Neighbors.empty(nq, k, metric);
        Refiner refiner = refine.backend().refiner();
        int chunk = QueryChunks.size(nq, (long) kBase * Long.BYTES, CANDIDATE_BYTES_PER_CHUNK);
        // the batched refine is parallel inside: chunks run one after the other
        QueryChunks.sequential(nq, chunk, (from, count) -> {
            long[] rows = chunk >= nq ? candidates.labels()
                    : Arrays.copyOfRange(candidates.labels(), from * kBase, (from + count) * kBase);
            QueryChunks.copyInto(refiner.refine(queries.rowRange(from, count), refine.resident(), rows, kBase, k, metric),
                    out, from);
        });
        return out;
    }

    /** Candidate ids of one refine call at most (16 MiB), so a huge kFactor does not double a batch's memory. */
    private static final long CANDIDATE_BYTES_PER_CHUNK = 16L << 20;

    /** Reconstruct reads the raw vectors of the refine Flat, as faiss's IndexRefine does. */
    @Override
    Index vectorSource() {
        return refine;
    }

    @Override
    public String describe() {
        return base().describe() + " + RFlat (kFactor=" + kFactor + ", raw vectors " + refine.ntotal() * dim() * Float.BYTES
                + " bytes)";
    }

    @Override
    public void close() {
        try {
            super.close();
        } finally {
            refine.close();
        }
    }
}
