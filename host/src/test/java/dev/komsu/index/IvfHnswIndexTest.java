package dev.komsu.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.IndexFactory;
import dev.komsu.ProgressListener;
import dev.komsu.SearchParams;
import dev.komsu.TestData;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.quant.KMeans;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** IVF with an HNSW coarse quantiser: faiss's training (quantizer_trains_alone 2) and search semantics. */
class IvfHnswIndexTest {
    private static final int D = 12;
    private static final int NLIST = 64;
    private final ComputeBackend backend = Backends.defaultCpu();

    /**
     * faiss's train_q1 for an HNSW quantiser: k-means with a flat L2 assigner (spherical for
     * inner product, as faiss's factory sets), and the centroids, in k-means's order, become the
     * graph's nodes, so node l is list l.
     */
    @ParameterizedTest
    @EnumSource(value = Metric.class, names = {"L2", "INNER_PRODUCT"}) // HNSW has no L1 / L-infinity, as faiss
    void trainingClustersWithL2AndAddsTheCentroidsToTheGraph(Metric metric) {
        try (IvfIndex ivf = (IvfIndex) IndexFactory.create(D, "IVF64_HNSW8,Flat", metric, backend);
             FloatMatrix xs = TestData.blobs(64 * 40, D, 20, 3)) {
            ivf.train(xs);
            KMeans kmeans = new KMeans(NLIST, IvfIndex.IVF_KMEANS_DEFAULTS.withSpherical(metric == Metric.INNER_PRODUCT), backend);
            try (FloatMatrix want = kmeans.train(xs, Metric.L2, ProgressListener.NONE).centroids()) {
                HnswCoarseQuantizer q = assertInstanceOf(HnswCoarseQuantizer.class, ivf.quantizer());
                assertEquals(NLIST, q.ntotal());
                assertEquals(NLIST, q.graph().size());
                assertEquals(8, q.graph().m());
                for (int l = 0; l < NLIST; l++) assertArrayEquals(want.row(l), q.vectors().row(l), "centroid " + l);
            }
            assertTrue(ivf.isTrained());
        }
    }

    @Test
    void innerProductWithoutSphericalCentroidsIsRefusedAsFaissDoes() {
        try (IvfIndex ivf = (IvfIndex) IndexFactory.create(D, "IVF64_HNSW8,Flat", Metric.INNER_PRODUCT, backend);
             FloatMatrix xs = TestData.blobs(64 * 40, D, 20, 3)) {
            ivf.setKMeansParams(IvfIndex.IVF_KMEANS_DEFAULTS);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> ivf.train(xs));
            assertTrue(e.getMessage().contains("spherical"), e.getMessage());
            assertFalse(ivf.isTrained());
        }
    }

    /** Settings made on the graph before training (the CLI's --ef-construction) survive the retrained graph. */
    @Test
    void trainingKeepsTheGraphSettingsAndRetrainingReplacesTheGraph() {
        try (IvfIndex ivf = (IvfIndex) IndexFactory.create(D, "IVF64_HNSW8,Flat", Metric.L2, backend);
             FloatMatrix xs = TestData.blobs(64 * 40, D, 20, 3)) {
            HnswCoarseQuantizer q = (HnswCoarseQuantizer) ivf.quantizer();
            q.graph().setEfConstruction(77);
            q.graph().setEfSearch(5);
            ivf.train(xs);
            ivf.train(xs);
            assertEquals(77, q.graph().efConstruction());
            assertEquals(5, q.graph().efSearch());
            assertEquals(NLIST, q.graph().size(), "a second training replaces the graph, as it replaces Flat centroids");
        }
    }

    /**
     * An efSearch in the search parameters reaches the quantiser (faiss's quantizer_params): one
     * as large as nlist walks the whole graph, so the probed lists are the exact nearest
     * centroids. (At a small efSearch faiss's HNSW stops once efSearch candidates are nearer than
     * the next, even with nprobe above it; IvfHnswFaissInteropTest compares that case with faiss.)
     */
    @Test
    void efSearchInTheSearchParamsReachesTheQuantizer() {
        try (IvfIndex ivf = (IvfIndex) IndexFactory.create(D, "IVF64_HNSW8,Flat", Metric.L2, backend);
             FloatMatrix xs = TestData.blobs(64 * 40, D, 20, 3);
             FloatMatrix queries = TestData.blobs(50, D, 20, 4)) {
            ivf.train(xs);
            HnswCoarseQuantizer q = (HnswCoarseQuantizer) ivf.quantizer();
            q.graph().setEfSearch(1);
            try (FlatIndex exact = new FlatIndex(D, Metric.L2, backend)) {
                exact.add(q.vectors());
                Neighbors want = exact.search(queries, 20);
                Neighbors got = q.search(queries, 20, SearchParams.builder().efSearch(NLIST).build());
                assertArrayEquals(want.labels(), got.labels());
                assertArrayEquals(want.distances(), got.distances(), 1e-3f);
            }
        }
    }

    @Test
    void describeNamesTheQuantizerGraph() {
        try (IvfIndex ivf = (IvfIndex) IndexFactory.create(D, "IVF64_HNSW8,PQ4x4fs", Metric.L2, backend);
             FloatMatrix xs = TestData.blobs(64 * 40, D, 20, 3)) {
            ivf.train(xs);
            String s = ivf.describe();
            HnswCoarseQuantizer q = (HnswCoarseQuantizer) ivf.quantizer();
            assertTrue(s.startsWith("IVF64_HNSW8,PQ4x4fs "), s);
            assertTrue(s.contains("quantizer=HNSW8 M=8 levels=" + (q.graph().maxLevel() + 1) + " entry_point=" + q.graph().entryPoint()), s);
            try (IvfIndex flat = (IvfIndex) IndexFactory.create(D, "IVF64,Flat", Metric.L2, backend)) {
                assertTrue(flat.describe().contains("quantizer=Flat"), flat.describe());
            }
        }
    }

    @Test
    void factoryStringsNameTheQuantizer() {
        try (IvfIndex dflt = (IvfIndex) IndexFactory.create(D, "IVF16_HNSW,SQ8", Metric.L2, backend)) {
            assertEquals(32, ((HnswCoarseQuantizer) dflt.quantizer()).graph().m(), "M defaults to 32, as in faiss");
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IndexFactory.create(D, "IVF16_HNSW1,Flat", Metric.L2, backend));
        assertTrue(e.getMessage().contains("M must be >= 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> IndexFactory.create(D, "IVF16_HNSWx,Flat", Metric.L2, backend));
    }
}
