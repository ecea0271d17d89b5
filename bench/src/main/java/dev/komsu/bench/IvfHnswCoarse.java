package dev.komsu.bench;

import dev.komsu.ProgressListener;
import dev.komsu.SearchParams;
import dev.komsu.index.FlatCodec;
import dev.komsu.index.FlatCoarseQuantizer;
import dev.komsu.index.FlatIndex;
import dev.komsu.index.HnswCoarseQuantizer;
import dev.komsu.index.IvfIndex;
import dev.komsu.io.Npy;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.quant.KMeans;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Coarse assignment with a Flat quantiser against an HNSW one ("IVF{n},Flat" against
 * "IVF{n}_HNSW{M},Flat") over the same k-means centroids (faiss trains both with L2 k-means, so
 * for L2 they share them): the time to assign the queries (median of 3) and the base to their
 * nearest list, how often the graph finds the Flat quantiser's list, and each IVF index's
 * recall@10 and QPS at nprobe 1 and 8. Training runs on TRAIN_THREADS threads; everything timed
 * runs on one (the calling thread) and is measured in that thread's CPU time, the two
 * quantisers' searches interleaved (median of 5 each). Run pinned ({@code taskset -c ...}).
 *
 * <p>Usage: IvfHnswCoarse DIR NLIST M NITER TRAIN_THREADS [CENTROIDS.npy] (DIR holds base.npy,
 * queries.npy and a 100-wide gt.npy, as bench's data sets do; CENTROIDS.npy, if it exists, is
 * used instead of training, else the trained centroids are saved there)
 */
public final class IvfHnswCoarse {
    private static final int K = 10;
    private static final ThreadMXBean THREAD = ManagementFactory.getThreadMXBean();

    private IvfHnswCoarse() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 5) throw new IllegalArgumentException("usage: IvfHnswCoarse DIR NLIST M NITER TRAIN_THREADS [CENTROIDS.npy]");
        Path saved = args.length > 5 ? Path.of(args[5]) : null;
        Path dir = Path.of(args[0]);
        int nlist = Integer.parseInt(args[1]);
        int m = Integer.parseInt(args[2]);
        int niter = Integer.parseInt(args[3]);
        try (FloatMatrix base = Npy.readMatrix(dir.resolve("base.npy"));
             FloatMatrix queries = Npy.readMatrix(dir.resolve("queries.npy"));
             ComputeBackend train = Backends.cpu(Integer.parseInt(args[4]));
             ComputeBackend one = Backends.cpu(1)) {
            int d = base.cols();
            int nq = (int) queries.rows();
            long[] gt = HnswBuildSearch.firstK(Npy.readLongs(dir.resolve("gt.npy")), 100);
            try (FloatMatrix centroids = centroids(base, nlist, niter, train, saved)) {
                HnswCoarseQuantizer hnsw = new HnswCoarseQuantizer(d, m, Metric.L2, one);
                double build = seconds(() -> hnsw.setCentroids(centroids));
                System.out.printf(Locale.ROOT, "HNSW%d graph over the centroids (1 thread): %.3f CPU s, levels=%d%n", m, build,
                        hnsw.graph().maxLevel() + 1);
                try (IvfIndex flatIvf = new IvfIndex(new FlatCoarseQuantizer(FlatIndex.of(centroids.copy(), Metric.L2, one)),
                        nlist, new FlatCodec(d));
                     IvfIndex hnswIvf = new IvfIndex(hnsw, nlist, new FlatCodec(d))) {
                    Neighbors flatQ = flatIvf.quantizer().search(queries, 1);
                    Neighbors hnswQ = hnsw.search(queries, 1);
                    double[] flatSecs = new double[5];
                    double[] hnswSecs = new double[5];
                    for (int i = 0; i < 5; i++) {
                        flatSecs[i] = seconds(() -> flatIvf.quantizer().search(queries, 1));
                        hnswSecs[i] = seconds(() -> hnsw.search(queries, 1));
                    }
                    report("Flat", flatSecs, nq);
                    report("HNSW" + m, hnswSecs, nq);
                    System.out.printf(Locale.ROOT, "%d base rows assigned (1 thread): Flat %.2f CPU s, HNSW%d %.2f CPU s%n", base.rows(),
                            seconds(() -> flatIvf.quantizer().search(base, 1)), m, seconds(() -> hnsw.search(base, 1)));
                    int same = 0;
                    for (int q = 0; q < nq; q++) if (flatQ.label(q, 0) == hnswQ.label(q, 0)) same++;
                    System.out.printf(Locale.ROOT, "queries whose HNSW list is the Flat quantiser's: %.4f%n", same / (double) nq);
                    flatIvf.add(base);
                    hnswIvf.add(base);
                    for (int nprobe : new int[] {1, 8}) {
                        search("IVF" + nlist + ",Flat", flatIvf, queries, nprobe, gt);
                        search("IVF" + nlist + "_HNSW" + m + ",Flat", hnswIvf, queries, nprobe, gt);
                    }
                }
            }
        }
    }

    /** k-means centroids of {@code base} (faiss's IVF settings, L2), read from {@code saved} if it exists, else trained and saved there. */
    private static FloatMatrix centroids(FloatMatrix base, int nlist, int niter, ComputeBackend train, Path saved)
            throws Exception {
        if (saved != null && Files.exists(saved)) {
            System.out.println("centroids from " + saved);
            return Npy.readMatrix(saved);
        }
        long t0 = System.nanoTime();
        KMeans kmeans = new KMeans(nlist, IvfIndex.IVF_KMEANS_DEFAULTS.withNiter(niter), train);
        FloatMatrix c = kmeans.train(base, Metric.L2, ProgressListener.NONE).centroids();
        System.out.printf(Locale.ROOT, "k-means nlist=%d niter=%d on %d x %d: %.1f s%n", nlist, niter, base.rows(), base.cols(),
                (System.nanoTime() - t0) / 1e9);
        if (saved != null) Npy.write(saved, c);
        return c;
    }

    /**
     * CPU seconds of the calling thread, which runs the whole call on a one-thread backend: on a
     * machine shared with other work, wall time measured mostly the others' load (the same
     * search took 1.3-2.1 s wall at load average 20 on 2 cores).
     */
    private static double seconds(Runnable r) {
        long s = THREAD.getCurrentThreadCpuTime();
        r.run();
        return (THREAD.getCurrentThreadCpuTime() - s) / 1e9;
    }

    private static void report(String name, double[] secs, int nq) {
        Arrays.sort(secs);
        System.out.printf(Locale.ROOT, "%s quantiser, 1 thread: %d queries assigned to 1 list in %.4f CPU s (%.1f us each; median of %d,"
                + " range %.4f-%.4f s)%n", name, nq, secs[secs.length / 2], secs[secs.length / 2] * 1e6 / nq, secs.length,
                secs[0], secs[secs.length - 1]);
    }

    private static void search(String name, IvfIndex ivf, FloatMatrix queries, int nprobe, long[] gt) {
        SearchParams p = SearchParams.builder().nprobe(nprobe).build();
        Neighbors r = ivf.search(queries, K, p);
        double[] secs = new double[3];
        for (int i = 0; i < 3; i++) secs[i] = seconds(() -> ivf.search(queries, K, p));
        Arrays.sort(secs);
        System.out.printf(Locale.ROOT, "%s nprobe=%d: QPS %.0f (1 thread, by CPU time) recall@10 %.4f%n", name, nprobe,
                queries.rows() / secs[1], HnswBuildSearch.recall(gt, r.labels(), (int) queries.rows()));
    }
}
