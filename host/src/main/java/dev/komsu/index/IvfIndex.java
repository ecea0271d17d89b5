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
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * An inverted-file index (faiss IndexIVF): a Flat coarse quantiser over {@code nlist}
 * centroids, inverted lists, and a codec for what the lists hold. Search asks the quantiser
 * for the {@code nprobe} nearest centroids (nprobe clamped to nlist, as faiss does) and has
 * the codec scan those lists.
 */
public final class IvfIndex implements Index {
    /**
     * faiss's IVF coarse quantiser trains with 10 k-means iterations, not Clustering's 25
     * (Level1Quantizer sets cp.niter = 10; checked on Debian's faiss 1.7.3:
     * IndexIVF.cp.niter == 10), and spherical centroids for inner product.
     */
    public static final KMeansParams IVF_KMEANS_DEFAULTS = KMeansParams.FAISS_DEFAULTS.withNiter(10);

    private final int dim;
    private final int nlist;
    private final Metric metric;
    private final FlatIndex quantizer;
    private final IvfCodec codec;
    private final InvertedLists lists;
    private final ComputeBackend backend;
    private KMeansParams kmeansParams;
    private ProgressListener progress = ProgressListener.NONE;
    private long ntotal;

    /** An empty, untrained index. */
    public IvfIndex(int dim, int nlist, Metric metric, IvfCodec codec, ComputeBackend backend) {
        this(new FlatIndex(dim, metric, backend), nlist, codec, new InvertedLists(checkNlist(nlist), codec.codeSize()), 0);
    }

    /**
     * An index from parts, e.g. read from a file: a quantiser holding the centroids (empty if
     * untrained), lists of matching code size, and the number of stored vectors.
     */
    public IvfIndex(FlatIndex quantizer, int nlist, IvfCodec codec, InvertedLists lists, long ntotal) {
        this.quantizer = Objects.requireNonNull(quantizer, "quantizer");
        this.dim = quantizer.dim();
        this.metric = quantizer.metric();
        this.nlist = checkNlist(nlist);
        this.codec = Objects.requireNonNull(codec, "codec");
        this.lists = Objects.requireNonNull(lists, "lists");
        this.backend = quantizer.backend();
        this.ntotal = ntotal;
        if (lists.nlist() != nlist || lists.codeSize() != codec.codeSize()) {
            throw new IllegalArgumentException("lists (" + lists.nlist() + " lists of " + lists.codeSize()
                    + "-byte codes) do not match nlist=" + nlist + " and code size " + codec.codeSize());
        }
        this.kmeansParams = IVF_KMEANS_DEFAULTS.withSpherical(metric == Metric.INNER_PRODUCT);
    }

    private static int checkNlist(int nlist) {
        if (nlist <= 0) throw new IllegalArgumentException("nlist must be > 0, got " + nlist);
        return nlist;
    }

    public void setKMeansParams(KMeansParams params) {
        this.kmeansParams = Objects.requireNonNull(params, "params");
    }

    public void setProgressListener(ProgressListener listener) {
        this.progress = Objects.requireNonNull(listener, "listener");
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

    public IvfCodec codec() {
        return codec;
    }

    public InvertedLists invertedLists() {
        return lists;
    }

    @Override
    public boolean isTrained() {
        return quantizer.ntotal() == nlist && codec.isTrained();
    }

    @Override
    public void train(FloatMatrix xs) {
        InputChecks.checkVectors("training vectors", xs, dim);
        KMeans.Result result = new KMeans(nlist, kmeansParams, backend).train(xs, metric, progress);
        try (FloatMatrix centroids = result.centroids()) {
            quantizer.reset(centroids);
        }
        if (!codec.isTrained()) {
            codec.train(xs, this::assign, quantizer.vectors(), backend);
        }
    }

    /** The nearest list of each row. */
    private int[] assign(FloatMatrix xs) {
        Neighbors nearest = quantizer.search(xs, 1);
        int[] out = new int[Math.toIntExact(xs.rows())];
        for (int i = 0; i < out.length; i++) out[i] = (int) nearest.label(i, 0);
        return out;
    }

    @Override
    public void add(FloatMatrix xs) {
        addWithIds(xs, null);
    }

    @Override
    public void addWithIds(FloatMatrix xs, long[] ids) {
        InputChecks.checkVectors("added vectors", xs, dim);
        if (ids != null) InputChecks.checkIds(xs, ids);
        if (!isTrained()) throw new IllegalStateException("the IVF index must be trained before vectors are added");
        int[] assign = assign(xs);
        FloatMatrix centroids = quantizer.vectors();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment code = arena.allocate(codec.codeSize());
            for (int i = 0; i < assign.length; i++) {
                codec.encode(xs, i, assign[i], centroids, code, 0);
                lists.append(assign[i], ids == null ? ntotal + i : ids[i], code, 0);
            }
        }
        ntotal += xs.rows();
    }

    @Override
    public Neighbors search(FloatMatrix queries, int k, SearchParams params) {
        InputChecks.checkK(k);
        InputChecks.checkVectors("queries", queries, dim);
        if (!isTrained()) throw new IllegalStateException("the IVF index is not trained");
        int nprobe = Math.min(params.nprobe(), nlist);
        Neighbors coarse = quantizer.search(queries, nprobe);
        return codec.scan(backend, queries, lists, quantizer.vectors(), coarse, k, metric, params);
    }

    /** The list numbers of a coarse result as the int array the kernels take (-1 kept). */
    static int[] probes(Neighbors coarse) {
        long[] labels = coarse.labels();
        int[] out = new int[labels.length];
        for (int i = 0; i < labels.length; i++) out[i] = (int) labels[i];
        return out;
    }

    @Override
    public float[] reconstruct(long id) {
        try (FloatMatrix one = reconstructN(id, 1)) {
            return one.row(0);
        }
    }

    /**
     * Like faiss's IndexIVF::reconstruct_n without a direct map: one pass over all lists,
     * decoding the entries whose id falls in {@code [from, from+n)}. Rows for ids not present
     * stay zero.
     */
    @Override
    public FloatMatrix reconstructN(long from, long n) {
        if (from < 0 || n < 0) throw new IllegalArgumentException("bad range: from=" + from + ", n=" + n);
        FloatMatrix out = FloatMatrix.allocate(n, dim);
        float[] row = new float[dim];
        FloatMatrix centroids = quantizer.vectors();
        for (int l = 0; l < nlist; l++) {
            long size = lists.size(l);
            if (size == 0) continue;
            MemorySegment codes = lists.codes(l);
            for (long j = 0; j < size; j++) {
                long id = lists.id(l, j);
                if (id < from || id >= from + n) continue;
                codec.decode(codes, j * codec.codeSize(), l, centroids, row);
                out.setRow(id - from, row, 0);
            }
        }
        return out;
    }

    @Override
    public String describe() {
        long max = 0;
        for (int l = 0; l < nlist; l++) max = Math.max(max, lists.size(l));
        return "IVF" + nlist + "," + codec.factoryName() + " d=" + dim + " metric=" + metric + " ntotal=" + ntotal
                + " nlist=" + nlist + " largest-list=" + max + " code-size=" + codec.codeSize()
                + " memory=" + (lists.memoryBytes() + (long) nlist * dim * Float.BYTES) + " bytes";
    }

    @Override
    public void close() {
        lists.close();
        quantizer.close();
    }
}
