package dev.komsu.spark;

import dev.komsu.io.Npy;
import dev.komsu.io.NpyFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * The queries of a job: a DataFrame with an id column (any integer type) and a vector column
 * ({@code array<float>} or {@code array<double>}), a Parquet table of that shape, or one
 * {@code .npy} matrix or a folder of them (ids: row numbers over the files in name order, as
 * {@code komsu search} numbers its rows). A Spark ML {@code Vector} column is converted first
 * with {@code org.apache.spark.ml.functions.vector_to_array}.
 */
public final class QuerySet {
    private final Dataset<Row> frame;
    private final String idColumn;
    private final String vectorColumn;
    private final List<Path> npyFiles;
    private final long[] npyRows;
    private final int npyDim;

    private QuerySet(Dataset<Row> frame, String idColumn, String vectorColumn, List<Path> npyFiles, long[] npyRows, int npyDim) {
        this.frame = frame;
        this.idColumn = idColumn;
        this.vectorColumn = vectorColumn;
        this.npyFiles = npyFiles;
        this.npyRows = npyRows;
        this.npyDim = npyDim;
    }

    /** Queries in {@code frame}; its columns are checked here, on the driver. */
    public static QuerySet of(Dataset<Row> frame, String idColumn, String vectorColumn) {
        DataType id = field(frame, idColumn).dataType();
        if (!(id.equals(DataTypes.LongType) || id.equals(DataTypes.IntegerType) || id.equals(DataTypes.ShortType)
                || id.equals(DataTypes.ByteType))) {
            throw new IllegalArgumentException("id column '" + idColumn + "' is " + id.simpleString() + ", expected an integer type");
        }
        DataType v = field(frame, vectorColumn).dataType();
        if (!(v instanceof ArrayType a) || !(a.elementType().equals(DataTypes.FloatType) || a.elementType().equals(DataTypes.DoubleType))) {
            throw new IllegalArgumentException("vector column '" + vectorColumn + "' is " + v.simpleString()
                    + ", expected array<float> or array<double> (a Spark ML vector: convert it with"
                    + " org.apache.spark.ml.functions.vector_to_array)");
        }
        return new QuerySet(frame, idColumn, vectorColumn, null, null, -1);
    }

    private static StructField field(Dataset<Row> frame, String name) {
        for (StructField f : frame.schema().fields()) if (f.name().equals(name)) return f;
        throw new IllegalArgumentException("the queries have no column '" + name + "' (columns: "
                + Arrays.toString(frame.schema().fieldNames()) + ")");
    }

    /** A Parquet table (file or folder) with the columns {@code idColumn} and {@code vectorColumn}. */
    public static QuerySet parquet(SparkSession spark, String path, String idColumn, String vectorColumn) {
        return of(spark.read().parquet(path), idColumn, vectorColumn);
    }

    /**
     * One {@code .npy} float matrix, or a folder of them of one width. Tasks map the files, so on
     * a cluster they must be at the same path on every executor (a shared file system); Parquet
     * is the input for queries on HDFS or an object store.
     */
    public static QuerySet npy(Path fileOrFolder) throws IOException {
        List<Path> files = Files.isDirectory(fileOrFolder) ? NpyFolder.files(fileOrFolder) : List.of(fileOrFolder);
        if (files.isEmpty()) throw new IllegalArgumentException("the queries folder " + fileOrFolder + " holds no .npy files");
        long[] rows = new long[files.size()];
        int dim = -1;
        for (int i = 0; i < files.size(); i++) {
            long[] rc = Npy.matrixShape(files.get(i), Npy.readHeader(files.get(i)));
            if (dim >= 0 && rc[1] != dim) {
                throw new IllegalArgumentException("queries " + files.get(i) + " has rows of " + rc[1] + " values, "
                        + files.getFirst().getFileName() + " has " + dim + ": all files must have the same width");
            }
            dim = (int) rc[1];
            rows[i] = rc[0];
        }
        return new QuerySet(null, null, null, new ArrayList<>(files), rows, dim);
    }

    /** True when the set holds no query (for a DataFrame, one row is looked for). */
    boolean isEmpty() {
        if (frame == null) return Arrays.stream(npyRows).sum() == 0;
        return frame.isEmpty();
    }

    /** The queries' dimension where the driver knows it without reading them (.npy), else -1. */
    int knownDim() {
        return npyDim;
    }

    /** The queries as batches in {@code partitions} partitions (0: Spark's default parallelism / the frame's own). */
    JavaRDD<QueryBatch> batches(JavaSparkContext jsc, int dim, int batch, int partitions) {
        int p = partitions > 0 ? partitions : jsc.defaultParallelism();
        if (frame == null) {
            List<NpySlice> slices = NpySlice.plan(npyFiles, npyRows, p);
            return jsc.parallelize(slices, slices.size())
                    .mapPartitionsWithIndex((part, it) -> NpySlice.batchesOf(part, it, batch), false);
        }
        Dataset<Row> df = frame.select(idColumn, vectorColumn);
        if (partitions > 0) df = df.repartition(partitions);
        return df.javaRDD().mapPartitionsWithIndex((part, rows) -> QueryRows.batches(part, rows, 0, 1, dim, batch), false);
    }
}
