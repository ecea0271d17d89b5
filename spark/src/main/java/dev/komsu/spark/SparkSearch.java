package dev.komsu.spark;

import dev.komsu.io.IndexFileHeader;
import dev.komsu.io.ShardFolder;
import dev.komsu.kernels.Metric;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.CollectionAccumulator;
import scala.Tuple2;

/**
 * Batch k-NN search of a query set on Spark, against a komsu/faiss index file (replicated: every
 * executor opens the whole index once and searches its partitions) or a folder of shards written
 * by {@code komsu shard} (sharded: every query partition is searched against every shard, and
 * the shards' k best per query are merged as faiss's {@code IndexShards} with successive ids).
 *
 * <pre>{@code
 * try (SparkSearch search = SparkSearch.open(spark, Path.of("x.index"), 0)) {
 *     Dataset<Row> neighbours = search.search(QuerySet.npy(Path.of("q.npy")), SearchSpec.of(10).withNprobe(8));
 *     SparkSearch.writeParquet(neighbours, "out.parquet");
 * }
 * }</pre>
 *
 * The result has the columns {@code id} (bigint), {@code labels} (array&lt;bigint&gt;, -1 where
 * fewer than k were found) and {@code distances} (array&lt;float&gt;: squared L2 or inner product,
 * as faiss). Refined shards ({@code …,RFlat}) each re-rank their own k·kFactor candidates
 * exactly, and the merge keeps the best k exact distances: the same as gathering all shards'
 * candidates and refining once, over a superset of the unsharded index's candidates.
 *
 * <p>Indexes travel once per executor: in local mode the executors read the driver's path; on a
 * cluster the driver ships the file (or shard folder) with {@code SparkContext.addFile} unless
 * told that the path is on a file system every executor mounts ({@code shipIndex = false}).
 * Close the object when the result has been written: it unpersists the sharded job's batches.
 */
public final class SparkSearch implements AutoCloseable {
    /** The result's schema: id, labels, distances. */
    public static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.LongType, false)
            .add("labels", DataTypes.createArrayType(DataTypes.LongType, false), false)
            .add("distances", DataTypes.createArrayType(DataTypes.FloatType, false), false);

    private final SparkSession spark;
    private final List<IndexLocation> shards;
    private final long[] idOffsets;
    private final int dim;
    private final Metric metric;
    private final int partitions;
    private final CollectionAccumulator<TaskTiming> timings;
    private final List<JavaRDD<?>> persisted = new ArrayList<>();

    private SparkSearch(SparkSession spark, List<IndexLocation> shards, long[] idOffsets, IndexFileHeader header, int partitions) {
        this.spark = spark;
        this.shards = shards;
        this.idOffsets = idOffsets;
        this.dim = header.d();
        this.metric = header.metric();
        this.partitions = partitions;
        this.timings = spark.sparkContext().collectionAccumulator("komsu task timings");
    }

    /** {@link #open(SparkSession, Path, int, boolean)}, shipping the index unless Spark runs in local mode. */
    public static SparkSearch open(SparkSession spark, Path index, int partitions) throws IOException {
        return open(spark, index, partitions, !spark.sparkContext().isLocal());
    }

    /**
     * Checks {@code index} (an index file or a shard folder) on the driver and ships it to the
     * executors if {@code shipIndex}. {@code partitions}: query partitions (0: Spark's default
     * parallelism for .npy queries, a DataFrame's own partitioning). Bad input throws
     * IllegalArgumentException naming it, before any job runs.
     */
    public static SparkSearch open(SparkSession spark, Path index, int partitions, boolean shipIndex) throws IOException {
        if (partitions < 0) throw new IllegalArgumentException("partitions must be >= 0 (0: Spark's default), got " + partitions);
        if (!Files.exists(index)) throw new IllegalArgumentException("index " + index + ": no such file or shard folder");
        if (ShardFolder.isShardFolder(index)) {
            ShardFolder folder = ShardFolder.open(index);
            IndexFileHeader first = IndexFileHeader.read(folder.files().getFirst());
            List<IndexLocation> locations = new ArrayList<>();
            for (Path f : folder.files()) {
                IndexFileHeader h = IndexFileHeader.read(f);
                if (h.d() != first.d() || h.metric() != first.metric()) {
                    throw new IllegalArgumentException("shard " + f + " has d=" + h.d() + " " + h.metric() + ", shard 0 d="
                            + first.d() + " " + first.metric());
                }
                locations.add(shipIndex ? IndexLocation.shipped(index.getFileName().toString(), f.getFileName().toString())
                        : IndexLocation.shared(f));
            }
            if (shipIndex) spark.sparkContext().addFile(index.toAbsolutePath().toString(), true);
            return new SparkSearch(spark, locations, folder.idOffsets(), first, partitions);
        }
        if (Files.isDirectory(index)) throw new IllegalArgumentException("index " + index + ": a folder without shard-<s>-of-<S>.index files");
        IndexFileHeader header = IndexFileHeader.read(index);
        IndexLocation location = shipIndex ? IndexLocation.shipped(index.getFileName().toString(), "") : IndexLocation.shared(index);
        if (shipIndex) spark.sparkContext().addFile(index.toAbsolutePath().toString());
        return new SparkSearch(spark, List.of(location), new long[] {0}, header, partitions);
    }

    /** Number of shards (1: a replicated index). */
    public int shardCount() {
        return shards.size();
    }

    /** The index's dimension. */
    public int dim() {
        return dim;
    }

    /**
     * The k nearest neighbours of every query, as a lazy DataFrame ({@link #SCHEMA}). An empty
     * query set or one of another dimension (known on the driver for .npy queries) throws
     * IllegalArgumentException here; a DataFrame row of the wrong length fails the job with a
     * message naming its id ({@link #badInput} finds it in Spark's exception).
     */
    public Dataset<Row> search(QuerySet queries, SearchSpec spec) {
        if (queries.isEmpty()) throw new IllegalArgumentException("the query set is empty: nothing to search");
        if (queries.knownDim() >= 0 && queries.knownDim() != dim) {
            throw new IllegalArgumentException("dimension mismatch: the queries have d=" + queries.knownDim() + ", the index d=" + dim);
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<QueryBatch> batches = queries.batches(jsc, dim, spec.batch(), partitions);
        CollectionAccumulator<TaskTiming> t = timings;
        JavaRDD<Row> rows;
        if (shards.size() == 1) {
            IndexLocation location = shards.getFirst();
            rows = batches.mapPartitions(it -> BatchSearch.rows(BatchSearch.search(it, location, 0, spec, t)));
        } else {
            // every (shard, partition) pair sees the same batches: computed once, kept
            batches = batches.persist(StorageLevel.MEMORY_AND_DISK());
            persisted.add(batches);
            int parts = batches.getNumPartitions();
            List<IndexLocation> locations = shards;
            long[] offsets = idOffsets;
            Metric m = metric;
            // shard-major partitions (shard s, partition p at s * P + p): an executor's tasks tend
            // to stay on one shard, which the cache keeps open
            JavaPairRDD<Integer, QueryBatch> pairs = jsc.parallelize(IntStream.range(0, shards.size()).boxed().toList(), shards.size())
                    .cartesian(batches);
            rows = pairs.mapPartitions(it -> BatchSearch.searchPairs(it, locations, spec, t))
                    .mapToPair(r -> new Tuple2<>(r.key(), r))
                    .groupByKey(parts)
                    .mapPartitions(it -> BatchSearch.rows(BatchSearch.mergeAll(it, offsets, m)));
        }
        return spark.createDataFrame(rows, SCHEMA);
    }

    /** One entry per task (executor, partition, shard, queries, seconds) of the jobs run so far. */
    public List<TaskTiming> timings() {
        return List.copyOf(timings.value());
    }

    @Override
    public void close() {
        for (JavaRDD<?> r : persisted) r.unpersist(false);
        persisted.clear();
    }

    /**
     * The bad-input message inside a failed job's exception (a task's IllegalArgumentException,
     * e.g. a query of the wrong length), or null when the failure was something else.
     */
    public static String badInput(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException) return t.getMessage();
        }
        return null;
    }
}
