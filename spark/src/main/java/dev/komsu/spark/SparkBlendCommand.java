package dev.komsu.spark;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code scripts/spark-blend}: {@code komsu blend} over a folder of feature files as a Spark job
 * ({@link SparkBlend}). Exit codes as {@code komsu}: 0, 2 bad input (nothing written), 1.
 */
@Command(name = "spark-blend", mixinStandardHelpOptions = true, version = "komsu 0.2.0",
        description = "RVC feature retrieval (komsu blend) over every .npy of a folder, on Apache Spark.")
public final class SparkBlendCommand implements Callable<Integer> {
    @Option(names = "--index", required = true, paramLabel = "F.index", description = "faiss-format index file")
    Path index;

    @Option(names = "--features", required = true, paramLabel = "DIR", description = "folder of feature .npy files")
    Path features;

    @Option(names = "--k", defaultValue = "8", paramLabel = "K", description = "neighbours per frame (default: ${DEFAULT-VALUE})")
    int k;

    @Option(names = "--index-rate", defaultValue = "0.75", paramLabel = "R", description = "share of the retrieved features (default: ${DEFAULT-VALUE})")
    float indexRate;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: spark-submit's, else local[*])")
    String master;

    @Option(names = "--output", required = true, paramLabel = "OUT", description = "new folder for the blended files (same names)")
    Path output;

    private final PrintWriter out;
    private final PrintWriter err;

    public SparkBlendCommand() {
        this(new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    }

    SparkBlendCommand(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        boolean ours = SparkSession.getDefaultSession().isEmpty();
        SparkSession spark = null;
        try {
            long start = System.nanoTime();
            SparkSession.Builder builder = SparkSession.builder().appName("komsu spark-blend");
            if (master != null) builder.master(master);
            else if (System.getProperty("spark.master") == null) builder.master("local[*]");
            spark = builder.getOrCreate();
            int n = SparkBlend.run(spark, index, features, k, indexRate, output);
            out.printf(Locale.ROOT, "blended %d files (k=%d, index rate %s) -> %s in %.3f s%n", n, k, indexRate, output,
                    (System.nanoTime() - start) / 1e9);
            return 0;
        } catch (Exception e) {
            String bad = SparkSearch.badInput(e);
            if (bad == null && e instanceof java.nio.file.FileSystemException f) bad = f.getFile() + ": " + f.getReason();
            if (bad == null && (e instanceof dev.komsu.io.NpyFormatException || e instanceof dev.komsu.io.IndexFormatException)) {
                bad = e.getMessage();
            }
            if (bad != null) {
                err.println("spark-blend: " + bad);
                return 2;
            }
            err.println("spark-blend: internal failure: " + e);
            e.printStackTrace(err);
            return 1;
        } finally {
            if (ours && spark != null) spark.stop();
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new SparkBlendCommand()).execute(args));
    }
}
