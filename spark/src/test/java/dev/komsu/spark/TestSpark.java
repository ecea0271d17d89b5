package dev.komsu.spark;

import dev.komsu.Index;
import dev.komsu.IndexFactory;
import dev.komsu.SearchParams;
import dev.komsu.io.FaissIndexes;
import dev.komsu.io.Npy;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The one local[2] SparkSession every test class of the module shares (a session starts in
 * ~2.5 s; Spark stops it at JVM exit), and the small files the tests search: a clustered base,
 * queries, and indexes built from them once per JVM in a temporary folder.
 */
final class TestSpark {
    static final int D = 16;
    static final int N = 4000;
    static final int NQ = 300;

    private static SparkSession session;
    private static Path dir;

    private TestSpark() {
    }

    static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder().master("local[2]").appName("komsu-spark-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.sql.shuffle.partitions", "4")
                    .getOrCreate();
            session.sparkContext().setLogLevel("WARN");
        }
        return session;
    }

    /** A folder for the module's shared files, kept for the JVM's life. */
    static synchronized Path dir() throws Exception {
        if (dir == null) {
            dir = Files.createTempDirectory("komsu-spark-test");
            Path created = dir;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(created), "komsu-spark-test-cleanup"));
            try (FloatMatrix xs = clustered(N, 11); FloatMatrix q = clustered(NQ, 12)) {
                Npy.write(dir.resolve("x.npy"), xs);
                Npy.write(dir.resolve("q.npy"), q);
            }
        }
        return dir;
    }

    static Path queries() throws Exception {
        return dir().resolve("q.npy");
    }

    /** The index {@code factory} over the base, built once and written as {@code name}. */
    static synchronized Path index(String name, String factory) throws Exception {
        Path file = dir().resolve(name);
        if (!Files.exists(file)) {
            try (Index index = IndexFactory.create(D, factory, Metric.L2); FloatMatrix xs = Npy.readMatrix(dir().resolve("x.npy"))) {
                index.train(xs);
                index.add(xs);
                FaissIndexes.write(index, file);
            }
        }
        return file;
    }

    /** komsu's own search of the queries on the index file, as {@code komsu search} does it. */
    static Neighbors komsuSearch(Path index, SearchParams params, int k) throws Exception {
        try (Index i = FaissIndexes.read(index); FloatMatrix q = Npy.readMatrix(queries())) {
            return i.search(q, k, params);
        }
    }

    /** Exact neighbours (Flat) of the queries. */
    static Neighbors exact(int k) throws Exception {
        try (Index flat = IndexFactory.create(D, "Flat", Metric.L2); FloatMatrix xs = Npy.readMatrix(dir().resolve("x.npy"));
             FloatMatrix q = Npy.readMatrix(queries())) {
            flat.add(xs);
            return flat.search(q, k);
        }
    }

    /** A job's rows as a Neighbors in id order (ids must be 0..n-1). */
    static Neighbors byId(List<Row> rows, int k) {
        return byId(rows, k, 0);
    }

    /** A job's rows as a Neighbors in id order (ids must be firstId..firstId+n-1). */
    static Neighbors byId(List<Row> rows, int k, long firstId) {
        int n = rows.size();
        float[] d = new float[n * k];
        long[] l = new long[n * k];
        boolean[] seen = new boolean[n];
        for (Row r : rows) {
            int id = Math.toIntExact(r.getLong(0) - firstId);
            if (seen[id]) throw new AssertionError("id " + id + " twice");
            seen[id] = true;
            List<Long> ls = r.getList(1);
            List<Float> ds = r.getList(2);
            for (int j = 0; j < k; j++) {
                l[id * k + j] = ls.get(j);
                d[id * k + j] = ds.get(j);
            }
        }
        return new Neighbors(n, k, d, l);
    }

    private static void deleteTree(Path root) {
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (java.io.IOException e) {
            System.err.println("komsu-spark tests: could not delete " + root + ": " + e);
        }
    }

    /** Gaussian blobs: queries near the base's clusters, as real embeddings are. */
    private static FloatMatrix clustered(int rows, long seed) {
        java.util.SplittableRandom centres = new java.util.SplittableRandom(7);
        float[][] c = new float[20][D];
        for (float[] row : c) for (int j = 0; j < D; j++) row[j] = (float) (centres.nextDouble() * 10);
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        float[][] out = new float[rows][D];
        for (int i = 0; i < rows; i++) {
            float[] centre = c[r.nextInt(c.length)];
            for (int j = 0; j < D; j++) out[i][j] = centre[j] + (float) (r.nextGaussian() * 1.5);
        }
        return FloatMatrix.of(out);
    }
}
