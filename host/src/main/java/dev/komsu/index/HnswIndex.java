package dev.komsu.index;

import dev.komsu.Index;
import dev.komsu.SearchParams;
import dev.komsu.index.hnsw.FlatDistances;
import dev.komsu.index.hnsw.HnswBuilder;
import dev.komsu.index.hnsw.HnswDistances;
import dev.komsu.index.hnsw.HnswGraph;
import dev.komsu.index.hnsw.HnswSearch;
import dev.komsu.index.hnsw.HnswWalker;
import dev.komsu.index.hnsw.MinimaxHeap;
import dev.komsu.index.hnsw.Sq8Distances;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A graph index, faiss's IndexHNSW: an {@link HnswGraph} over the vectors of a storage index.
 * Over flat vectors in a {@link FlatIndex} it is faiss's IndexHNSWFlat ("HNSW{M}",
 * "HNSW{M},Flat"), which needs no training; over SQ8 codes in a {@link FlatCodesIndex} it is
 * faiss's IndexHNSWSQ ("HNSW{M},SQ8"), trained as its storage is (the SQ8 ranges) and measuring
 * float queries, and inserted vectors, against the stored codes. Ids are row numbers. Search
 * follows faiss's HNSW::search with efSearch from the search parameters or, by default, the
 * index's own (16, or what the file stored); distances are squared L2 or inner products, as
 * faiss returns them. One query per thread, each thread reusing
 * its visited table and candidate list.
 */
public final class HnswIndex extends ForwardingIndex {
    /** A FlatIndex or a FlatCodesIndex of a plain (not by residual) Sq8Codec. */
    private final BackendIndex storage;
    private final HnswGraph graph;
    /** Per-thread search state over the current storage; replaced after an add. */
    private volatile ConcurrentLinkedQueue<Searcher> searchers = new ConcurrentLinkedQueue<>();

    /** An empty index with faiss's defaults for {@code m}: efConstruction 40, efSearch 16. */
    public HnswIndex(int dim, int m, Metric metric, ComputeBackend backend) {
        this(new FlatIndex(dim, InputChecks.checkComputable(metric, "HNSW"), backend), HnswGraph.create(m));
    }

    /** An empty, untrained HNSW{M},SQ8 with faiss's defaults for {@code m}. */
    public static HnswIndex sq8(int dim, int m, Metric metric, ComputeBackend backend) {
        return new HnswIndex(new FlatCodesIndex(dim, InputChecks.checkComputable(metric, "HNSW,SQ8"),
                new Sq8Codec(dim, false), backend), HnswGraph.create(m));
    }

    /** An index over {@code storage} and a {@code graph} of its vectors (e.g. both read from a file); it owns both. */
    public HnswIndex(FlatIndex storage, HnswGraph graph) {
        this((BackendIndex) storage, graph);
    }

    /** An index over SQ8 codes (not by residual) and a {@code graph} of them; it owns both. */
    public HnswIndex(FlatCodesIndex storage, HnswGraph graph) {
        this(checkSq8(storage), graph);
    }

    private static BackendIndex checkSq8(FlatCodesIndex storage) {
        if (!(storage.codec() instanceof Sq8Codec sq) || sq.byResidual()) {
            throw new IllegalArgumentException("an HNSW storage of codes must be SQ8 (faiss IndexHNSWSQ), got " + storage.describe());
        }
        return storage;
    }

    private HnswIndex(BackendIndex storage, HnswGraph graph) {
        super(storage, "storage");
        this.storage = storage;
        this.graph = Objects.requireNonNull(graph, "graph");
        if (graph.size() != storage.ntotal()) {
            throw new IllegalArgumentException("HNSW graph has " + graph.size() + " nodes, its storage " + storage.ntotal() + " vectors");
        }
    }

    public HnswGraph graph() {
        return graph;
    }

    /** faiss's storage: a FlatIndex, or for HNSW{M},SQ8 a FlatCodesIndex. */
    public Index storage() {
        return storage;
    }

    /** The flat storage; for callers that need the exact vectors (an HNSW coarse quantiser). */
    public FlatIndex flatStorage() {
        if (storage instanceof FlatIndex flat) return flat;
        throw new IllegalStateException(name() + " stores SQ8 codes, not the vectors");
    }

    /** Whether the storage holds SQ8 codes (faiss IndexHNSWSQ) rather than the vectors. */
    public boolean storesSq8() {
        return storage instanceof FlatCodesIndex;
    }

    /** The factory string of this index: "HNSW{M},Flat" or "HNSW{M},SQ8". */
    public String name() {
        return "HNSW" + graph.m() + (storesSq8() ? ",SQ8" : ",Flat");
    }

    /**
     * A distance computer over the storage as it is now, for one thread (faiss's
     * storage_distance_computer).
     */
    private HnswDistances newDistances() {
        if (storage instanceof FlatCodesIndex codes) {
            return new Sq8Distances(codes.codes().codes(0), ((Sq8Codec) codes.codec()).scalarQuantizer(), metric(),
                    storage.backend().pq());
        }
        return new FlatDistances(((FlatIndex) storage).vectors(), metric(), storage.backend().pq());
    }

    /** faiss IndexHNSW::train: trains the storage (SQ8's ranges); the graph needs none. */
    @Override
    public void train(FloatMatrix xs) {
        super.train(xs);
        searchers = new ConcurrentLinkedQueue<>();
    }

    @Override
    void addUnguarded(FloatMatrix xs) {
        InputChecks.checkVectors("added vectors", xs, dim());
        if (storage.ntotal() + xs.rows() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("HNSW holds at most 2^31 vectors (faiss numbers nodes with int32): "
                    + storage.ntotal() + " + " + xs.rows());
        }
        storage.add(xs);
        searchers = new ConcurrentLinkedQueue<>();
        // faiss inserts each vector with its floats as the query, whatever the storage keeps
        HnswBuilder.add(graph, xs, this::newDistances, storage.backend());
    }

    @Override
    void addWithIdsUnguarded(FloatMatrix xs, long[] ids) {
        throw GuardedIndex.rowNumberIds("an HNSW index", "IDMap," + name());
    }

    @Override
    Neighbors searchUnguarded(FloatMatrix queries, int k, SearchParams params) {
        InputChecks.checkK(k);
        InputChecks.checkVectors("queries", queries, dim());
        if (!isTrained()) throw new IllegalStateException("the " + name() + " index is not trained");
        int ef = params.efSearchOr(graph.efSearch());
        int nq = Math.toIntExact(queries.rows());
        float[] distances = new float[nq * k];
        long[] labels = new long[nq * k];
        ConcurrentLinkedQueue<Searcher> pool = searchers;
        // faiss's candidate list holds max(efSearch, k); no search pushes more than ntotal
        // entries, so a longer list behaves the same and is not allocated.
        int capacity = (int) Math.min(Math.max(ef, k), Math.max(1, ntotal()));
        boolean negate = metric() == Metric.INNER_PRODUCT;
        storage.backend().forEachQuery(nq, q -> {
            Searcher s = pool.poll();
            if (s == null || s.k != k || s.heap.capacity() != capacity) s = new Searcher(this, k, capacity);
            queries.copyRow(q, s.query, 0);
            HnswSearch.search(s.walker, s.query, k, ef, s.heap, s.dis, s.ids);
            for (int j = 0; j < k; j++) {
                // The graph orders by negated inner product, as faiss does; results are the products.
                distances[q * k + j] = negate ? -s.dis[j] : s.dis[j];
                labels[q * k + j] = s.ids[j];
            }
            pool.offer(s);
        });
        return new Neighbors(nq, k, distances, labels);
    }

    /** One thread's search state: the walker, the candidate list and the k results. */
    private static final class Searcher {
        final HnswWalker walker;
        final MinimaxHeap heap;
        final float[] query;
        final float[] dis;
        final int[] ids;
        final int k;

        Searcher(HnswIndex index, int k, int capacity) {
            this.walker = new HnswWalker(index.graph, index.newDistances());
            this.heap = new MinimaxHeap(capacity);
            this.query = new float[index.dim()];
            this.dis = new float[k];
            this.ids = new int[k];
            this.k = k;
        }
    }

    @Override
    public String describe() {
        return name() + " d=" + dim() + " metric=" + metric() + " ntotal=" + ntotal()
                + " M=" + graph.m() + " levels=" + (graph.maxLevel() + 1) + " entry_point=" + graph.entryPoint()
                + " efConstruction=" + graph.efConstruction() + " efSearch=" + graph.efSearch()
                + " memory=" + memoryBytes() + " bytes";
    }

    /** Bytes held: the stored vectors (4 bytes a component, SQ8 codes 1) and the graph's neighbour slots. */
    public long memoryBytes() {
        return ntotal() * dim() * (storesSq8() ? 1 : Float.BYTES) + graph.slotCount() * Integer.BYTES;
    }
}
