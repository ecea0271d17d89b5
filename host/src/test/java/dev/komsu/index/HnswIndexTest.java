package dev.komsu.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.IndexFactory;
import dev.komsu.SearchParams;
import dev.komsu.TestData;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HnswIndexTest {
    private static final ComputeBackend SCALAR = Backends.scalar();

    @Test
    void recallAgainstExactSearchRisesWithEfSearch() {
        try (FloatMatrix xs = TestVectors.clustered(4000, 24, 1);
             FloatMatrix qs = TestVectors.clustered(100, 24, 2);
             HnswIndex index = new HnswIndex(24, 16, Metric.L2, Backends.defaultCpu())) {
            index.add(xs);
            Neighbors exact = SCALAR.knn(qs, xs, 10, Metric.L2);
            double r16 = TestVectors.recall(exact, index.search(qs, 10));
            double r128 = TestVectors.recall(exact, index.search(qs, 10, SearchParams.builder().efSearch(128).build()));
            assertTrue(r16 > 0.8, "recall@10 at efSearch 16: " + r16);
            assertTrue(r128 > 0.98 && r128 >= r16, "recall@10 at efSearch 128: " + r128 + " (16: " + r16 + ")");
        }
    }

    @Test
    void innerProductReturnsProductsNearestFirst() {
        try (FloatMatrix xs = TestData.uniform(1500, 16, 3);
             FloatMatrix qs = TestData.uniform(30, 16, 4);
             HnswIndex index = new HnswIndex(16, 8, Metric.INNER_PRODUCT, Backends.defaultCpu())) {
            index.add(xs);
            Neighbors exact = SCALAR.knn(qs, xs, 5, Metric.INNER_PRODUCT);
            Neighbors r = index.search(qs, 5, SearchParams.builder().efSearch(200).build());
            assertTrue(TestVectors.recall(exact, r) > 0.95, "recall " + TestVectors.recall(exact, r));
            for (int q = 0; q < 30; q++) {
                for (int j = 1; j < 5; j++) assertTrue(r.distance(q, j - 1) >= r.distance(q, j), "products descend");
                long id = r.label(q, 0);
                float dot = 0;
                for (int c = 0; c < 16; c++) dot += qs.get(q, c) * xs.get(id, c);
                assertEquals(dot, r.distance(q, 0), 1e-4f);
            }
        }
    }

    @Test
    void searchAfterSeveralAddsFindsEveryRowItself() {
        try (FloatMatrix a = TestData.uniform(300, 8, 5);
             FloatMatrix b = TestData.uniform(700, 8, 6);
             HnswIndex index = new HnswIndex(8, 12, Metric.L2, Backends.defaultCpu())) {
            index.add(a);
            index.add(b);
            assertEquals(1000, index.ntotal());
            Neighbors self = index.search(b, 1, SearchParams.builder().efSearch(64).build());
            int found = 0;
            for (int i = 0; i < 700; i++) if (self.label(i, 0) == 300 + i) found++;
            assertTrue(found >= 695, "rows found as their own nearest: " + found);
            assertArrayEquals(b.row(5), index.reconstruct(305));
        }
    }

    @Test
    void emptyAndSmallIndexesFillMissingSlotsAsFaiss() {
        try (HnswIndex index = new HnswIndex(4, 16, Metric.L2, Backends.defaultCpu());
             FloatMatrix q = TestData.uniform(2, 4, 7);
             FloatMatrix three = TestData.uniform(3, 4, 8)) {
            Neighbors none = index.search(q, 3);
            assertArrayEquals(new long[]{-1, -1, -1, -1, -1, -1}, none.labels());
            assertEquals(Float.MAX_VALUE, none.distance(0, 0));
            index.add(three);
            Neighbors r = index.search(q, 5);
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 3; j++) assertTrue(r.label(i, j) >= 0);
                assertEquals(-1, r.label(i, 3));
                assertEquals(Float.MAX_VALUE, r.distance(i, 4));
            }
        }
    }

    @Test
    void concurrentSearchesEqualASequentialOne() throws Exception {
        try (FloatMatrix xs = TestVectors.clustered(3000, 16, 9);
             FloatMatrix qs = TestVectors.clustered(64, 16, 10);
             HnswIndex index = new HnswIndex(16, 16, Metric.L2, Backends.cpu(2))) {
            index.add(xs);
            Neighbors expected = index.search(qs, 10);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Neighbors>> runs = new ArrayList<>();
                for (int i = 0; i < 8; i++) runs.add(pool.submit(() -> index.search(qs, 10)));
                for (Future<Neighbors> f : runs) assertArrayEquals(expected.labels(), f.get().labels());
            } finally {
                pool.shutdown();
            }
        }
    }

    @Test
    void parallelBuildReachesTheRecallOfASequentialOne() {
        try (FloatMatrix xs = TestVectors.clustered(5000, 16, 11);
             FloatMatrix qs = TestVectors.clustered(100, 16, 12);
             ComputeBackend one = Backends.cpu(1);
             ComputeBackend four = Backends.cpu(4);
             HnswIndex seq = new HnswIndex(16, 16, Metric.L2, one);
             HnswIndex par = new HnswIndex(16, 16, Metric.L2, four)) {
            seq.add(xs);
            par.add(xs);
            assertArrayEquals(seq.graph().levels(), par.graph().levels(), "levels do not depend on threads");
            Neighbors exact = SCALAR.knn(qs, xs, 10, Metric.L2);
            double rs = TestVectors.recall(exact, seq.search(qs, 10));
            double rp = TestVectors.recall(exact, par.search(qs, 10));
            assertTrue(rp > rs - 0.03, "parallel build recall " + rp + ", sequential " + rs);
            for (int node = 0; node < 5000; node++) {
                int b = par.graph().begin(node, 0);
                int e = par.graph().end(node, 0);
                assertTrue(e - b == 32, "level 0 has 2*M slots");
            }
        }
    }

    @Test
    void sq8FactoryStringBuildsFaissIndexHnswSqThatTrainsBeforeAdding() {
        try (var sq = IndexFactory.create(8, "HNSW16,SQ8", Metric.L2);
             var refined = IndexFactory.create(8, "HNSW,SQ8,RFlat", Metric.INNER_PRODUCT);
             FloatMatrix xs = TestData.uniform(200, 8, 3)) {
            HnswIndex h = (HnswIndex) sq;
            assertTrue(h.storesSq8());
            assertEquals(16, h.graph().m());
            assertTrue(!sq.isTrained(), "SQ8 ranges need training, as faiss's IndexHNSWSQ");
            assertThrows(IllegalStateException.class, () -> sq.add(xs));
            assertThrows(IllegalStateException.class, h::flatStorage);
            sq.train(xs);
            sq.add(xs);
            assertTrue(sq.describe().startsWith("HNSW16,SQ8 d=8"), sq.describe());
            assertTrue(sq.describe().contains("memory=" + (200 * 8 + h.graph().slotCount() * 4)), sq.describe());
            Neighbors r = sq.search(xs.rowRange(0, 5), 1, SearchParams.builder().efSearch(64).build());
            for (int i = 0; i < 5; i++) assertEquals(i, r.label(i, 0), "a stored vector finds itself");
            assertTrue(refined.describe().contains("HNSW32,SQ8"), refined.describe());
        }
        assertThrows(IllegalArgumentException.class, () -> IndexFactory.create(8, "HNSW16_Flat,SQ8", Metric.L2));
        IllegalArgumentException l1 = assertThrows(IllegalArgumentException.class, () -> IndexFactory.create(8, "HNSW16,SQ8", Metric.L1));
        assertTrue(l1.getMessage().contains("metric L1"), l1.getMessage());
    }

    @Test
    void factoryStringsAndRefusals() {
        try (var a = IndexFactory.create(8, "HNSW32", Metric.L2);
             var b = IndexFactory.create(8, "HNSW16,Flat", Metric.INNER_PRODUCT);
             var c = IndexFactory.create(8, "IDMap,HNSW8", Metric.L2);
             var d = IndexFactory.create(8, "HNSW", Metric.L2);
             var e = IndexFactory.create(8, "HNSW24_Flat", Metric.L2)) {
            assertEquals(32, ((HnswIndex) d).graph().m(), "faiss's default M");
            assertEquals(24, ((HnswIndex) e).graph().m());
            assertEquals(32, ((HnswIndex) a).graph().m());
            assertEquals(16, ((HnswIndex) b).graph().m());
            assertEquals(40, ((HnswIndex) a).graph().efConstruction());
            assertEquals(16, ((HnswIndex) a).graph().efSearch());
            assertTrue(c.describe().contains("HNSW8"), c.describe());
        }
        assertThrows(IllegalArgumentException.class, () -> IndexFactory.create(8, "HNSW1", Metric.L2));
        assertThrows(IllegalArgumentException.class, () -> IndexFactory.create(8, "HNSW0", Metric.L2));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> IndexFactory.create(8, "HNSW32,PQ4", Metric.L2));
        assertTrue(bad.getMessage().contains("'PQ4'"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> IndexFactory.create(8, "HNSW32_Flat,Flat", Metric.L2));
        try (HnswIndex h = new HnswIndex(8, 8, Metric.L2, Backends.defaultCpu());
             FloatMatrix xs = TestData.uniform(4, 8, 1)) {
            assertThrows(UnsupportedOperationException.class, () -> h.addWithIds(xs, new long[]{1, 2, 3, 4}));
            assertThrows(IllegalArgumentException.class, () -> SearchParams.builder().efSearch(-1));
        }
    }
}
