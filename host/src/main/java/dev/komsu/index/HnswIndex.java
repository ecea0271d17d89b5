package dev.komsu.index;

import dev.komsu.SearchParams;
import dev.komsu.index.hnsw.HnswBuilder;
import dev.komsu.index.hnsw.HnswGraph;
import dev.komsu.index.hnsw.HnswSearch;
import dev.komsu.index.hnsw.HnswWalker;
import dev.komsu.index.hnsw.MinimaxHeap;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A graph index over flat vectors, faiss's IndexHNSWFlat ("HNSW{M}", "HNSW{M},Flat"): the
 * vectors in a {@link FlatIndex} (faiss's storage) and an {@link HnswGraph} over them. Needs no
 * training; ids are row numbers. Search follows faiss's HNSW::search with efSearch from the
 * search parameters or, by default, the index's own (16, or what the file stored); distances are
 * squared L2 or inner products, as faiss returns them. One query per thread, each thread reusing
 * its visited table and candidate list.
 */
public final class HnswIndex extends ForwardingIndex {
    private final FlatIndex storage;
    private final HnswGraph graph;
    /** Per-thread search state over the current storage; replaced after an add. */
    private volatile ConcurrentLinkedQueue<Searcher> searchers = new ConcurrentLinkedQueue<>();

    /** An empty index with faiss's defaults for {@code m}: efConstruction 40, efSearch 16. */
    public HnswIndex(int dim, int m, Metric metric, ComputeBackend backend) {
        this(new FlatIndex(dim, InputChecks.checkComputable(metric, "HNSW"), backend), HnswGraph.create(m));
    }

    /** An index over {@code storage} and a {@code graph} of its vectors (e.g. both read from a file); it owns both. */
    public HnswIndex(FlatIndex storage, HnswGraph graph) {
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

    public FlatIndex storage() {
        return storage;
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
        HnswBuilder.add(graph, storage.vectors(), metric(), storage.backend());
    }

    @Override
    void addWithIdsUnguarded(FloatMatrix xs, long[] ids) {
        throw GuardedIndex.rowNumberIds("an HNSW index", "IDMap,HNSW" + graph.m());
    }

    @Override
    Neighbors searchUnguarded(FloatMatrix queries, int k, SearchParams params) {
        InputChecks.checkK(k);
        InputChecks.checkVectors("queries", queries, dim());
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
            FlatIndex st = index.storage;
            this.walker = new HnswWalker(index.graph, st.vectors(), st.metric(), st.backend().pq());
            this.heap = new MinimaxHeap(capacity);
            this.query = new float[st.dim()];
            this.dis = new float[k];
            this.ids = new int[k];
            this.k = k;
        }
    }

    @Override
    public String describe() {
        return "HNSW" + graph.m() + ",Flat d=" + dim() + " metric=" + metric() + " ntotal=" + ntotal()
                + " M=" + graph.m() + " levels=" + (graph.maxLevel() + 1) + " entry_point=" + graph.entryPoint()
                + " efConstruction=" + graph.efConstruction() + " efSearch=" + graph.efSearch()
                + " memory=" + memoryBytes() + " bytes";
    }

    /** Bytes held: the stored vectors and the graph's neighbour slots. */
    public long memoryBytes() {
        return ntotal() * dim() * Float.BYTES + graph.slotCount() * Integer.BYTES;
    }
}
