package dev.komsu.spark;

import dev.komsu.io.InterruptCleanup;
import dev.komsu.io.NpyDtype;
import dev.komsu.io.NpyWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Writes a search's result: a Parquet folder, atomically (Spark writes into a hidden sibling
 * that is renamed at the end, so a failed job leaves no output folder), and on request the
 * faiss-style {@code .npy} pair in id order, for comparison with {@code komsu search}.
 */
public final class ResultFiles {
    private ResultFiles() {
    }

    /**
     * Writes {@code result} as Parquet at {@code out} (any Hadoop file system path), which must
     * not exist. A job that fails on bad input (a task's IllegalArgumentException) rethrows it as
     * an IllegalArgumentException with the task's message.
     */
    public static void writeParquet(Dataset<Row> result, String out) throws IOException {
        Configuration conf = result.sparkSession().sparkContext().hadoopConfiguration();
        Path target = new Path(out);
        FileSystem fs = target.getFileSystem(conf);
        if (fs.exists(target)) throw new IllegalArgumentException("output " + out + " exists already");
        Path parent = target.getParent();
        if (parent != null && !fs.isDirectory(parent)) throw new IllegalArgumentException("output " + out + ": folder " + parent + " does not exist");
        Path temp = new Path(parent, "." + target.getName() + ".tmp-" + UUID.randomUUID());
        try {
            try {
                result.write().parquet(temp.toString());
            } catch (RuntimeException e) {
                String bad = SparkSearch.badInput(e);
                if (bad != null) throw new IllegalArgumentException(bad, e);
                throw e;
            }
            if (!fs.rename(temp, target)) throw new IOException("could not rename " + temp + " to " + target);
        } finally {
            if (fs.exists(temp)) fs.delete(temp, true);
        }
    }

    /**
     * Writes the labels and distances of the Parquet result at {@code parquet} as two nq x k
     * {@code .npy} files in id order: the ids must be 0..nq-1 (the row numbers of .npy queries),
     * as the rows of {@code komsu search}'s output are. Both files appear together or not at all.
     */
    public static void writeNpyPair(SparkSession spark, String parquet, int k, java.nio.file.Path distances,
                                    java.nio.file.Path labels) throws IOException {
        Dataset<Row> result = spark.read().parquet(parquet);
        long nq = result.count();
        Dataset<Row> sorted = result.orderBy("id");
        try (NpyWriter d = NpyWriter.create(distances, NpyDtype.FLOAT32, nq, k);
             NpyWriter l = NpyWriter.create(labels, NpyDtype.INT64, nq, k)) {
            long expected = 0;
            Iterator<Row> it = sorted.toLocalIterator();
            float[] drow = new float[k];
            long[] lrow = new long[k];
            while (it.hasNext()) {
                Row r = it.next();
                long id = r.getLong(0);
                if (id != expected) {
                    throw new IllegalArgumentException("the .npy pair needs query ids 0.." + (nq - 1) + " (row numbers), found id "
                            + id + " where " + expected + " was expected");
                }
                List<Long> ls = r.getList(1);
                List<Float> ds = r.getList(2);
                for (int j = 0; j < k; j++) {
                    lrow[j] = ls.get(j);
                    drow[j] = ds.get(j);
                }
                d.writeFloats(drow, 0, k);
                l.writeLongs(lrow, 0, k);
                expected++;
            }
            if (expected != nq) throw new IllegalArgumentException("the result holds " + expected + " rows, expected " + nq);
            d.commit();
            InterruptCleanup.register(distances); // no distances without labels, even if stopped in between
            try {
                l.commit();
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(distances);
                throw e;
            } finally {
                InterruptCleanup.release(distances);
            }
        }
    }
}
