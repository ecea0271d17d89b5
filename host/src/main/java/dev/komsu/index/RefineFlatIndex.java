package dev.komsu.index;

import dev.komsu.IdSelector;
import dev.komsu.Index;
import dev.komsu.RangeSearchResult;
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

    /** faiss's IndexRefine has no remove_ids (1.7.3 and later): refused, naming the way round. */
    @Override
    long removeIdsUnguarded(IdSelector selector) {
        throw new UnsupportedOperationException("RFlat does not implement remove_ids (faiss's IndexRefine neither):"
                + " rebuild the index without those vectors");
    }

    /**
     * Exact range search over the base's candidates; faiss 1.7.3's IndexRefine has none, so this
     * is komsu's definition. The candidates are every vector in the lists an IVF base probes
     * (its {@code nprobe} nearest lists), or every vector for a base without lists; each gets its
     * exact distance from the raw vectors and is returned when that passes the radius (squared L2
     * below it, inner product above it). With nprobe = nlist this is the exact range search of
     * a Flat index. {@code kFactor} plays no part. A query's hits are in id order.
     */
    @Override
    RangeSearchResult rangeSearchUnguarded(FloatMatrix queries, float radius, SearchParams params) {
        InputChecks.checkVectors("queries", queries, dim());
        if (base() instanceof FlatCodesIndex) return refine.rangeSearch(queries, radius, params);
        if (!(base() instanceof IvfIndex ivf)) {
            throw new UnsupportedOperationException("RFlat over " + base().getClass().getSimpleName()
                    + " has no range search: its base proposes no candidate set");
        }
        int nq = Math.toIntExact(queries.rows());
        RangeHits hits = new RangeHits(nq, metric(), radius);
        int perCall = RangeHits.queriesPerCall(Math.max(1, ivf.ntotal() / ivf.nlist() * Math.min(params.nprobeOr(ivf.nprobe()), ivf.nlist())));
        for (int from = 0; from < nq; from += perCall) {
            int count = Math.min(perCall, nq - from);
            long[][] ids = ivf.probedIds(queries.rowRange(from, count), params);
            int kIn = 1;
            for (long[] c : ids) kIn = Math.max(kIn, c.length);
            long[] candidates = new long[Math.multiplyExact(count, kIn)];
            Arrays.fill(candidates, -1);
            int[] numbers = new int[count];
            for (int i = 0; i < count; i++) {
                numbers[i] = from + i;
                System.arraycopy(ids[i], 0, candidates, i * kIn, ids[i].length);
            }
            hits.addRefined(refine.backend().refiner(), queries.rowRange(from, count), numbers, refine.resident(), candidates,
                    kIn, row -> row, (i, row) -> row);
        }
        return hits.result();
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
