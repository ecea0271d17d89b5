package dev.komsu.index;

import dev.komsu.SearchParams;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
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
public final class IvfIndex extends AbstractIvfIndex {
    /**
     * faiss's IVF coarse quantiser trains with 10 k-means iterations, not Clustering's 25
     * (Level1Quantizer sets cp.niter = 10; checked on Debian's faiss 1.7.3:
     * IndexIVF.cp.niter == 10), and spherical centroids for inner product.
     */
    public static final KMeansParams IVF_KMEANS_DEFAULTS = KMeansParams.FAISS_DEFAULTS.withNiter(10);

    private final IvfCodec codec;
    private final InvertedLists lists;

    /** An empty, untrained index. */
    public IvfIndex(int dim, int nlist, Metric metric, IvfCodec codec, ComputeBackend backend) {
        this(new FlatIndex(dim, metric, backend), nlist, codec, new InvertedLists(checkNlist(nlist), codec.codeSize()), 0);
    }

    /**
     * An index from parts, e.g. read from a file: a quantiser holding the centroids (empty if
     * untrained), lists of matching code size, and the number of stored vectors.
     */
    public IvfIndex(FlatIndex quantizer, int nlist, IvfCodec codec, InvertedLists lists, long ntotal) {
        super("IVF", quantizer, nlist, ntotal, IVF_KMEANS_DEFAULTS.withSpherical(
                Objects.requireNonNull(quantizer, "quantizer").metric() == Metric.INNER_PRODUCT));
        this.codec = Objects.requireNonNull(codec, "codec");
        this.lists = Objects.requireNonNull(lists, "lists");
        if (lists.nlist() != nlist || lists.codeSize() != codec.codeSize()) {
            throw new IllegalArgumentException("lists (" + lists.nlist() + " lists of " + lists.codeSize()
                    + "-byte codes) do not match nlist=" + nlist + " and code size " + codec.codeSize());
        }
    }

    public IvfCodec codec() {
        return codec;
    }

    public InvertedLists invertedLists() {
        return lists;
    }

    @Override
    boolean isCodecTrained() {
        return codec.isTrained();
    }

    @Override
    void trainCodes(FloatMatrix xs) {
        if (!codec.isTrained()) {
            codec.train(xs, this::assign, quantizer().vectors(), backend());
        }
    }

    @Override
    void addAssigned(FloatMatrix xs, int[] assign, long[] ids, long firstId) {
        FloatMatrix centroids = quantizer().vectors();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment code = arena.allocate(codec.codeSize());
            for (int i = 0; i < assign.length; i++) {
                codec.encode(xs, i, assign[i], centroids, code, 0);
                lists.append(assign[i], ids == null ? firstId + i : ids[i], code, 0);
            }
        }
    }

    @Override
    Neighbors scan(FloatMatrix queries, Neighbors coarse, int k, SearchParams params) {
        return codec.scan(backend(), residency, queries, lists, quantizer().vectors(), coarse, k, metric(), params);
    }

    /** The list numbers of a coarse result as the int array the kernels take (-1 kept). */
    static int[] probes(Neighbors coarse) {
        return QueryChunks.probes(coarse, 0, coarse.nq());
    }

    @Override
    long listSize(int list) {
        return lists.size(list);
    }

    @Override
    long listId(int list, long offset) {
        return lists.id(list, offset);
    }

    @Override
    void decode(int list, long offset, FloatMatrix centroids, float[] row) {
        codec.decode(lists.codes(list), offset * codec.codeSize(), list, centroids, row);
    }

    @Override
    public String describe() {
        return "IVF" + nlist() + "," + codec.factoryName() + " d=" + dim() + " metric=" + metric() + " ntotal=" + ntotal()
                + " nlist=" + nlist() + " largest-list=" + largestList() + " code-size=" + codec.codeSize()
                + " memory=" + (lists.memoryBytes() + centroidBytes()) + " bytes";
    }

    @Override
    void closeLists() {
        lists.close();
    }
}
