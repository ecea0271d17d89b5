package dev.komsu.spark;

import dev.komsu.io.IndexFormatException;
import dev.komsu.io.NpyFormatException;
import java.io.PrintWriter;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code scripts/spark-search}: the k nearest neighbours of every query, on Spark, against an
 * index file (replicated) or a {@code komsu shard} folder (sharded); the result as a Parquet
 * folder and, on request, the {@code .npy} pair {@code komsu search} writes. Same exit codes as
 * {@code komsu}: 0 done, 2 bad input (one line on stderr, nothing written), 1 internal failure.
 * Under {@code spark-submit} the master comes from Spark's configuration; run directly, it is
 * {@code --master} (default {@code local[*]}).
 */
@Command(name = "spark-search", mixinStandardHelpOptions = true, version = "komsu 0.2.0",
        description = "Batch k-NN search on Apache Spark against a komsu/faiss index or a komsu shard folder.")
public final class SparkSearchCommand implements Callable<Integer> {
    @Option(names = "--index", required = true, paramLabel = "F.index|DIR", description = "index file, or a folder written by komsu shard")
    Path index;

    @Option(names = "--queries", required = true, paramLabel = "Q.npy|DIR|T.parquet",
            description = "a float32 .npy matrix, a folder of .npy files (ids: row numbers), or a Parquet table (also a URL: hdfs://, s3a://)")
    String queries;

    @Option(names = "--k", required = true, paramLabel = "K", description = "neighbours per query")
    int k;

    @Option(names = "--nprobe", paramLabel = "P", description = "IVF lists visited per query (default: the index file's)")
    Integer nprobe;

    @Option(names = "--k-factor", paramLabel = "R", description = "refine: candidates = k * R (default: the index file's)")
    Float kFactor;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: spark-submit's, else local[*])")
    String master;

    @Option(names = "--partitions", defaultValue = "0", paramLabel = "N", description = "query partitions (default: Spark's parallelism)")
    int partitions;

    @Option(names = "--batch", defaultValue = "4096", paramLabel = "B", description = "queries per batched search (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--id-column", defaultValue = "id", paramLabel = "NAME", description = "Parquet queries: id column (default: ${DEFAULT-VALUE})")
    String idColumn;

    @Option(names = "--vector-column", defaultValue = "vector", paramLabel = "NAME",
            description = "Parquet queries: array<float> column (default: ${DEFAULT-VALUE})")
    String vectorColumn;

    @Option(names = "--shared-path", description = "the index path is on a file system every executor mounts: do not ship it")
    boolean sharedPath;

    @Option(names = "--output", required = true, paramLabel = "OUT", description = "Parquet folder to create: id, labels, distances")
    String output;

    @Option(names = "--out-distances", paramLabel = "D.npy", description = "also the distances, nq x k float32, in id order")
    Path outDistances;

    @Option(names = "--out-labels", paramLabel = "I.npy", description = "also the labels, nq x k int64, in id order")
    Path outLabels;

    private final PrintWriter out;
    private final PrintWriter err;

    public SparkSearchCommand() {
        this(new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    }

    /** A command that prints to {@code out} and {@code err} (tests). */
    SparkSearchCommand(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        try {
            run();
            return 0;
        } catch (IllegalArgumentException | FileSystemException | IndexFormatException | NpyFormatException e) {
            err.println("spark-search: " + message(e));
            return 2;
        } catch (Exception e) {
            String bad = SparkSearch.badInput(e);
            if (bad != null) {
                err.println("spark-search: " + bad);
                return 2;
            }
            err.println("spark-search: internal failure: " + e);
            e.printStackTrace(err);
            return 1;
        }
    }

    private static String message(Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException n) return "no such file or folder: " + n.getFile();
        return e.getMessage();
    }

    private void run() throws Exception {
        SearchSpec spec = new SearchSpec(k, nprobe, kFactor, batch);
        if ((outDistances == null) != (outLabels == null)) {
            throw new IllegalArgumentException("--out-distances and --out-labels go together");
        }
        // a URL (hdfs://, s3a://) is Parquet that Spark reads; anything else is a local path
        boolean remoteQueries = queries.contains("://");
        if (!remoteQueries && !Files.exists(Path.of(queries))) {
            throw new IllegalArgumentException("--queries " + queries + ": no such file or folder");
        }
        if (!Files.exists(index)) throw new IllegalArgumentException("--index " + index + ": no such file or shard folder");
        for (Path p : outDistances == null ? List.<Path>of() : List.of(outDistances, outLabels)) {
            Path parent = p.toAbsolutePath().getParent();
            if (parent == null || !Files.isDirectory(parent)) throw new IllegalArgumentException(p + ": the folder " + parent + " does not exist");
            if (Files.isDirectory(p)) throw new IllegalArgumentException(p + ": is a folder, expected a file path");
        }
        long start = System.nanoTime();
        SparkSession.Builder builder = SparkSession.builder().appName("komsu spark-search");
        if (master != null) builder.master(master);
        else if (System.getProperty("spark.master") == null) builder.master("local[*]");
        // a session that runs already (an application calling main, the tests) is not ours to stop
        boolean ours = SparkSession.getDefaultSession().isEmpty();
        SparkSession spark = builder.getOrCreate();
        try (SparkSearch search = SparkSearch.open(spark, index, partitions, !sharedPath && !spark.sparkContext().isLocal())) {
            long opened = System.nanoTime();
            QuerySet qs = remoteQueries || isParquet(Path.of(queries))
                    ? QuerySet.parquet(spark, queries, idColumn, vectorColumn)
                    : QuerySet.npy(Path.of(queries));
            ResultFiles.writeParquet(search.search(qs, spec), output);
            long searched = System.nanoTime();
            printExecutorSummary(search.timings());
            if (outDistances != null) ResultFiles.writeNpyPair(spark, output, k, outDistances, outLabels);
            long nq = spark.read().parquet(output).count();
            double jobSeconds = (searched - opened) / 1e9;
            out.printf(Locale.ROOT, "searched %d queries, k=%d, %d shard(s), master %s, %d executor core(s): job %.3f s (%.0f QPS),"
                            + " Spark start %.3f s, total %.3f s -> %s%n", nq, k, search.shardCount(), spark.sparkContext().master(),
                    spark.sparkContext().defaultParallelism(), jobSeconds, nq / Math.max(jobSeconds, 1e-9), (opened - start) / 1e9,
                    (System.nanoTime() - start) / 1e9, output);
        } finally {
            if (ours) spark.stop();
        }
    }

    /** Per executor: tasks, queries and the seconds its tasks spent searching (the tasks' own lines are in the log). */
    private void printExecutorSummary(List<TaskTiming> timings) {
        java.util.Map<String, double[]> byExecutor = new java.util.TreeMap<>();
        for (TaskTiming t : timings) {
            double[] sum = byExecutor.computeIfAbsent(t.executor(), e -> new double[3]);
            sum[0]++;
            sum[1] += t.queries();
            sum[2] += t.seconds();
        }
        byExecutor.forEach((e, sum) -> err.printf(Locale.ROOT, "komsu: executor %s: %d tasks, %d queries, %.3f s in tasks (%.0f QPS per task slot)%n",
                e, (long) sum[0], (long) sum[1], sum[2], sum[1] / Math.max(sum[2], 1e-9)));
    }

    /** A Parquet table: a .parquet file or a folder that is not a folder of .npy files. */
    private static boolean isParquet(Path p) throws java.io.IOException {
        if (p.getFileName().toString().endsWith(".parquet")) return true;
        if (!Files.isDirectory(p)) return false;
        try (var s = Files.list(p)) {
            return s.noneMatch(f -> f.getFileName().toString().endsWith(".npy"));
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new SparkSearchCommand()).execute(args));
    }
}
