package dev.komsu.spark;

import dev.komsu.Index;
import dev.komsu.SearchParams;
import dev.komsu.ShardMerge;
import dev.komsu.io.LoadedIndex;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;
import org.apache.spark.util.TaskCompletionListener;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.CollectionAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * What a task does, in komsu's own small static methods (the hot path stays out of Spark's
 * lambdas): search a partition's query batches against one index (the whole index, or one
 * shard) through the JVM's {@link IndexCache}, merge the shards' results of a batch, and turn
 * results into output rows. Each task logs its timing and adds it to the job's accumulator.
 */
final class BatchSearch {
    private static final Logger LOG = LoggerFactory.getLogger(BatchSearch.class);

    private BatchSearch() {
    }

    /** The batches of one partition searched against {@code location} (shard number {@code shard}). */
    static Iterator<BatchResult> search(Iterator<QueryBatch> batches, IndexLocation location, int shard, SearchSpec spec,
                                        CollectionAccumulator<TaskTiming> timings) {
        if (!batches.hasNext()) return java.util.Collections.emptyIterator();
        long start = System.nanoTime();
        IndexCache.Lease lease;
        try {
            lease = IndexCache.jvm().acquire(location.resolve());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the index " + location.resolve() + ": " + e.getMessage(), e);
        }
        long loaded = System.nanoTime();
        // a task that fails mid-way (bad input, a killed stage) still gives its lease back
        TaskContext task = TaskContext.get();
        if (task != null) task.addTaskCompletionListener((TaskCompletionListener) ctx -> lease.close());
        LoadedIndex index = lease.loaded();
        SearchParams params = spec.params(index.storedParams());
        return new Iterator<>() {
            private long queries;
            private boolean done;

            @Override
            public boolean hasNext() {
                if (done) return false;
                if (batches.hasNext()) return true;
                finish();
                return false;
            }

            @Override
            public BatchResult next() {
                if (!hasNext()) throw new NoSuchElementException();
                QueryBatch b = batches.next();
                queries += b.rows();
                return searchBatch(index.index(), b, shard, spec.k(), params);
            }

            private void finish() {
                done = true;
                lease.close();
                TaskTiming t = new TaskTiming(executorId(), partitionId(), shard, queries, (System.nanoTime() - start) / 1e9,
                        (loaded - start) / 1e9);
                LOG.info("komsu: {}", t);
                timings.add(t);
            }
        };
    }

    static BatchResult searchBatch(Index index, QueryBatch b, int shard, int k, SearchParams params) {
        if (b.dim() != index.dim()) {
            throw new IllegalArgumentException("dimension mismatch: the queries have d=" + b.dim() + ", the index d=" + index.dim());
        }
        try (FloatMatrix q = FloatMatrix.of(b.vectors(), b.rows(), b.dim())) {
            Neighbors r = index.search(q, k, params);
            return new BatchResult(b.key(), shard, b.ids(), k, r.distances(), r.labels());
        }
    }

    /** A cartesian partition's (shard, batch) pairs: every pair holds the same shard, opened once. */
    static Iterator<BatchResult> searchPairs(Iterator<Tuple2<Integer, QueryBatch>> pairs, List<IndexLocation> shards,
                                             SearchSpec spec, CollectionAccumulator<TaskTiming> timings) {
        if (!pairs.hasNext()) return java.util.Collections.emptyIterator();
        Tuple2<Integer, QueryBatch> first = pairs.next();
        int shard = first._1();
        Iterator<QueryBatch> batches = new Iterator<>() {
            private QueryBatch pending = first._2();

            @Override
            public boolean hasNext() {
                return pending != null || pairs.hasNext();
            }

            @Override
            public QueryBatch next() {
                if (pending != null) {
                    QueryBatch b = pending;
                    pending = null;
                    return b;
                }
                return pairs.next()._2();
            }
        };
        return search(batches, shards.get(shard), shard, spec, timings);
    }

    /** One batch's results from every shard merged as faiss IndexShards (successive ids) merges them. */
    static BatchResult merge(Iterable<BatchResult> parts, long[] idOffsets, Metric metric) {
        BatchResult[] byShard = new BatchResult[idOffsets.length];
        for (BatchResult r : parts) byShard[r.shard()] = r;
        List<Neighbors> results = new ArrayList<>(byShard.length);
        for (int s = 0; s < byShard.length; s++) {
            if (byShard[s] == null) throw new IllegalStateException("shard " + s + " returned nothing for a batch");
            // the batches were persisted, so every shard saw the same queries: checked, since a
            // recomputed partition of a non-deterministic source would merge unrelated queries
            if (!Arrays.equals(byShard[s].ids(), byShard[0].ids())) {
                throw new IllegalStateException("shard " + s + " searched other queries than shard 0 for one batch"
                        + " (a query partition was recomputed in another order)");
            }
            results.add(byShard[s].neighbors());
        }
        Neighbors m = ShardMerge.merge(results, idOffsets, metric);
        BatchResult any = byShard[0];
        return new BatchResult(any.key(), -1, any.ids(), any.k(), m.distances(), m.labels());
    }

    /** The merged results of a partition of grouped batches (batch key, every shard's result). */
    static Iterator<BatchResult> mergeAll(Iterator<Tuple2<Long, Iterable<BatchResult>>> groups, long[] idOffsets, Metric metric) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return groups.hasNext();
            }

            @Override
            public BatchResult next() {
                return merge(groups.next()._2(), idOffsets, metric);
            }
        };
    }

    /** Output rows (id, labels, distances) of a partition's results. */
    static Iterator<Row> rows(Iterator<BatchResult> results) {
        return new Iterator<>() {
            private BatchResult current;
            private int row;

            @Override
            public boolean hasNext() {
                while (current == null || row == current.ids().length) {
                    if (!results.hasNext()) return false;
                    current = results.next();
                    row = 0;
                }
                return true;
            }

            @Override
            public Row next() {
                if (!hasNext()) throw new NoSuchElementException();
                int k = current.k();
                int from = row * k;
                Row r = RowFactory.create(current.ids()[row], Arrays.copyOfRange(current.labels(), from, from + k),
                        Arrays.copyOfRange(current.distances(), from, from + k));
                row++;
                return r;
            }
        };
    }

    private static String executorId() {
        SparkEnv env = SparkEnv.get();
        return env == null ? "?" : env.executorId();
    }

    private static int partitionId() {
        TaskContext t = TaskContext.get();
        return t == null ? -1 : t.partitionId();
    }
}
