package dev.komsu.tune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.Index;
import dev.komsu.IndexFactory;
import dev.komsu.SearchParams;
import dev.komsu.TestData;
import dev.komsu.index.FlatIndex;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The tuner on real indexes: recall as measured by searching, exact ground truth, the space per index type. */
class TunerTest {
    private static final int D = 16;
    private static final int K = 10;
    private static FloatMatrix base;
    private static FloatMatrix queries;
    private static long[] bruteForce;

    @BeforeAll
    static void data() {
        base = TestData.blobs(3000, D, 40, 7);
        queries = TestData.blobs(150, D, 40, 8);
        try (FlatIndex flat = new FlatIndex(D, Metric.L2, Backends.defaultCpu())) {
            flat.add(base);
            bruteForce = flat.search(queries, K).labels();
        }
    }

    @AfterAll
    static void free() {
        base.close();
        queries.close();
    }

    private static Index built(String factory) {
        Index index = IndexFactory.create(D, factory, Metric.L2);
        index.train(base);
        index.add(base);
        return index;
    }

    @Test
    void everySettingOfAnExhaustiveRunHasTheRecallItsSearchGives() {
        try (Index ivf = built("IVF32,Flat")) {
            GroundTruth gt = GroundTruth.exact(ivf, queries, K);
            assertArrayEquals(bruteForce, gt.labels(), "IVF-Flat searched with every list is exact");
            OperatingPoints points = Tuner.tune(ivf, queries, TuneOptions.defaults(K).withExhaustive(true).withRepeats(1));
            assertEquals(5, points.combinations(), "nprobe 1..16, below nlist=32 as faiss");
            assertEquals(5, points.all().size());
            for (OperatingPoint op : points.all()) {
                assertEquals(gt.recall(ivf.search(queries, K, op.params()), K), op.recall(), 0, op.params().toString());
                assertTrue(op.qps() > 0);
            }
            assertTrue(points.bestRecall() > points.all().getFirst().recall(), "more lists, more recall");
        }
    }

    @Test
    void aTargetRecallIsMetByTheChosenSetting() {
        try (Index ivf = built("IVF32,Flat,RFlat")) {
            ParameterSpace space = ParameterSpace.forIndex(ivf).with(ParameterSpace.Parameter.K_FACTOR, new double[] {1, 2, 4});
            assertEquals(15, space.combinations());
            TuneOptions o = TuneOptions.defaults(K).withSpace(space).withTargetRecall(0.9).withRepeats(1);
            OperatingPoints points = Tuner.tune(ivf, queries, o);
            OperatingPoint chosen = Tuner.choice(points, o).orElseThrow();
            assertTrue(chosen.recall() >= 0.9, chosen.toString());
            assertTrue(points.all().size() < 15, points.all().size() + " settings measured");
        }
    }

    @Test
    void groundTruthComesFromTheExactVectorsEachIndexKeeps() {
        for (String factory : List.of("Flat", "HNSW8", "IVF16,PQ4,RFlat", "IVF16,PQ4x4fs,RFlat")) {
            try (Index index = built(factory)) {
                assertArrayEquals(bruteForce, GroundTruth.exact(index, queries, K).labels(), factory);
            }
        }
        try (Index idmap = IndexFactory.create(D, "IDMap,Flat", Metric.L2)) {
            long[] ids = new long[(int) base.rows()];
            for (int i = 0; i < ids.length; i++) ids[i] = 1000 + i;
            idmap.addWithIds(base, ids);
            long[] expected = bruteForce.clone();
            for (int i = 0; i < expected.length; i++) expected[i] += 1000;
            assertArrayEquals(expected, GroundTruth.exact(idmap, queries, K).labels(), "IDMap translates the ids");
        }
    }

    @Test
    void anIndexOfCompressedCodesOnlyAsksForGroundTruth() {
        try (Index pq = built("IVF16,PQ4")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Tuner.tune(pq, queries, TuneOptions.defaults(K)));
            assertTrue(e.getMessage().contains("no exact vectors") && e.getMessage().contains("labels"), e.getMessage());
            // with ground truth given, it tunes
            OperatingPoints points = Tuner.tune(pq, queries, TuneOptions.defaults(K).withRepeats(1)
                    .withGroundTruth(new GroundTruth((int) queries.rows(), K, bruteForce)));
            assertTrue(points.bestRecall() > 0.3);
        }
    }

    @Test
    void theSpaceHasWhatTheIndexTunesAsFaissInitializesIt() {
        try (Index hnsw = built("HNSW8"); Index flat = built("Flat")) {
            ParameterSpace h = ParameterSpace.forIndex(hnsw);
            assertEquals(8, h.combinations(), "efSearch 4..512");
            assertEquals(SearchParams.builder().efSearch(4).build(), h.params(0));
            assertEquals(1, ParameterSpace.forIndex(flat).combinations());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ParameterSpace.forIndex(flat).with(ParameterSpace.Parameter.NPROBE, new double[] {1, 2}));
            assertTrue(e.getMessage().startsWith("nprobe values were given, but this index has no nprobe"), e.getMessage());
        }
    }

    @Test
    void recallIsTheShareOfTheTrueKNearestReturned() {
        GroundTruth gt = new GroundTruth(2, 3, new long[] {1, 2, 3, 4, 5, 6});
        Neighbors r = new Neighbors(2, 3, new float[6], new long[] {3, 9, 1, -1, 4, 6});
        assertEquals(4 / 6.0, gt.recall(r, 3), 1e-12);
        assertEquals(1 / 4.0, gt.recall(r, 2), 1e-12, "recall@2 counts the first two of each");
    }
}
