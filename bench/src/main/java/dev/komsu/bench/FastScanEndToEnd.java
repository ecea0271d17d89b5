package dev.komsu.bench;

import dev.komsu.Index;
import dev.komsu.IndexFactory;
import dev.komsu.SearchParams;
import dev.komsu.io.FaissIndexes;
import dev.komsu.io.Npy;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.nio.file.Path;

/**
 * End-to-end FastScan benchmark on a dataset folder (base.npy, queries.npy, gt.npy as made by
 * ../shared/interop/make_datasets.py): builds a factory string (default
 * "IVF1024,PQ128x4fs,RFlat") or loads a faiss index file (a path ending in ".index", e.g. the
 * one bench/scripts/fastscan_faiss.py builds, so komsu and faiss search the same index), then
 * for each nprobe searches all queries in one call, k = 10, k_factor 4, and prints QPS (best
 * of 3 runs after one warm-up) and recall. For one thread run with
 * {@code -Djava.util.concurrent.ForkJoinPool.common.parallelism=0} (queries run on the
 * common pool); it then also reports queries per CPU-second, which a busy shared machine
 * disturbs far less than wall time. Usage: FastScanEndToEnd DATA_DIR [factory|FILE.index] [nprobe,...] [first NQ queries]
 */
public final class FastScanEndToEnd {
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    private FastScanEndToEnd() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String factory = args.length > 1 ? args[1] : "IVF1024,PQ128x4fs,RFlat";
        String[] nprobes = (args.length > 2 ? args[2] : "16,64").split(",");
        int k = 10;
        float kFactor = 4f;
        try (FloatMatrix base = Npy.readMatrix(dir.resolve("base.npy"));
             FloatMatrix allQueries = Npy.readMatrix(dir.resolve("queries.npy"));
             FloatMatrix queries = allQueries.rowRange(0, args.length > 3 ? Integer.parseInt(args[3]) : allQueries.rows()).copy();
             ComputeBackend backend = Backends.cpu(1);
             Index index = factory.endsWith(".index") ? FaissIndexes.read(Path.of(factory), backend)
                     : IndexFactory.create(base.cols(), factory, Metric.L2, backend)) {
            int[] gt = Npy.readInts(dir.resolve("gt.npy"));
            int gtK = gt.length / (int) allQueries.rows();
            long t0 = System.nanoTime();
            if (!index.isTrained()) index.train(base);
            long t1 = System.nanoTime();
            if (index.ntotal() == 0) index.add(base);
            long t2 = System.nanoTime();
            System.out.printf("%s on %s: N=%d D=%d nq=%d train %.1f s add %.1f s (%s)%n", factory, dir.getFileName(),
                    base.rows(), base.cols(), queries.rows(), (t1 - t0) / 1e9, (t2 - t1) / 1e9, backend.fastScan().name());
            for (String np : nprobes) {
                SearchParams params = SearchParams.builder().nprobe(Integer.parseInt(np.trim())).kFactor(kFactor).build();
                Neighbors r = index.search(queries, k, params); // warm-up
                double best = Double.MAX_VALUE;
                double bestCpu = Double.MAX_VALUE;
                for (int rep = 0; rep < 3; rep++) {
                    long s = System.nanoTime();
                    long c = CPU.getCurrentThreadCpuTime();
                    r = index.search(queries, k, params);
                    best = Math.min(best, (System.nanoTime() - s) / 1e9);
                    bestCpu = Math.min(bestCpu, (CPU.getCurrentThreadCpuTime() - c) / 1e9);
                }
                int nq = r.nq();
                int r1 = 0, r10 = 0;
                for (int q = 0; q < nq; q++) {
                    if (r.label(q, 0) == gt[q * gtK]) r1++;
                    for (int j = 0; j < k; j++) {
                        for (int g = 0; g < k; g++) if (r.label(q, j) == gt[q * gtK + g]) r10++;
                    }
                }
                // queries per CPU-second of this thread: meaningful with common.parallelism=0
                System.out.printf("nprobe=%s k_factor=%.0f: QPS %.0f (wall)  %.0f (per CPU-second)  R@1 %.3f  R10@10 %.3f%n",
                        np.trim(), kFactor, nq / best, nq / bestCpu, r1 / (double) nq, r10 / (double) (nq * k));
            }
        }
    }
}
