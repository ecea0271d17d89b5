package dev.komsu.bench;

import dev.komsu.Index;
import dev.komsu.index.IvfIndex;
import dev.komsu.io.FaissIndexes;
import dev.komsu.io.Npy;
import dev.komsu.kernels.BaseNorms;
import dev.komsu.kernels.BaseProjection;
import dev.komsu.kernels.DenseRefine;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.TopK;
import dev.komsu.kernels.cpu.CpuBackend;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The dense step with and without the projected lower bound (issue 13), on one thread, in one
 * JVM: the same base (a .npy, or an IVF index's centroids), the same batches of queries, the
 * plain dense path ({@link BaseNorms} alone) and the pruned one ({@link BaseNorms#withProjection})
 * timed in alternation so both see the same load. Also reports the projection's size m, its
 * build time, and the prune rate: the share of (query, row) pairs that got an exact key in d
 * dimensions (stage 2), counted by re-running stage 2 outside the backend.
 *
 * <p>Usage: PrunedDenseStep BASE.npy|IVF.index QUERIES.npy NQ BATCH K ROUNDS
 */
public final class PrunedDenseStep {
    private PrunedDenseStep() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 6) throw new IllegalArgumentException("usage: PrunedDenseStep BASE.npy|IVF.index QUERIES.npy NQ BATCH K ROUNDS");
        int nq = Integer.parseInt(args[2]);
        int batch = Integer.parseInt(args[3]);
        int k = Integer.parseInt(args[4]);
        int rounds = Integer.parseInt(args[5]);
        try (FloatMatrix base = load(Path.of(args[0])); FloatMatrix allQueries = Npy.readMatrix(Path.of(args[1]));
                CpuBackend cpu = new CpuBackend(1)) {
            FloatMatrix queries = allQueries.rowRange(0, Math.min(nq, allQueries.rows()));
            BaseNorms dense = BaseNorms.of(base, Metric.L2);
            long t0 = System.nanoTime();
            BaseNorms pruned = dense.withProjection(base);
            double buildMs = (System.nanoTime() - t0) / 1e6;
            BaseProjection p = pruned.projection();
            System.out.printf(Locale.ROOT, "base %d x %d, %d queries in batches of %d, k %d: projection %s, built in %.0f ms%n",
                    base.rows(), base.cols(), queries.rows(), batch, k, p == null ? "none" : "m+1=" + p.width(), buildMs);
            if (p != null) System.out.printf(Locale.ROOT, "prune rate: %.4f of rows get an exact key%n", pruneRate(queries, base, pruned, k));
            if (p != null) breakdown(cpu, queries, p, batch, k);
            double[] denseMs = new double[rounds];
            double[] prunedMs = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                denseMs[r] = time(cpu, queries, base, dense, batch, k);
                prunedMs[r] = time(cpu, queries, base, pruned, batch, k);
                System.out.printf(Locale.ROOT, "round %d: dense %.1f ms, pruned %.1f ms%n", r, denseMs[r], prunedMs[r]);
            }
            double d = median(denseMs), q = median(prunedMs);
            long batches = (queries.rows() + batch - 1) / batch;
            System.out.printf(Locale.ROOT, "median: dense %.1f ms (%.3f ms per batch), pruned %.1f ms (%.3f ms per batch): %.2fx faster%n",
                    d, d / batches, q, q / batches, d / q);
            check(cpu, queries, base, dense, pruned, k);
        }
    }

    private static FloatMatrix load(Path path) throws Exception {
        if (!path.toString().endsWith(".index")) return Npy.readMatrix(path);
        try (Index index = FaissIndexes.read(path)) {
            if (!(index instanceof IvfIndex ivf)) throw new IllegalArgumentException(path + " is not an IVF index");
            return ivf.quantizer().vectors().copy();
        }
    }

    private static double time(CpuBackend cpu, FloatMatrix queries, FloatMatrix base, BaseNorms norms, int batch, int k) {
        long t0 = System.nanoTime();
        long sink = 0;
        for (long from = 0; from < queries.rows(); from += batch) {
            sink += cpu.knn(queries.rowRange(from, Math.min(batch, queries.rows() - from)), base, norms, k, Metric.L2).label(0, 0);
        }
        if (sink == Long.MIN_VALUE) System.out.print("");
        return (System.nanoTime() - t0) / 1e6;
    }

    /** The pruned result must be the dense one, bit for bit. */
    private static void check(CpuBackend cpu, FloatMatrix queries, FloatMatrix base, BaseNorms dense, BaseNorms pruned, int k) {
        Neighbors a = cpu.knn(queries, base, dense, k, Metric.L2);
        Neighbors b = cpu.knn(queries, base, pruned, k, Metric.L2);
        boolean same = Arrays.equals(a.labels(), b.labels()) && Arrays.equals(a.distances(), b.distances());
        System.out.println(same ? "pruned == dense, bit for bit" : "MISMATCH between pruned and dense results");
        if (!same) System.exit(1);
    }

    /**
     * Stage 2's exact keys per (query, row), as the backend's pruned path computes them: a
     * first pass with {@link CpuBackend#prunedCandidates}, a second with
     * {@link CpuBackend#widerCandidates} for the queries the first did not prove, the dense
     * path (every row) for the rest.
     */
    private static double pruneRate(FloatMatrix queries, FloatMatrix base, BaseNorms pruned, int k) {
        BaseProjection p = pruned.projection();
        int nq = (int) Math.min(queries.rows(), 500);
        int w = p.width();
        double[] lengths = new double[nq];
        float[] a = p.projectQueries(queries.rowRange(0, nq).toArray(), nq, lengths);
        int first = CpuBackend.prunedCandidates(k, base.rows());
        int[] passes = {first, CpuBackend.widerCandidates(first, base.rows())};
        long exactKeys = 0;
        int[] failed = new int[passes.length];
        float[] u = new float[w];
        try (FloatMatrix aq = FloatMatrix.of(a, nq, w); CpuBackend cpu = new CpuBackend(1)) {
            Neighbors[] stage1 = new Neighbors[passes.length];
            for (int s = 0; s < passes.length; s++) stage1[s] = cpu.knn(aq, p.augmented(), p.augmentedNorms(), passes[s], Metric.L2);
            for (int i = 0; i < nq; i++) {
                float qNorm = p.augmentedNorms().centre(a, i * w, u);
                DenseRefine.LowerBound bound = p.bound(qNorm, lengths[i]);
                boolean ok = false;
                for (int s = 0; s < passes.length && !ok; s++) {
                    int m = passes[s];
                    TopK estimates = new TopK(m);
                    // Stage 1's estimate leaves the query's norm out.
                    for (int j = 0; j < m; j++) {
                        if (stage1[s].label(i, j) >= 0) estimates.offer(stage1[s].distance(i, j) - qNorm, stage1[s].label(i, j));
                    }
                    long[] calls = new long[1];
                    ok = DenseRefine.refine(Metric.L2, estimates, e -> {
                        calls[0]++;
                        return bound.of(e);
                    }, queries.row(i), 0, base, new TopK(k), new float[m], new long[m]);
                    exactKeys += Math.min(calls[0] + k, m);
                    if (!ok) failed[s]++;
                }
                if (!ok) exactKeys += base.rows();
            }
        }
        System.out.printf(Locale.ROOT, "stage 2: %d of %d queries not proved by the first pass (%d candidates), %d not by the second (%d)%n",
                failed[0], nq, passes[0], failed[1], passes[1]);
        return exactKeys / ((double) nq * base.rows());
    }

    /** Time of the query projection and of a dense scan over the projected rows (about stage 1), per batch. */
    private static void breakdown(CpuBackend cpu, FloatMatrix queries, BaseProjection p, int batch, int k) {
        int m = CpuBackend.prunedCandidates(k, p.rows());
        for (int round = 0; round < 3; round++) {
            long project = 0, scan = 0;
            int batches = 0;
            for (long from = 0; from + batch <= queries.rows(); from += batch, batches++) {
                float[] q = queries.rowRange(from, batch).toArray();
                long t0 = System.nanoTime();
                float[] a = p.projectQueries(q, batch, new double[batch]);
                long t1 = System.nanoTime();
                try (FloatMatrix aq = FloatMatrix.of(a, batch, p.width())) {
                    cpu.knn(aq, p.augmented(), p.augmentedNorms(), m, Metric.L2);
                }
                long t2 = System.nanoTime();
                project += t1 - t0;
                scan += t2 - t1;
            }
            System.out.printf(Locale.ROOT, "per batch: projection %.3f ms, scan of the projected rows %.3f ms%n",
                    project / 1e6 / batches, scan / 1e6 / batches);
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
