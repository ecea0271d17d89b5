package dev.komsu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.index.FlatIndex;
import dev.komsu.index.IdMapIndex;
import dev.komsu.index.IvfIndex;
import dev.komsu.index.L2NormIndex;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IndexFactoryTest {
    @Test
    void buildsEachSupportedShape() {
        try (Index a = IndexFactory.create(8, "Flat", Metric.L2);
             Index b = IndexFactory.create(8, "IVF16,Flat", Metric.INNER_PRODUCT);
             Index c = IndexFactory.create(8, "IDMap,Flat", Metric.L2);
             Index d = IndexFactory.create(8, "L2norm,IVF4,Flat", Metric.INNER_PRODUCT);
             Index e = IndexFactory.create(8, " IDMap2 , Flat ", Metric.L2)) {
            assertInstanceOf(FlatIndex.class, a);
            assertInstanceOf(IvfIndex.class, b);
            assertEquals(16, ((IvfIndex) b).nlist());
            assertInstanceOf(IdMapIndex.class, c);
            assertInstanceOf(L2NormIndex.class, d);
            assertInstanceOf(IvfIndex.class, ((L2NormIndex) d).inner());
            assertTrue(((IdMapIndex) e).reverseMapped());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Flatt", "IVF,Flat", "IVF0,Flat", "IVF16", "IVF16,Flat,Flat", "IVF16,Foo",
        "IDMap", "HNSW32,Foo", "HNSWx", "IVF99999999999,Flat", "L2norm"})
    void rejectsMalformedStringsNamingTheGrammar(String s) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IndexFactory.create(8, s, Metric.L2));
        assertTrue(e.getMessage().contains("Accepted:"), e.getMessage());
    }

    @Test
    void idMapKeepsUserIdsAndCosineNormalises() {
        try (Index idmap = IndexFactory.create(3, "IDMap,Flat", Metric.L2);
             Index cosine = IndexFactory.create(3, "L2norm,Flat", Metric.INNER_PRODUCT);
             FloatMatrix xs = FloatMatrix.of(new float[][] {{1, 0, 0}, {0, 2, 0}, {0, 0, 30}})) {
            idmap.addWithIds(xs, new long[] {70, 80, 90});
            Neighbors r = idmap.search(new float[][] {{0, 1.9f, 0}}, 2, SearchParams.DEFAULTS);
            assertEquals(80, r.label(0, 0));
            assertThrows(UnsupportedOperationException.class, () -> idmap.add(xs));
            cosine.add(xs);
            Neighbors c = cosine.search(new float[][] {{0, 0, 0.5f}}, 3, SearchParams.DEFAULTS);
            assertEquals(2, c.label(0, 0));
            assertEquals(1f, c.distance(0, 0), 1e-6f);
            assertEquals(0f, c.distance(0, 1), 1e-6f);
        }
    }

    @Test
    void rvcNlistFollowsRvcsRule() {
        assertEquals(1282, IndexFactory.rvcNlist(50_000)); // min(3577, 1282)
        assertEquals(5128, IndexFactory.rvcNlist(200_000)); // min(7155, 5128)
        assertEquals(16000, IndexFactory.rvcNlist(1_000_000)); // min(16000, 25641)
        assertEquals(1, IndexFactory.rvcNlist(10));
    }

    @ParameterizedTest
    @ValueSource(strings = {"IVF4,PQ4", "PQ4x4fs", "IVF4,SQ8", "HNSW16", "IVF4,Flat,RFlat", "IVF4,PQ8x4fs"})
    void l1AndLinfAreRefusedOutsideFlatAndIvfFlatNamingTheMetricAndTheString(String factory) {
        for (Metric metric : new Metric[] {Metric.L1, Metric.LINF}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IndexFactory.create(16, factory, metric));
            assertTrue(e.getMessage().contains("metric " + metric) && e.getMessage().contains("\"" + factory + "\""), e.getMessage());
        }
    }

    @Test
    void indexConstructorsRefuseL1WhereTheyComputeL2OrInnerProduct() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new dev.komsu.index.HnswIndex(16, 8, Metric.L1, dev.komsu.kernels.Backends.scalar()));
        assertTrue(e.getMessage().contains("metric L1") && e.getMessage().contains("HNSW"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new IvfIndex(16, 4, Metric.LINF,
                new dev.komsu.index.Sq8Codec(16, true), dev.komsu.kernels.Backends.scalar()));
        assertTrue(e.getMessage().contains("metric LINF") && e.getMessage().contains("Sq8Codec"), e.getMessage());
    }

    @Test
    void l1AndLinfBuildFlatAndIvfFlatWithAQuantiserOfTheSameMetric() {
        for (Metric metric : new Metric[] {Metric.L1, Metric.LINF}) {
            try (Index flat = IndexFactory.create(16, "IDMap,Flat", metric); Index ivf = IndexFactory.create(16, "IVF4,Flat", metric)) {
                assertEquals(metric, flat.metric());
                assertEquals(metric, assertInstanceOf(IvfIndex.class, ivf).quantizer().metric());
            }
        }
    }
}
