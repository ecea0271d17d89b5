package dev.komsu.spark;

import dev.komsu.io.LoadedIndex;
import dev.komsu.io.Npy;
import dev.komsu.io.NpyFolder;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.rvc.FeatureRetrieval;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * RVC's feature retrieval at scale: {@code komsu blend} over every {@code .npy} of a folder as
 * one Spark job, each task blending whole files against its executor's cached index and writing
 * {@code OUT/<same name>.npy}, the bytes {@code komsu blend} writes for that file. The folders
 * must be at the same path on every executor (local mode, or a shared file system); the output
 * folder appears at the end, renamed from a hidden sibling, so a failed job leaves none.
 */
public final class SparkBlend {
    private SparkBlend() {
    }

    /** Blends every feature file of {@code features} into the new folder {@code output}; returns the number of files. */
    public static int run(SparkSession spark, Path index, Path features, int k, float indexRate, Path output) throws IOException {
        if (k <= 0) throw new IllegalArgumentException("k must be > 0, got " + k);
        if (!(indexRate >= 0f && indexRate <= 1f)) throw new IllegalArgumentException("index rate must be in [0, 1], got " + indexRate);
        if (!Files.isRegularFile(index)) throw new IllegalArgumentException("index " + index + ": no such file");
        List<Path> files = NpyFolder.files(features);
        if (files.isEmpty()) throw new IllegalArgumentException("features folder " + features + " holds no .npy files");
        Path out = output.toAbsolutePath();
        if (Files.exists(out)) throw new FileAlreadyExistsException(output.toString(), null, "the output folder exists already");
        if (!Files.isDirectory(out.getParent())) throw new NoSuchFileException(out.getParent().toString(), null, "no such folder");
        Path temp = Files.createTempDirectory(out.getParent(), "." + out.getFileName() + ".");
        try {
            IndexLocation location = IndexLocation.shared(index);
            String tempDir = temp.toString();
            List<String> names = files.stream().map(p -> p.toAbsolutePath().toString()).toList();
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            int slices = Math.min(names.size(), Math.max(1, jsc.defaultParallelism() * 4));
            try {
                jsc.parallelize(names, slices).foreachPartition(it -> blendAll(it, location, k, indexRate, tempDir));
            } catch (RuntimeException e) {
                String bad = SparkSearch.badInput(e);
                if (bad != null) throw new IllegalArgumentException(bad, e);
                throw e;
            }
            try {
                Files.move(temp, out, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, out);
            }
            return files.size();
        } finally {
            deleteTree(temp);
        }
    }

    /** A task's files, blended one after the other against the JVM's copy of the index. */
    static void blendAll(Iterator<String> files, IndexLocation location, int k, float indexRate, String outDir) throws IOException {
        if (!files.hasNext()) return;
        try (IndexCache.Lease lease = IndexCache.jvm().acquire(location.resolve())) {
            LoadedIndex index = lease.loaded();
            while (files.hasNext()) {
                Path f = Path.of(files.next());
                try (FloatMatrix in = Npy.readMatrix(f)) {
                    if (in.cols() != index.index().dim()) {
                        throw new IllegalArgumentException("dimension mismatch: " + f + " has rows of " + in.cols()
                                + " values, the index d=" + index.index().dim());
                    }
                    // RVC searches with the nprobe stored in the file, as komsu blend does
                    try (FloatMatrix blended = FeatureRetrieval.blend(index.index(), in, k, indexRate, index.storedParams())) {
                        Npy.write(Path.of(outDir).resolve(f.getFileName()), blended);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(f + ": " + e.getMessage(), e);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
