package dev.komsu.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.Index;
import dev.komsu.SearchParams;
import dev.komsu.index.IvfShards;
import dev.komsu.io.FaissIndexes;
import dev.komsu.io.LoadedIndex;
import dev.komsu.io.ShardFolder;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.Neighbors;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Sharded jobs: every query partition against every shard, merged as faiss IndexShards. */
class SparkSearchShardedTest {
    /**
     * The shards of {@code index} in the module's folder, which lives as long as the session: a
     * shipped folder is checked again by later tasks of the session and must not disappear.
     */
    private Path shard(Path index, int shards, String name) throws Exception {
        Path out = TestSpark.dir().resolve(name);
        if (java.nio.file.Files.exists(out)) return out;
        try (LoadedIndex loaded = FaissIndexes.load(index, Backends.scalar())) {
            ShardFolder.write(loaded.index(), shards, loaded.storedParams(), out);
        }
        return out;
    }

    /** The shard folder shipped with SparkContext.addFile (as on a cluster), each task opening its shard's copy. */
    @Test
    void ivfFlatShardsReturnTheUnshardedResult() throws Exception {
        Path index = TestSpark.index("sh-flat.index", "IVF32,Flat");
        Path shards = shard(index, 3, "sh-flat-3");
        try (SparkSearch search = SparkSearch.open(TestSpark.session(), shards, 2, true)) {
            assertEquals(3, search.shardCount());
            List<Row> rows = search.search(QuerySet.npy(TestSpark.queries()), SearchSpec.of(10).withNprobe(4).withBatch(70))
                    .collectAsList();
            Neighbors expected = TestSpark.komsuSearch(index, SearchParams.builder().nprobe(4).build(), 10);
            SparkSearchReplicatedTest.assertSameNeighbours(expected, TestSpark.byId(rows, 10));
            assertEquals(6, search.timings().size(), () -> "3 shards x 2 partitions: " + search.timings());
        }
    }

    /** Each shard refines its own k*kFactor candidates; the merge keeps the best exact distances. */
    @Test
    void refinedShardsKeepTheUnshardedRecall() throws Exception {
        Path index = TestSpark.index("sh-rflat.index", "IVF32,PQ8x4fs,RFlat");
        Path shards = shard(index, 4, "sh-rflat-4");
        Neighbors exact = TestSpark.exact(10);
        Neighbors unsharded = TestSpark.komsuSearch(index, SearchParams.builder().nprobe(3).kFactor(2).build(), 10);
        try (SparkSearch search = SparkSearch.open(TestSpark.session(), shards, 2)) {
            List<Row> rows = search.search(QuerySet.npy(TestSpark.queries()), SearchSpec.of(10).withNprobe(3).withKFactor(2))
                    .collectAsList();
            double sharded = recall(exact, TestSpark.byId(rows, 10));
            double whole = recall(exact, unsharded);
            assertTrue(sharded >= whole - 0.01, () -> "recall@10 sharded " + sharded + " vs unsharded " + whole);
            assertTrue(whole < 1.0, "the test needs an index that misses some neighbours, else it checks nothing");
        }
    }

    private static double recall(Neighbors exact, Neighbors found) {
        int hits = 0;
        for (int q = 0; q < exact.nq(); q++) {
            for (int i = 0; i < 10; i++) {
                for (int j = 0; j < 10; j++) {
                    if (exact.label(q, i) == found.label(q, j)) {
                        hits++;
                        break;
                    }
                }
            }
        }
        return hits / (10.0 * exact.nq());
    }
}
