package dev.komsu.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.Index;
import dev.komsu.IndexFactory;
import dev.komsu.SearchParams;
import dev.komsu.ShardMerge;
import dev.komsu.TestData;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class IvfShardsTest {
    /** faiss IndexShards semantics: every shard probes the same lists, so the merge is the unsharded result. */
    @ParameterizedTest(name = "{0} {1} shards={2} nprobe={3}")
    @CsvSource({"'IVF16,Flat', L2, 3, 4", "'IVF16,Flat', INNER_PRODUCT, 2, 3", "'IVF8,SQ8', L2, 4, 2", "'IVF8,PQ4', L2, 5, 8"})
    void mergedShardsSearchLikeTheUnshardedIndex(String factory, Metric metric, int shards, int nprobe) {
        int d = 16;
        SearchParams params = SearchParams.builder().nprobe(nprobe).build();
        try (Index index = IndexFactory.create(d, factory, metric);
             FloatMatrix xs = TestData.blobs(1203, d, 12, 7);
             FloatMatrix q = TestData.blobs(50, d, 12, 8)) {
            index.train(xs);
            index.add(xs);
            Neighbors whole = index.search(q, 10, params);
            List<Index> parts = IvfShards.split(index, shards);
            try {
                long[] offsets = new long[shards];
                List<Neighbors> results = new ArrayList<>();
                long total = 0;
                for (int s = 0; s < shards; s++) {
                    offsets[s] = IvfShards.start(index.ntotal(), shards, s);
                    assertEquals(offsets[s], total, "shard " + s + " starts where the previous one ends");
                    total += parts.get(s).ntotal();
                    results.add(parts.get(s).search(q, 10, params));
                }
                assertEquals(index.ntotal(), total);
                Neighbors merged = ShardMerge.merge(results, offsets, metric);
                assertArrayEquals(whole.labels(), merged.labels());
                assertArrayEquals(whole.distances(), merged.distances(), 1e-4f);
            } finally {
                parts.forEach(Index::close);
            }
        }
    }

    @Test
    void refinedShardsFindAtLeastWhatTheUnshardedIndexFinds() {
        int d = 16;
        SearchParams params = SearchParams.builder().nprobe(4).kFactor(2).build();
        try (Index index = IndexFactory.create(d, "IVF16,PQ8x4fs,RFlat", Metric.L2);
             Index flat = IndexFactory.create(d, "Flat", Metric.L2);
             FloatMatrix xs = TestData.blobs(2000, d, 12, 3);
             FloatMatrix q = TestData.blobs(60, d, 12, 4)) {
            index.train(xs);
            index.add(xs);
            flat.add(xs);
            Neighbors exact = flat.search(q, 10);
            Neighbors whole = index.search(q, 10, params);
            List<Index> parts = IvfShards.split(index, 3);
            try {
                List<Neighbors> results = new ArrayList<>();
                long[] offsets = new long[3];
                for (int s = 0; s < 3; s++) {
                    offsets[s] = IvfShards.start(index.ntotal(), 3, s);
                    results.add(parts.get(s).search(q, 10, params));
                }
                Neighbors merged = ShardMerge.merge(results, offsets, Metric.L2);
                // each shard refines a superset of its part of the unsharded candidates: recall cannot drop
                assertTrue(TestVectors.recall(exact, merged) >= TestVectors.recall(exact, whole) - 1e-9,
                        () -> "sharded " + TestVectors.recall(exact, merged) + " < unsharded " + TestVectors.recall(exact, whole));
            } finally {
                parts.forEach(Index::close);
            }
        }
    }

    @Test
    void refusesWhatItCannotSplitByIdRange() {
        try (Index flat = IndexFactory.create(8, "Flat", Metric.L2);
             Index ivf = IndexFactory.create(8, "IVF2,Flat", Metric.L2);
             FloatMatrix xs = TestData.uniform(40, 8, 1)) {
            flat.add(xs);
            assertTrue(assertThrows(IllegalArgumentException.class, () -> IvfShards.split(flat, 2)).getMessage()
                    .contains("only IVF indexes"));
            ivf.train(xs);
            long[] ids = new long[40];
            for (int i = 0; i < 40; i++) ids[i] = 1000 + i;
            ivf.addWithIds(xs, ids);
            assertTrue(assertThrows(IllegalArgumentException.class, () -> IvfShards.split(ivf, 2)).getMessage()
                    .contains("id 10"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> IvfShards.split(ivf, 41)).getMessage()
                    .contains("41 shards"));
        }
    }
}
