package dev.komsu.bench;

import dev.komsu.SearchParams;
import dev.komsu.index.FlatCodec;
import dev.komsu.index.FlatCoarseQuantizer;
import dev.komsu.index.FlatIndex;
import dev.komsu.index.IvfIndex;
import dev.komsu.io.Npy;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * IVF-Flat search shaped as the harness calls it (every query in one {@code index.search}
 * call, one thread), split into the coarse step (the quantiser's search alone) and the rest
 * (list grouping, scans, top-k, copies), for two builds of the same index in one JVM: the CPU
 * backend as it is, and the same backend with the coarse step forced onto the plain dense
 * path ({@link DenseOnlyBackend}), timed in alternation so both see the same load. Both
 * indexes share the given centroids (faiss's k-means, so the lists are faiss's too); their
 * labels must agree exactly. Times are the calling thread's CPU time (the backend runs on it),
 * so other load on a shared machine weighs less than in wall time.
 *
 * <p>Usage: IvfNprobeOne CENTROIDS.npy DIR K NPROBE ROUNDS [only]  (DIR holds base.npy and
 * queries.npy; {@code only}: time the CPU backend alone, for a profiler)
 */
public final class IvfNprobeOne {
    private static final ThreadMXBean THREAD = ManagementFactory.getThreadMXBean();

    private IvfNprobeOne() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 5) throw new IllegalArgumentException("usage: IvfNprobeOne CENTROIDS.npy DIR K NPROBE ROUNDS [only]");
        Path dir = Path.of(args[1]);
        int k = Integer.parseInt(args[2]);
        SearchParams params = SearchParams.builder().nprobe(Integer.parseInt(args[3])).build();
        int rounds = Integer.parseInt(args[4]);
        boolean only = args.length > 5 && args[5].equals("only");
        try (FloatMatrix centroids = Npy.readMatrix(Path.of(args[0]));
             FloatMatrix base = Npy.readMatrix(dir.resolve("base.npy"));
             FloatMatrix queries = Npy.readMatrix(dir.resolve("queries.npy"));
             ComputeBackend cpu = Backends.cpu(1);
             IvfIndex current = build(centroids, base, cpu);
             IvfIndex dense = only ? null : build(centroids, base, new DenseOnlyBackend(cpu))) {
            IvfIndex[] indexes = only ? new IvfIndex[] {current} : new IvfIndex[] {current, dense};
            String[] names = {"cpu", "dense coarse"};
            int nq = (int) queries.rows();
            System.out.printf(Locale.ROOT, "IVF%d,Flat over %d x %d, %d queries, k %d, %s, 1 thread%n", current.nlist(), base.rows(),
                    base.cols(), nq, k, params);
            Neighbors[] last = new Neighbors[indexes.length];
            for (int i = 0; i < indexes.length; i++) last[i] = indexes[i].search(queries, k, params); // warm-up, projection made
            double[][] total = new double[indexes.length][rounds];
            double[][] coarse = new double[indexes.length][rounds];
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < indexes.length; i++) {
                    IvfIndex index = indexes[i];
                    coarse[i][r] = cpuSeconds(() -> index.quantizer().search(queries, params.nprobeOr(1), params));
                    int at = i;
                    total[i][r] = cpuSeconds(() -> last[at] = index.search(queries, k, params));
                }
                StringBuilder line = new StringBuilder("round " + r + ":");
                for (int i = 0; i < indexes.length; i++) {
                    line.append(String.format(Locale.ROOT, "  %s %.0f QPS (coarse %.3f s of %.3f s)", names[i], nq / total[i][r],
                            coarse[i][r], total[i][r]));
                }
                System.out.println(line);
            }
            for (int i = 0; i < indexes.length; i++) {
                double t = median(total[i]), c = median(coarse[i]);
                System.out.printf(Locale.ROOT, "median %s: %.0f QPS, %.1f us per query: coarse %.1f us (%.0f%%), rest %.1f us%n",
                        names[i], nq / t, t * 1e6 / nq, c * 1e6 / nq, 100 * c / t, (t - c) * 1e6 / nq);
            }
            if (!only) {
                System.out.printf(Locale.ROOT, "cpu / dense coarse: %.2fx%n", median(total[1]) / median(total[0]));
                boolean same = Arrays.equals(last[0].labels(), last[1].labels()) && Arrays.equals(last[0].distances(), last[1].distances());
                System.out.println(same ? "labels and distances identical" : "MISMATCH between the two indexes");
                if (!same) System.exit(1);
            }
        }
    }

    private static IvfIndex build(FloatMatrix centroids, FloatMatrix base, ComputeBackend backend) {
        IvfIndex index = new IvfIndex(new FlatCoarseQuantizer(FlatIndex.of(centroids.copy(), Metric.L2, backend)),
                (int) centroids.rows(), new FlatCodec(base.cols()));
        index.add(base);
        return index;
    }

    private static double cpuSeconds(Runnable r) {
        long s = THREAD.getCurrentThreadCpuTime();
        r.run();
        return (THREAD.getCurrentThreadCpuTime() - s) / 1e9;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
