package dev.komsu.bench;

import dev.komsu.SearchParams;
import dev.komsu.index.FlatIndex;
import dev.komsu.index.HnswIndex;
import dev.komsu.io.Npy;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * HNSW build and search times on one data set, komsu's side of bench/scripts/hnsw_faiss.py: the
 * build on BUILD_THREADS threads, then each efSearch searched with all queries in one call on one
 * thread (median of 3 after a warm-up call), recall@10 against gt.npy. Run pinned
 * ({@code taskset -c ...}); see bench/RESULTS.md.
 *
 * <p>Usage: HnswBuildSearch DIR M EF_CONSTRUCTION BUILD_THREADS EF_SEARCH[,EF_SEARCH...] [N]
 * (DIR holds base.npy, queries.npy and gt.npy; N takes the first N base rows, gt then recomputed exactly)
 */
public final class HnswBuildSearch {
    private static final int K = 10;

    private HnswBuildSearch() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            throw new IllegalArgumentException("usage: HnswBuildSearch DIR M EF_CONSTRUCTION BUILD_THREADS EF_SEARCH[,..] [N]");
        }
        Path dir = Path.of(args[0]);
        int m = Integer.parseInt(args[1]);
        int efc = Integer.parseInt(args[2]);
        int threads = Integer.parseInt(args[3]);
        int[] efs = Arrays.stream(args[4].split(",")).mapToInt(Integer::parseInt).toArray();
        try (FloatMatrix all = Npy.readMatrix(dir.resolve("base.npy"));
             FloatMatrix queries = Npy.readMatrix(dir.resolve("queries.npy"));
             ComputeBackend build = Backends.cpu(threads);
             ComputeBackend one = Backends.cpu(1)) {
            long n = args.length > 5 ? Long.parseLong(args[5]) : all.rows();
            FloatMatrix base = all.rowRange(0, n);
            long[] gt = n == all.rows() ? firstK(Npy.readLongs(dir.resolve("gt.npy")), 100)
                    : one.knn(queries, base, K, Metric.L2).labels();
            try (HnswIndex index = new HnswIndex(base.cols(), m, Metric.L2, build)) {
                index.graph().setEfConstruction(efc);
                long cpu0 = processCpuNanos();
                long t0 = System.nanoTime();
                index.add(base);
                double buildS = (System.nanoTime() - t0) / 1e9;
                // Process CPU time (all threads, JIT and GC included): less sensitive to a shared machine's load.
                double cpuS = (processCpuNanos() - cpu0) / 1e9;
                System.out.printf(Locale.ROOT, "komsu HNSW%d efConstruction=%d n=%d d=%d build %.2f s (%d threads, %.2f CPU s) levels=%d%n",
                        m, efc, n, base.cols(), buildS, threads, cpuS, index.graph().maxLevel() + 1);
                // The same graph and vectors, searched on one thread.
                try (HnswIndex searcher = new HnswIndex(FlatIndex.of(index.flatStorage().vectors().copy(), Metric.L2, one),
                        index.graph())) {
                    for (int ef : efs) {
                        SearchParams p = SearchParams.builder().efSearch(ef).build();
                        Neighbors r = searcher.search(queries, K, p);
                        double[] secs = new double[3];
                        for (int i = 0; i < 3; i++) {
                            long s = System.nanoTime();
                            r = searcher.search(queries, K, p);
                            secs[i] = (System.nanoTime() - s) / 1e9;
                        }
                        Arrays.sort(secs);
                        System.out.printf(Locale.ROOT, "komsu HNSW%d efSearch=%d QPS %.0f (1 thread) recall@10 %.4f%n",
                                m, ef, queries.rows() / secs[1], recall(gt, r.labels(), (int) queries.rows()));
                    }
                }
            }
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** The first k of each row of a ground truth of width {@code width}, as rows of K. */
    static long[] firstK(long[] gt, int width) {
        long[] out = new long[gt.length / width * K];
        for (int q = 0; q < gt.length / width; q++) System.arraycopy(gt, q * width, out, q * K, K);
        return out;
    }

    static double recall(long[] gt, long[] labels, int nq) {
        long hits = 0;
        for (int q = 0; q < nq; q++) {
            for (int i = 0; i < K; i++) {
                long want = gt[q * K + i];
                for (int j = 0; j < K; j++) if (labels[q * K + j] == want) hits++;
            }
        }
        return hits / (double) (nq * K);
    }
}
