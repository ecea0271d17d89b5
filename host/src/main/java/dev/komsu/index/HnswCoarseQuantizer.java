package dev.komsu.index;

import dev.komsu.SearchParams;
import dev.komsu.index.hnsw.HnswGraph;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.util.Objects;

/**
 * Coarse assignment by an HNSW graph over the centroids, faiss's "IVF{n}_HNSW{M},…" (an
 * IndexHNSWFlat as the quantizer): with many lists, a graph walk costs far less than comparing
 * a query with every centroid, at the price of sometimes missing one of the nearest lists.
 * Searches use the quantiser's stored efSearch unless the search parameters name one (faiss's
 * quantizer_params). As in faiss's HNSW, the candidate list holds max(efSearch, nprobe) but the
 * walk stops once efSearch candidates are nearer than the next one, so an nprobe well above
 * efSearch may get fewer lists than asked (-1 in the rest), exactly as faiss does.
 */
public final class HnswCoarseQuantizer implements CoarseQuantizer {
    /** Replaced whole by {@link #setCentroids}: a graph cannot drop its nodes. */
    private HnswIndex hnsw;

    /** A quantiser over {@code hnsw} (empty: untrained), which it owns. */
    public HnswCoarseQuantizer(HnswIndex hnsw) {
        this.hnsw = Objects.requireNonNull(hnsw, "quantizer");
        // the centroids must be exact: faiss's IVF{n}_HNSW{M} quantiser is an IndexHNSWFlat
        if (hnsw.storesSq8()) {
            throw new IllegalArgumentException("an HNSW coarse quantiser must hold the centroids as floats (HNSW{M},Flat), got "
                    + hnsw.describe());
        }
    }

    /** An empty quantiser with faiss's defaults for {@code m} (efConstruction 40, efSearch 16). */
    public HnswCoarseQuantizer(int dim, int m, Metric metric, ComputeBackend backend) {
        this(new HnswIndex(dim, m, metric, backend));
    }

    @Override
    public HnswIndex index() {
        return hnsw;
    }

    /** The graph, e.g. to set efSearch or efConstruction before training. */
    public HnswGraph graph() {
        return hnsw.graph();
    }

    @Override
    public ComputeBackend backend() {
        return hnsw.flatStorage().backend();
    }

    @Override
    public FloatMatrix vectors() {
        return hnsw.flatStorage().vectors();
    }

    @Override
    public Neighbors search(FloatMatrix queries, int nprobe, SearchParams params) {
        return hnsw.search(queries, nprobe, params);
    }

    /**
     * faiss's quantizer_trains_alone 2: k-means with a flat L2 assigner, whatever the metric
     * (for inner product faiss requires spherical centroids, on which L2 and inner product agree).
     */
    @Override
    public Metric clusteringMetric() {
        return Metric.L2;
    }

    /**
     * A new graph over {@code centroids}, with this one's M, efConstruction and efSearch: faiss
     * adds the trained centroids to the HNSW quantizer, which links them as any add does.
     */
    @Override
    public void setCentroids(FloatMatrix centroids) {
        HnswGraph old = hnsw.graph();
        HnswIndex fresh = new HnswIndex(hnsw.dim(), old.m(), hnsw.metric(), backend());
        try {
            fresh.graph().setEfConstruction(old.efConstruction());
            fresh.graph().setEfSearch(old.efSearch());
            fresh.add(centroids);
        } catch (RuntimeException e) {
            fresh.close();
            throw e;
        }
        HnswIndex replaced = hnsw;
        hnsw = fresh;
        replaced.close();
    }

    @Override
    public String factoryTag() {
        return "_HNSW" + hnsw.graph().m();
    }

    @Override
    public String describe() {
        HnswGraph g = hnsw.graph();
        return "quantizer=HNSW" + g.m() + " M=" + g.m() + " levels=" + (g.maxLevel() + 1) + " entry_point=" + g.entryPoint()
                + " efConstruction=" + g.efConstruction() + " efSearch=" + g.efSearch();
    }

    @Override
    public long memoryBytes() {
        return hnsw.memoryBytes();
    }

    @Override
    public void close() {
        hnsw.close();
    }
}
