package dev.komsu.index;

import dev.komsu.Index;
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
 * What every inverted-file index shares (faiss's IndexIVF with its Level1Quantizer): a Flat
 * coarse quantiser over {@code nlist} centroids trained by k-means, assignment of vectors to
 * their nearest list, the probe search (nprobe clamped to nlist, as faiss does), the id
 * bookkeeping of add, and reconstruction by id through a {@link DirectMap} built on first use.
 * Subclasses own their lists and say how codes are trained, stored, scanned and decoded.
 */
public abstract sealed class AbstractIvfIndex implements Index permits IvfIndex, IvfFastScanIndex {
    private final ConcurrencyGuard guard = new ConcurrencyGuard();
    /** Handles of the lists and codec data on the backend; the quantizer holds its own. */
    final Residency residency = new Residency();
    private final String kind;
    private final int dim;
    private final int nlist;
    private final Metric metric;
    private final FlatIndex quantizer;
    private final ComputeBackend backend;
    private KMeansParams kmeansParams;
    private ProgressListener progress = ProgressListener.NONE;
    private long ntotal;
    /**
     * Built by the first reconstruct (one pass over the lists), then kept up to date by add.
     * Volatile for the lazy build: concurrent blends may all ask for it first.
     */
    private volatile DirectMap directMap;
    private final Object directMapLock = new Object();

    /** {@code kind} names the index in messages ("IVF", "IVF FastScan"). */
    AbstractIvfIndex(String kind, FlatIndex quantizer, int nlist, long ntotal, KMeansParams kmeansParams) {
        this.kind = kind;
        this.quantizer = Objects.requireNonNull(quantizer, "quantizer");
        this.dim = quantizer.dim();
        this.metric = quantizer.metric();
        this.backend = quantizer.backend();
        this.nlist = checkNlist(nlist);
        this.ntotal = ntotal;
        this.kmeansParams = kmeansParams;
    }

    static int checkNlist(int nlist) {
        if (nlist <= 0) throw new IllegalArgumentException("nlist must be > 0, got " + nlist);
        return nlist;
    }

    /** The k-means parameters of the coarse quantiser's training. */
    public void setKMeansParams(KMeansParams params) {
        this.kmeansParams = Objects.requireNonNull(params, "params");
    }

    public void setProgressListener(ProgressListener listener) {
        this.progress = Objects.requireNonNull(listener, "listener");
    }

    protected ProgressListener progress() {
        return progress;
    }

    protected ComputeBackend backend() {
        return backend;
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
        return ntotal;
    }

    public int nlist() {
        return nlist;
    }

    public FlatIndex quantizer() {
        return quantizer;
    }

    abstract boolean isCodecTrained();

    /** Trains the codes once the coarse centroids are in {@link #quantizer()}. */
    abstract void trainCodes(FloatMatrix xs);

    /** Stores {@code xs} whose nearest lists are {@code assign}, with ids {@code ids} or {@code firstId + row}. */
    abstract void addAssigned(FloatMatrix xs, int[] assign, long[] ids, long firstId);

    /** Scans the lists of {@code coarse} (nprobe per query) and returns the k best. */
    abstract Neighbors scan(FloatMatrix queries, Neighbors coarse, int k, SearchParams params);

    abstract long listSize(int list);

    /**
     * The first stored id outside {@code [0, limit)} as {list, id}, or null if there is none. A
     * refine index uses its base's ids as rows of its Flat: read from a file, they are checked
     * with this (faiss would read out of bounds).
     */
    public long[] idOutside(long limit) {
        for (int l = 0; l < nlist(); l++) {
            for (long i = 0, n = listSize(l); i < n; i++) {
                long id = listId(l, i);
                if (id < 0 || id >= limit) return new long[] {l, id};
            }
        }
        return null;
    }

    abstract long listId(int list, long offset);

    /** Decodes entry {@code offset} of {@code list} (the list's row of {@code centroids} added back where codes are residuals). */
    abstract void decode(int list, long offset, FloatMatrix centroids, float[] row);

    abstract void closeLists();

    @Override
    public boolean isTrained() {
        return quantizer.ntotal() == nlist && isCodecTrained();
    }

    @Override
    public void train(FloatMatrix xs) {
        InputChecks.checkVectors("training vectors", xs, dim);
        KMeans.Result result = new KMeans(nlist, kmeansParams, backend).train(xs, metric, progress);
        try (FloatMatrix centroids = result.centroids()) {
            quantizer.reset(centroids);
        }
        trainCodes(xs);
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
    public void add(FloatMatrix xs) {
        guard.enterAdd();
        try {
            addUnguarded(xs);
        } finally {
            guard.exitAdd();
        }
    }

    private void addUnguarded(FloatMatrix xs) {
        addWithIdsUnguarded(xs, null);
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
        InputChecks.checkVectors("added vectors", xs, dim);
        if (ids != null) InputChecks.checkIds(xs, ids);
        if (!isTrained()) throw new IllegalStateException("the " + kind + " index must be trained before vectors are added");
        synchronized (directMapLock) {
            long[] sizesBefore = directMap == null ? null : listSizes();
            addAssigned(xs, assign(xs), ids, ntotal);
            ntotal += xs.rows();
            residency.invalidate();
            if (sizesBefore != null) mapEntriesFrom(directMap, sizesBefore);
        }
    }

    private long[] listSizes() {
        long[] sizes = new long[nlist];
        for (int l = 0; l < nlist; l++) sizes[l] = listSize(l);
        return sizes;
    }

    /** Maps every entry at or after {@code from[l]} in each list l (appends keep earlier offsets). */
    private void mapEntriesFrom(DirectMap map, long[] from) {
        for (int l = 0; l < nlist; l++) {
            long size = listSize(l);
            for (long j = from[l]; j < size; j++) map.put(listId(l, j), l, j);
        }
    }

    /** The direct map, built once (one pass over the lists) by whichever thread asks first. */
    private DirectMap directMap() {
        DirectMap map = directMap;
        if (map != null) return map;
        synchronized (directMapLock) {
            if (directMap == null) {
                DirectMap built = new DirectMap(ntotal);
                mapEntriesFrom(built, new long[nlist]);
                directMap = built;
            }
            return directMap;
        }
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
        if (!isTrained()) throw new IllegalStateException("the " + kind + " index is not trained");
        int nprobe = Math.min(params.nprobe(), nlist);
        return scan(queries, quantizer.search(queries, nprobe), k, params);
    }

    /**
     * The stored vector of {@code id}, in O(d) once the direct map exists (the first call
     * builds it, O(ntotal)), as faiss's IndexIVF::reconstruct after {@code make_direct_map}.
     *
     * @throws IllegalArgumentException if the index holds no vector with this id
     */
    @Override
    public float[] reconstruct(long id) {
        float[] row = new float[dim];
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
        if (row.length != dim) throw new IllegalArgumentException("row has " + row.length + " floats, the index has d=" + dim);
        long at = directMap().get(id);
        if (at == DirectMap.ABSENT) return false;
        decode(DirectMap.list(at), DirectMap.offset(at), quantizer.vectors(), row);
        return true;
    }

    /**
     * Stored vectors of ids {@code [from, from+n)} through the direct map, like faiss's
     * IndexIVF::reconstruct_n. Rows for ids not present stay zero.
     */
    @Override
    public FloatMatrix reconstructN(long from, long n) {
        if (from < 0 || n < 0) throw new IllegalArgumentException("bad range: from=" + from + ", n=" + n);
        FloatMatrix out = FloatMatrix.allocate(n, dim);
        float[] row = new float[dim];
        for (long i = 0; i < n; i++) {
            if (tryReconstruct(from + i, row)) out.setRow(i, row, 0);
        }
        return out;
    }

    /** Entries of the longest list (for {@link #describe()}). */
    long largestList() {
        long max = 0;
        for (int l = 0; l < nlist; l++) max = Math.max(max, listSize(l));
        return max;
    }

    /** Bytes of the centroids (for {@link #describe()}). */
    long centroidBytes() {
        return (long) nlist * dim * Float.BYTES;
    }

    @Override
    public void close() {
        try {
            residency.close();
            closeLists();
        } finally {
            quantizer.close();
        }
    }
}
