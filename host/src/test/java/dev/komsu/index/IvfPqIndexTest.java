package dev.komsu.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.Index;
import dev.komsu.IndexFactory;
import dev.komsu.SearchParams;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** IVF-PQ, flat PQ, IVF-SQ8, SQ8 and RFlat built through the factory, against brute force. */
class IvfPqIndexTest {
    private static final int D = 16;

    private static Neighbors exact(FloatMatrix base, FloatMatrix queries, int k, Metric metric) {
        try (Index flat = IndexFactory.create(D, "Flat", metric)) {
            flat.add(base);
            return flat.search(queries, k);
        }
    }

    @ParameterizedTest
    @CsvSource({
        "'IVF16,PQ4', L2, 8, 0.45",
        "'IVF16,PQ8x4', L2, 8, 0.3",
        "'PQ4', L2, 1, 0.45",
        "'IVF16,SQ8', L2, 8, 0.9",
        "'SQ8', L2, 1, 0.9",
        "'IVF16,PQ4,RFlat', L2, 8, 0.8",
        "'IVF16,PQ4', INNER_PRODUCT, 8, 0.3",
        "'IVF16,SQ8', INNER_PRODUCT, 8, 0.8",
    })
    void recallAgainstBruteForceIsSane(String factory, Metric metric, int nprobe, double minRecall) {
        try (FloatMatrix base = TestVectors.clustered(2000, D, 1);
             FloatMatrix queries = TestVectors.clustered(100, D, 2);
             Index index = IndexFactory.create(D, factory, metric)) {
            index.train(base);
            index.add(base);
            assertEquals(2000, index.ntotal());
            SearchParams params = SearchParams.builder().nprobe(nprobe).kFactor(4).build();
            Neighbors approx = index.search(queries, 10, params);
            double recall = TestVectors.recall(exact(base, queries, 10, metric), approx);
            System.out.println(factory + " " + metric + " recall@10 " + recall);
            assertTrue(recall >= minRecall, factory + " recall@10 " + recall + " < " + minRecall);
            // results are sorted best first and labels are valid ids
            for (int q = 0; q < 100; q++) {
                for (int j = 1; j < 10; j++) {
                    assertTrue(!metric.isBetter(approx.distance(q, j), approx.distance(q, j - 1)), factory + " order");
                }
                assertTrue(approx.label(q, 0) >= 0 && approx.label(q, 0) < 2000);
            }
        }
    }

    @Test
    void refineWithAllCandidatesIsExact() {
        try (FloatMatrix base = TestVectors.clustered(2000, D, 3);
             FloatMatrix queries = TestVectors.clustered(20, D, 4);
             Index index = IndexFactory.create(D, "IVF8,PQ4,RFlat", Metric.L2)) {
            index.train(base);
            index.add(base);
            // nprobe = nlist and k*kFactor = everything: the refine step sees every vector
            Neighbors got = index.search(queries, 5, SearchParams.builder().nprobe(8).kFactor(400).build());
            Neighbors want = exact(base, queries, 5, Metric.L2);
            assertArrayEquals(want.labels(), got.labels());
            for (int i = 0; i < want.distances().length; i++) {
                assertEquals(want.distances()[i], got.distances()[i], 1e-4 * Math.max(1, want.distances()[i]));
            }
        }
    }

    @Test
    void precomputedTablesGiveTheDistancesOfPerListResidualTables() {
        try (FloatMatrix base = TestVectors.clustered(2000, D, 5);
             FloatMatrix queries = TestVectors.clustered(50, D, 6);
             IvfIndex index = (IvfIndex) IndexFactory.create(D, "IVF16,PQ4", Metric.L2)) {
            index.train(base);
            index.add(base);
            SearchParams p = SearchParams.builder().nprobe(4).build();
            PqCodec codec = (PqCodec) index.codec();
            Neighbors withTables = index.search(queries, 10, p);
            codec.setUsePrecomputedTable(false);
            Neighbors perList = index.search(queries, 10, p);
            for (int i = 0; i < perList.distances().length; i++) {
                float a = perList.distances()[i];
                assertEquals(a, withTables.distances()[i], 1e-4 * Math.max(1, Math.abs(a)), "distance " + i);
            }
            // and the distance of a stored vector's own entry is the distance to its decoded vector
            float[] q = queries.row(0);
            long id = perList.label(0, 0);
            float[] decoded = index.reconstruct(id);
            double dd = 0;
            for (int j = 0; j < D; j++) dd += (q[j] - decoded[j]) * (q[j] - decoded[j]);
            assertEquals(dd, perList.distance(0, 0), 1e-3 * Math.max(1, dd));
        }
    }
}
