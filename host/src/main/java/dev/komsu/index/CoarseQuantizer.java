package dev.komsu.index;

import dev.komsu.Index;
import dev.komsu.SearchParams;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;

/**
 * The coarse quantiser of an IVF index (faiss's Level1Quantizer::quantizer): an index over the
 * {@code nlist} centroids whose search picks the lists to probe. faiss lets any index serve;
 * komsu has the two its factory builds, a Flat index ("IVF{n},…") and an HNSW graph over flat
 * centroids ("IVF{n}_HNSW{M},…"). The centroid rows are the list numbers, which residual codecs
 * subtract. Searches are thread-safe; {@link #setCentroids} is not concurrent with them.
 */
public sealed interface CoarseQuantizer extends AutoCloseable permits FlatCoarseQuantizer, HnswCoarseQuantizer {
    /** The quantiser as an index, as faiss nests it in an IVF file. */
    Index index();

    default int dim() {
        return index().dim();
    }

    default Metric metric() {
        return index().metric();
    }

    /** The backend the quantiser searches on. */
    ComputeBackend backend();

    /** Centroids held: nlist once trained, 0 before. */
    default long ntotal() {
        return index().ntotal();
    }

    /** The centroids, row l for list l, as a view valid until the next {@link #setCentroids}. */
    FloatMatrix vectors();

    /**
     * The {@code nprobe} nearest lists of each query (labels, -1 where none was found) and the
     * query-to-centroid distances, as the quantiser's search returns them; {@code params} carries
     * what the quantiser itself reads (HNSW: efSearch, 0 for its stored one).
     */
    Neighbors search(FloatMatrix queries, int nprobe, SearchParams params);

    default Neighbors search(FloatMatrix queries, int nprobe) {
        return search(queries, nprobe, SearchParams.DEFAULTS);
    }

    /**
     * The metric k-means assigns with when the IVF index trains its centroids: faiss's
     * Level1Quantizer::train_q1 clusters with a Flat quantiser itself (quantizer_trains_alone 0,
     * the index's metric) and with a flat L2 assigner for any other (quantizer_trains_alone 2).
     */
    Metric clusteringMetric();

    /** Replaces the centroids with the rows of {@code centroids} (copied); the quantiser is then trained. */
    void setCentroids(FloatMatrix centroids);

    /** The quantiser's part of a factory string after "IVF{n}": "" for Flat, "_HNSW32". */
    String factoryTag();

    /** The quantiser's part of {@code describe()}, e.g. "quantizer=Flat". */
    String describe();

    /** Bytes held: the centroids, and a graph's links. */
    long memoryBytes();

    @Override
    void close();
}
