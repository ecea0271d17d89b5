package dev.komsu.index;

import dev.komsu.ProgressListener;
import dev.komsu.SearchParams;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.quant.KMeans;
import dev.komsu.quant.KMeansParams;
import java.util.Objects;

/**
 * An inverted-file index (faiss IndexIVF with its Level1Quantizer): a Flat coarse quantiser
 * over {@code nlist} centroids trained by k-means, inverted lists, and a codec for what the
 * lists hold (Flat, PQ, SQ8, FastScan). Search asks the quantiser for the {@code nprobe}
 * nearest centroids (nprobe clamped to nlist, as faiss does) and has the codec scan those
 * lists; reconstruct by id goes through the lists' direct map, built on first use.
 */
public final class IvfIndex extends BackendIndex {
    /**
     * faiss's IVF coarse quantiser trains with 10 k-means iterations, not Clustering's 25
     * (Level1Quantizer sets cp.niter = 10; checked on Debian's faiss 1.7.3:
     * IndexIVF.cp.niter == 10), and spherical centroids for inner product.
     */
    public static final KMeansParams IVF_KMEANS_DEFAULTS = KMeansParams.FAISS_DEFAULTS.withNiter(10);

    private final int nlist;
    private final FlatIndex quantizer;
    private final IvfCodec codec;
    private final InvertedLists lists;
    private KMeansParams kmeansParams;
    private ProgressListener progress = ProgressListener.NONE;
    private long ntotal;
    /** faiss's IndexIVF::nprobe: the lists a search visits unless its parameters say otherwise; stored in the file. */
    private volatile int nprobe = 1;

    /** An empty, untrained index. */
    public IvfIndex(int dim, int nlist, Metric metric, IvfCodec codec, ComputeBackend backend) {
        this(new FlatIndex(dim, metric, backend), nlist, codec, new InvertedLists(checkNlist(nlist), codec.layout()), 0);
    }

    /**
     * An index from parts, e.g. read from a file: a quantiser holding the centroids (empty if
     * untrained), lists in the codec's layout, and the number of stored vectors.
     */
    public IvfIndex(FlatIndex quantizer, int nlist, IvfCodec codec, InvertedLists lists, long ntotal) {
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

    public FlatIndex quantizer() {
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

    /** Trains the coarse centroids, then the codec on them (faiss trains the encoder every time, too). */
    @Override
    public void train(FloatMatrix xs) {
        InputChecks.checkVectors("training vectors", xs, dim());
        KMeans.Result result = new KMeans(nlist, kmeansParams, backend()).train(xs, metric(), progress);
        try (FloatMatrix centroids = result.centroids()) {
            quantizer.reset(centroids);
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

    /** How messages name the index: "IVF{n},PQ16". */
    private String kind() {
        return "IVF" + nlist + "," + codec.factoryName();
    }

    @Override
    Neighbors searchUnguarded(FloatMatrix queries, int k, SearchParams params) {
        InputChecks.checkK(k);
        InputChecks.checkVectors("queries", queries, dim());
        if (!isTrained()) throw new IllegalStateException("the " + kind() + " index is not trained");
        int nprobe = Math.min(params.nprobeOr(this.nprobe), nlist);
        return codec.scan(backend(), residency, queries, lists, quantizer.vectors(), quantizer.search(queries, nprobe), k, metric(), params);
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
        long centroidBytes = (long) nlist * dim() * Float.BYTES;
        return kind() + " d=" + dim() + " metric=" + metric() + " ntotal=" + ntotal + " nlist=" + nlist + " nprobe=" + nprobe
                + " largest-list=" + largest + " " + codec.details(backend())
                + " memory=" + (lists.memoryBytes() + centroidBytes) + " bytes";
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
