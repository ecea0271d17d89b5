package dev.komsu.bench.data;

import dev.komsu.io.Npy;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Exact L2 ground truth (k = {@value #K}) from komsu's own knn kernel, computed once and cached
 * as an int64 {@code .npy} next to the data. The file name carries a fingerprint of the base and
 * query files (size and modification time), so regenerated data never meets a stale answer.
 */
public final class GroundTruthCache {
    /** Neighbours kept per query: enough for recall@100 later, as make_datasets.py keeps. */
    public static final int K = 100;

    private GroundTruthCache() {
    }

    /** The cached ground truth for these files, computed on the CPU backend (all cores) if absent. */
    public static GroundTruth load(Path dir, Path baseFile, Path queriesFile, FloatMatrix base, FloatMatrix queries)
            throws IOException {
        int k = (int) Math.min(K, base.rows());
        Path file = dir.resolve("gt_komsu_k" + k + "_" + fingerprint(baseFile, queriesFile) + ".npy");
        int nq = Math.toIntExact(queries.rows());
        if (Files.exists(file)) {
            long[] labels = Npy.readLongs(file);
            if (labels.length == (long) nq * k) return new GroundTruth(nq, k, labels);
            log("ignoring " + file + ": " + labels.length + " labels, expected " + (long) nq * k);
        }
        log("exact ground truth (k=" + k + ") for " + nq + " queries over " + base.rows() + " vectors: computing once, cached in " + file);
        long t0 = System.nanoTime();
        Neighbors exact;
        try (ComputeBackend cpu = Backends.cpu(Runtime.getRuntime().availableProcessors())) {
            exact = cpu.knn(queries, base, k, Metric.L2);
        }
        log(String.format(java.util.Locale.ROOT, "ground truth took %.1f s", (System.nanoTime() - t0) / 1e9));
        Npy.writeLongs(file, exact.labels(), nq, k);
        return new GroundTruth(nq, k, exact.labels());
    }

    /** 16 hex digits of SHA-256 over the files' absolute paths, sizes and modification times. */
    static String fingerprint(Path baseFile, Path queriesFile) throws IOException {
        StringBuilder key = new StringBuilder();
        for (Path p : new Path[] {baseFile, queriesFile}) {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            key.append(p.toAbsolutePath()).append('|').append(a.size()).append('|').append(a.lastModifiedTime().toMillis()).append('\n');
        }
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(key.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    private static void log(String msg) {
        System.err.println("[bench] " + msg);
    }
}
