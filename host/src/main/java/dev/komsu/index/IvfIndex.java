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
import dev.komsu.quant.KMeans;
import dev.komsu.quant.KMeansParams;
import java.util.Objects;

/**
 * An inverted-file index (faiss IndexIVF with its Level1Quantizer): a coarse quantiser over
 * {@code nlist} centroids trained by k-means (a Flat index, or an HNSW graph for
 * "IVF{n}_HNSW{M},…"), inverted lists, and a codec for what the lists hold (Flat, PQ, SQ8,
 * FastScan). Search asks the quantiser for the {@code nprobe} nearest centroids (nprobe clamped
 * to nlist, as faiss does) and has the codec scan those lists; reconstruct by id goes through
 * the lists' direct map, built on first use.
 */
public final class IvfIndex extends BackendIndex {
    /**
     * faiss's IVF coarse quantiser trains with 10 k-means iterations, not Clustering's 25
     * (Level1Quantizer sets cp.niter = 10; checked on Debian's faiss 1.7.3:
     * IndexIVF.cp.niter == 10), and spherical centroids for inner product.
     */
    public static final KMeansParams IVF_KMEANS_DEFAULTS = KMeansParams.FAISS_DEFAULTS.withNiter(10);

    private final int nlist;
    private final CoarseQuantizer quantizer;
    private final IvfCodec codec;
    private final InvertedLists lists;
    private KMeansParams kmeansParams;
    private ProgressListener progress = ProgressListener.NONE;
    private long ntotal;
    /** faiss's IndexIVF::nprobe: the lists a search visits unless its parameters say otherwise; stored in the file. */
    private volatile int nprobe = 1;

    /** An empty, untrained index with a Flat quantiser. */
    public IvfIndex(int dim, int nlist, Metric metric, IvfCodec codec, ComputeBackend backend) {
        this(new FlatCoarseQuantizer(new FlatIndex(dim,
                codec instanceof FlatCodec ? metric : InputChecks.checkComputable(metric, "IVF with " + codec.getClass().getSimpleName()),
                backend)), nlist, codec);
    }

    /** An empty, untrained index over {@code quantizer} (empty too), which it owns. */
    public IvfIndex(CoarseQuantizer quantizer, int nlist, IvfCodec codec) {
        this(quantizer, nlist, codec, new InvertedLists(checkNlist(nlist), codec.layout()), 0);
    }

    /** {@link #IvfIndex(CoarseQuantizer, int, IvfCodec, InvertedLists, long)} with a Flat quantiser. */
    public IvfIndex(FlatIndex quantizer, int nlist, IvfCodec codec, InvertedLists lists, long ntotal) {
        this(new FlatCoarseQuantizer(quantizer), nlist, codec, lists, ntotal);
    }

    /**
     * An index from parts, e.g. read from a file: a quantiser holding the centroids (empty if
     * untrained), lists in the codec's layout, and the number of stored vectors.
     */
    public IvfIndex(CoarseQuantizer quantizer, int nlist, IvfCodec codec, InvertedLists lists, long ntotal) {
        super(Objects.requireNonNull(quantizer, "quantizer").dim(), quantizer.metric(), quantizer.backend());
        this.quantizer = quantizer;
        this.codec = Objects.requireNonNull(codec, "codec");
        this.lists = Objects.requireNonNull(lists, "lists");
        this.nlist = checkNlist(nlist);
        this.ntotal = ntotal;
        this.kmeansParams = IVF_KMEANS_DEFAULTS.withSpherical(quantizer.metric() == Metric.INNER_PRODUCT);
        if (lists.nlist() != nlist || !lists.layout().equals(codec.layout())) {
            throw new IllegalArgumentException("lists (" + lists.nlist() + " lists in " + lists.layout()
                    + ") do not match nlist=" + nlist + " and " + codec.layout());
        }
    }

    static int checkNlist(int nlist) {
        if (nlist <= 0) throw new IllegalArgumentException("nlist must be > 0, got " + nlist);
        return nlist;
    }

    public IvfCodec codec() {
        return codec;
    }

    public InvertedLists invertedLists() {
        return lists;
    }

    /**
     * The IVF index inside the factory's wrappers (IDMap, L2norm, RFlat's base), or null if
     * there is none: where nlist and k-means progress live.
     */
    public static IvfIndex find(Index index) {
        Index at = index;
        while (true) {
            if (at instanceof IvfIndex ivf) return ivf;
            if (at instanceof L2NormIndex n) at = n.inner();
            else if (at instanceof IdMapIndex m) at = m.inner();
            else if (at instanceof RefineFlatIndex r) at = r.base();
            else return null;
        }
    }

    /** The k-means parameters of the coarse quantiser's training. */
    public void setKMeansParams(KMeansParams params) {
        this.kmeansParams = Objects.requireNonNull(params, "params");
    }

    public void setProgressListener(ProgressListener listener) {
        this.progress = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public long ntotal() {
        return ntotal;
    }

    public int nlist() {
        return nlist;
    }

    public CoarseQuantizer quantizer() {
        return quantizer;
    }

    /**
     * The nprobe a search uses when its {@link SearchParams} set none: faiss's default 1, or what
     * the file stored. It may exceed nlist (faiss stores what it was given and clamps when it
     * searches; kept as it is so a file round-trips byte for byte).
     */
    public int nprobe() {
        return nprobe;
    }

    /** Sets the stored nprobe (written to the file's IVF header, as faiss's {@code index.nprobe = P}). */
    public void setNprobe(int nprobe) {
        if (nprobe <= 0) throw new IllegalArgumentException("nprobe must be > 0, got " + nprobe);
        this.nprobe = nprobe;
    }

    @Override
    public boolean isTrained() {
        return quantizer.ntotal() == nlist && codec.isTrained();
    }

    /**
     * Trains the coarse centroids, then the codec on them (faiss trains the encoder every time,
     * too). k-means assigns as faiss's train_q1 does for the quantiser's kind (see
     * {@link CoarseQuantizer#clusteringMetric}); faiss refuses L2 clustering for an inner-product
     * index unless the centroids are spherical, and so does this.
     */
    @Override
    public void train(FloatMatrix xs) {
        InputChecks.checkVectors("training vectors", xs, dim());
        Metric clustering = quantizer.clusteringMetric();
        if (clustering != metric() && !kmeansParams.spherical()) {
            throw new IllegalStateException("the " + kind() + " index clusters with " + clustering + " for a " + metric()
                    + " index, which needs spherical k-means centroids (faiss's cp.spherical); got " + kmeansParams);
        }
        KMeans.Result result = new KMeans(nlist, kmeansParams, backend()).train(xs, clustering, progress);
        try (FloatMatrix centroids = result.centroids()) {
            quantizer.setCentroids(centroids);
        }
        codec.train(xs, this::assign, quantizer.vectors(), backend(), progress);
        residency.invalidate();
    }

    /** The nearest list of each row. */
    int[] assign(FloatMatrix xs) {
        Neighbors nearest = quantizer.search(xs, 1);
        int[] out = new int[Math.toIntExact(xs.rows())];
        for (int i = 0; i < out.length; i++) out[i] = (int) nearest.label(i, 0);
        return out;
    }

    @Override
    void addUnguarded(FloatMatrix xs) {
        addWithIdsUnguarded(xs, null);
    }

    /** Each row's code goes to the end of its nearest list, so every list holds its rows in input order, as faiss's. */
    @Override
    void addWithIdsUnguarded(FloatMatrix xs, long[] ids) {
        InputChecks.checkVectors("added vectors", xs, dim());
        if (ids != null) InputChecks.checkIds(xs, ids);
        if (!isTrained()) throw new IllegalStateException("the " + kind() + " index must be trained before vectors are added");
        long first = ntotal;
        CodeAppender.append(codec, xs, assign(xs), i -> ids == null ? first + i : ids[(int) i], quantizer.vectors(),
                backend(), lists);
        ntotal += xs.rows();
        residency.invalidate();
    }

    /** How messages name the index: "IVF{n},PQ16", "IVF{n}_HNSW32,PQ16". */
    String kind() {
        return "IVF" + nlist + quantizer.factoryTag() + "," + codec.factoryName();
    }

    @Override
    Neighbors searchUnguarded(FloatMatrix queries, int k, SearchParams params) {
        InputChecks.checkK(k);
        InputChecks.checkVectors("queries", queries, dim());
        if (!isTrained()) throw new IllegalStateException("the " + kind() + " index is not trained");
        int nprobe = Math.min(params.nprobeOr(this.nprobe), nlist);
        return codec.scan(backend(), residency, queries, lists, quantizer.vectors(), quantizer.search(queries, nprobe, params), k, metric(), params);
    }

    /**
     * faiss's IndexIVF::remove_ids: in each list a removed entry is replaced by the list's last
     * one (ArrayInvertedLists' order, so files and searches match faiss's after the same
     * removal). FastScan lists, which faiss 1.7.3 cannot remove from (BlockInvertedLists aborts),
     * take the same procedure through their block packer.
     */
    @Override
    long removeIdsUnguarded(IdSelector selector) {
        long removed = lists.removeIds(selector::isMember);
        ntotal -= removed;
        if (removed > 0) residency.invalidate();
        return removed;
    }

    /**
     * Renumbers ids that are row numbers after the rows in {@code removedRows} (ascending) went
     * away, so they stay 0..ntotal-1: what an IDMap over this index needs after a removal.
     */
    void renumberAfterRemovedRows(long[] removedRows) {
        lists.renumberIds(id -> {
            int below = java.util.Arrays.binarySearch(removedRows, id);
            return id - (below >= 0 ? below : -below - 1);
        });
        residency.invalidate(); // a device's copy of the lists holds the ids too
    }

    /**
     * faiss's IndexIVF::range_search over the nprobe nearest lists, on the codec's decoded
     * vectors ({@link IvfRangeSearch}). FastScan is refused, as by faiss 1.7.3: its search ranks
     * 8-bit table sums, not distances a radius could be compared with; wrap it with RFlat.
     */
    @Override
    RangeSearchResult rangeSearchUnguarded(FloatMatrix queries, float radius, SearchParams params) {
        InputChecks.checkVectors("queries", queries, dim());
        if (!isTrained()) throw new IllegalStateException("the " + kind() + " index is not trained");
        if (codec instanceof FastScanCodec) {
            throw new UnsupportedOperationException(kind() + ": range search is not implemented for FastScan codes"
                    + " (faiss 1.7.3 neither: its distances are 8-bit table sums); add \",RFlat\" for exact range search");
        }
        Neighbors coarse = quantizer.search(queries, Math.min(params.nprobeOr(nprobe), nlist), params);
        return IvfRangeSearch.run(backend(), codec, lists, quantizer.vectors(), queries, coarse, radius, metric());
    }

    /**
     * The stored ids of the lists each query probes, for a refine index's range search: row
     * {@code q} holds query q's candidates, probed list by probed list.
     */
    long[][] probedIds(FloatMatrix queries, SearchParams params) {
        if (!isTrained()) throw new IllegalStateException("the " + kind() + " index is not trained");
        Neighbors coarse = quantizer.search(queries, Math.min(params.nprobeOr(nprobe), nlist), params);
        long[][] out = new long[coarse.nq()][];
        for (int q = 0; q < out.length; q++) {
            long n = 0;
            for (int r = 0; r < coarse.k(); r++) if (coarse.label(q, r) >= 0) n += lists.size((int) coarse.label(q, r));
            long[] ids = new long[Math.toIntExact(n)];
            int at = 0;
            for (int r = 0; r < coarse.k(); r++) {
                long l = coarse.label(q, r);
                if (l < 0) continue;
                for (long i = 0, size = lists.size((int) l); i < size; i++) ids[at++] = lists.id((int) l, i);
            }
            out[q] = ids;
        }
        return out;
    }

    /**
     * faiss's IndexIVF::merge_from: every entry of {@code other}'s list l is appended to list l
     * here with its id plus {@code addId}, and {@code other} is left empty. Refused unless both
     * hold the same d, metric, nlist, codec type and trained parameters: faiss 1.7.3 checks only
     * the sizes and type, and merging lists built around other centroids gives wrong results.
     */
    @Override
    void mergeFromUnguarded(Index other, long addId) {
        if (!(other instanceof IvfIndex o)) {
            throw new IllegalArgumentException("cannot merge " + other.getClass().getSimpleName() + " into an IVF index"
                    + " (both must be IVF indexes)");
        }
        IvfMergeCheck.check(this, o);
        lists.mergeFrom(o.lists, addId);
        ntotal += o.ntotal;
        o.ntotal = 0;
        o.residency.invalidate();
        residency.invalidate();
    }

    /** The list numbers of a coarse result as the int array the kernels take (-1 kept). */
    static int[] probes(Neighbors coarse) {
        return QueryChunks.probes(coarse, 0, coarse.nq());
    }

    /**
     * The first stored id outside {@code [0, limit)} as {list, id}, or null if there is none. A
     * refine index uses its base's ids as rows of its Flat: read from a file, they are checked
     * with this (faiss would read out of bounds).
     */
    public long[] idOutside(long limit) {
        for (int l = 0; l < nlist; l++) {
            for (long i = 0, n = lists.size(l); i < n; i++) {
                long id = lists.id(l, i);
                if (id < 0 || id >= limit) return new long[] {l, id};
            }
        }
        return null;
    }

    /**
     * The stored vector of {@code id}, in O(d) once the direct map exists (the first call
     * builds it, O(ntotal)), as faiss's IndexIVF::reconstruct after {@code make_direct_map}.
     *
     * @throws IllegalArgumentException if the index holds no vector with this id
     */
    @Override
    public float[] reconstruct(long id) {
        float[] row = new float[dim()];
        reconstruct(id, row);
        return row;
    }

    /**
     * {@link #reconstruct(long)} into {@code row} ({@code dim} floats), for callers that fetch
     * many ids (RVC's blend) without a new array each. Thread-safe, like search.
     */
    public void reconstruct(long id, float[] row) {
        if (!tryReconstruct(id, row)) {
            throw new IllegalArgumentException("the index holds no vector with id " + id + " (ntotal " + ntotal + ")");
        }
    }

    private boolean tryReconstruct(long id, float[] row) {
        if (row.length != dim()) throw new IllegalArgumentException("row has " + row.length + " floats, the index has d=" + dim());
        long at = lists.locate(id);
        if (at == DirectMap.ABSENT) return false;
        int list = DirectMap.list(at);
        codec.decode(lists.code(list, DirectMap.offset(at)), 0, list, quantizer.vectors(), row);
        return true;
    }

    /**
     * Stored vectors of ids {@code [from, from+n)} through the direct map, like faiss's
     * IndexIVF::reconstruct_n. Rows for ids not present stay zero.
     */
    @Override
    public FloatMatrix reconstructN(long from, long n) {
        if (from < 0 || n < 0) throw new IllegalArgumentException("bad range: from=" + from + ", n=" + n);
        FloatMatrix out = FloatMatrix.allocate(n, dim());
        float[] row = new float[dim()];
        for (long i = 0; i < n; i++) {
            if (tryReconstruct(from + i, row)) out.setRow(i, row, 0);
        }
        return out;
    }

    @Override
    public String describe() {
        long largest = 0;
        for (int l = 0; l < nlist; l++) largest = Math.max(largest, lists.size(l));
        return kind() + " d=" + dim() + " metric=" + metric() + " ntotal=" + ntotal + " nlist=" + nlist + " nprobe=" + nprobe
                + " largest-list=" + largest + " " + codec.details(backend()) + " " + quantizer.describe()
                + " memory=" + (lists.memoryBytes() + quantizer.memoryBytes()) + " bytes";
    }

    @Override
    public void close() {
        try {
            residency.close();
            lists.close();
        } finally {
            quantizer.close();
        }
    }
}
