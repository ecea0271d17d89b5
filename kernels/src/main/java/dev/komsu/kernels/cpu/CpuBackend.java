package dev.komsu.kernels.cpu;

import dev.komsu.kernels.FastScanKernels;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.KernelChecks;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.PqKernels;
import dev.komsu.kernels.TopK;
import dev.komsu.kernels.VectorLists;
import dev.komsu.kernels.scalar.CpuBatchedOperations;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * The CPU backend: register-blocked Vector API kernels ({@link LaneKernels}) fed by
 * {@link BlockScanner}, multi-threaded on its own fork-join pool of {@code threads} daemon
 * workers (shut down by {@link #close}).
 *
 * <p>Results are bit-for-bit the same for any thread count and any split: every (query, row)
 * distance is computed with the same operations in the same order wherever it lands, and the
 * top-k kept is the k smallest (key, id) pairs, which does not depend on the order they are
 * offered in. Passes of one or two queries use {@link QueryKernels}, whose sums may differ
 * from the lane kernels' in the last bits (like faiss, whose Flat search switches code path at
 * 20 queries); the choice depends on the pass size only.
 */
public final class CpuBackend implements CpuBatchedOperations {
    /** Queries handled per pass at most: bounds the packed copy of the queries. */
    private static final int QUERY_CHUNK = 4096;
    /** Top-k entries kept per pass at most (12 bytes each), so a large k shrinks the pass. */
    private static final int TOP_K_ENTRIES_PER_CHUNK = 1 << 22;
    /** Query floats copied per pass at most (64 MiB), so a huge d shrinks the pass too. */
    private static final int QUERY_FLOATS_PER_CHUNK = 1 << 24;
    /** Work items per thread, so a thread slowed by other load does not hold up the call. */
    private static final int TASKS_PER_THREAD = 2;
    /** Passes of at most this many queries run one query at a time ({@link QueryKernels}). */
    private static final int MAX_PER_QUERY_BATCH = 2;
    /** Queries per task from which knn uses the L2 norm filter. */
    private static final int MIN_QUERIES_FOR_L2_FILTER = 2 * LaneKernels.WIDE;
    /** A base range shorter than this is not worth a task of its own. */
    private static final long MIN_ROWS_PER_TASK = 1024;

    private final int threads;
    private final ForkJoinPool pool;

    public CpuBackend(int threads) {
        if (threads <= 0) throw new IllegalArgumentException("threads must be > 0, got " + threads);
        this.threads = threads;
        this.pool = new ForkJoinPool(threads, p -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setDaemon(true);
            t.setName("komsu-cpu-" + t.getPoolIndex());
            return t;
        }, null, false);
    }

    public int threads() {
        return threads;
    }

    @Override
    public FastScanKernels fastScan() {
        return FastScanSelection.PREFERRED;
    }

    @Override
    public PqKernels pq() {
        return VectorPqKernels.INSTANCE;
    }

    @Override
    public String name() {
        return "cpu-vector" + LaneKernels.SPECIES.vectorBitSize();
    }

    @Override
    public Neighbors knn(FloatMatrix queries, FloatMatrix base, int k, Metric metric) {
        KernelChecks.checkKnn(queries, base, k);
        int nq = (int) queries.rows();
        Neighbors out = Neighbors.empty(nq, k, metric);
        int chunk = chunkSize(k, queries.cols());
        for (int from = 0; from < nq; from += chunk) {
            int count = Math.min(chunk, nq - from);
            float[] q = queries.rowRange(from, count).toArray();
            // Too few query groups to keep every thread busy (single queries, small RVC
            // chunks): split the base into row ranges instead.
            int groups = (count + LaneKernels.WIDE - 1) / LaneKernels.WIDE;
            if (threads > 1 && groups < threads * TASKS_PER_THREAD) {
                knnSplitBase(q, count, base, k, metric, out, from);
            } else {
                knnSplitQueries(q, count, base, k, metric, out, from);
            }
        }
        return out;
    }

    /** Each task takes a run of query groups and scans the whole base for them. */
    private void knnSplitQueries(float[] q, int nq, FloatMatrix base, int k, Metric metric, Neighbors out, int outRow) {
        int d = base.cols();
        TopK[] tops = newTops(nq, k);
        int groups = (nq + LaneKernels.WIDE - 1) / LaneKernels.WIDE;
        int parts = Math.min(groups, threads == 1 ? 1 : threads * TASKS_PER_THREAD);
        run(parts, t -> {
            int from = (int) ((long) groups * t / parts) * LaneKernels.WIDE;
            int to = Math.min(nq, (int) ((long) groups * (t + 1) / parts) * LaneKernels.WIDE);
            List<QueryGroups> packed = QueryGroups.packMixed(q, d, null, from, to - from, metric, useL2Filter(metric, to - from));
            new BlockScanner(d, metric, base.rows(), k, perQuery(nq)).scan(packed, base.segment(), 0, base.rows(), null, tops);
        });
        for (int i = 0; i < nq; i++) tops[i].drainTo(metric, out.distances(), out.labels(), (outRow + i) * k);
    }

    /** Each task scans one range of base rows for all queries; the per-range top-k are merged. */
    private void knnSplitBase(float[] q, int nq, FloatMatrix base, int k, Metric metric, Neighbors out, int outRow) {
        int d = base.cols();
        long n = base.rows();
        List<QueryGroups> packed = QueryGroups.packMixed(q, d, null, 0, nq, metric, useL2Filter(metric, nq));
        int parts = (int) Math.max(1, Math.min(threads * TASKS_PER_THREAD, n / MIN_ROWS_PER_TASK));
        TopK[][] partial = new TopK[parts][];
        run(parts, t -> {
            TopK[] tops = newTops(nq, k);
            long from = n * t / parts;
            long to = n * (t + 1) / parts;
            new BlockScanner(d, metric, to - from, k, perQuery(nq)).scan(packed, base.segment(), from, to, null, tops);
            partial[t] = tops;
        });
        merge(partial, nq, k, metric, out, outRow);
    }

    @Override
    public Neighbors scanLists(FloatMatrix queries, VectorLists lists, int[] probes, int nprobe, int k, Metric metric) {
        KernelChecks.checkScanLists(queries, lists, probes, nprobe, k);
        int nq = (int) queries.rows();
        Neighbors out = Neighbors.empty(nq, k, metric);
        int chunk = chunkSize(k, queries.cols());
        for (int from = 0; from < nq; from += chunk) {
            int count = Math.min(chunk, nq - from);
            float[] q = queries.rowRange(from, count).toArray();
            int[] chunkProbes = Arrays.copyOfRange(probes, from * nprobe, (from + count) * nprobe);
            scanListsChunk(q, count, lists, chunkProbes, k, metric, out, from);
        }
        return out;
    }

    /**
     * Groups the queries by the lists they probe and streams each list once for all of its
     * queries through the register-blocked kernel, so a batch turns a memory-bound scan (one
     * pass over a list per query) into a compute-bound one. Tasks take runs of lists of about
     * equal work; each keeps its own top-k per query, merged at the end.
     */
    private void scanListsChunk(float[] q, int nq, VectorLists lists, int[] probes, int k, Metric metric,
            Neighbors out, int outRow) {
        ProbeGroups byList = ProbeGroups.of(probes, nq, lists.listCount());
        int[] active = byList.activeLists();
        if (active.length == 0) return; // every slot stays empty
        int d = lists.dim();
        int parts = Math.min(active.length, threads == 1 ? 1 : threads * TASKS_PER_THREAD);
        int[] cuts = byList.balancedCuts(active, lists, parts);
        TopK[][] partial = new TopK[parts][];
        run(parts, t -> {
            TopK[] tops = new TopK[nq];
            long longest = 0;
            for (int a = cuts[t]; a < cuts[t + 1]; a++) longest = Math.max(longest, lists.size(active[a]));
            BlockScanner scanner = new BlockScanner(d, metric, longest, k, perQuery(nq));
            for (int a = cuts[t]; a < cuts[t + 1]; a++) {
                int list = active[a];
                int first = byList.start(list);
                int count = byList.count(list);
                for (int m = first; m < first + count; m++) {
                    int query = byList.members()[m];
                    if (tops[query] == null) tops[query] = new TopK(k);
                }
                // No norm filter for list scans: the per-list row norms would cost as much as the
                // scan of a list probed by few queries (faiss's IVF-Flat scans use (x-y)^2 too).
                List<QueryGroups> packed = QueryGroups.packMixed(q, d, byList.members(), first, count, metric, false);
                scanner.scan(packed, lists.vectors(list), 0, lists.size(list), lists.ids(list), tops);
            }
            partial[t] = tops;
        });
        if (parts == 1) {
            TopK[] tops = partial[0];
            for (int i = 0; i < nq; i++) {
                if (tops[i] != null) tops[i].drainTo(metric, out.distances(), out.labels(), (outRow + i) * k);
            }
        } else {
            merge(partial, nq, k, metric, out, outRow);
        }
    }

    /**
     * The L2 norm filter (see {@link BlockScanner}) pays off once the per-block row norms are
     * shared by a few query groups; results are the same bits with or without it.
     */
    private static boolean useL2Filter(Metric metric, int queries) {
        return metric == Metric.L2 && queries >= MIN_QUERIES_FOR_L2_FILTER;
    }

    /**
     * Passes of at most this many queries use {@link QueryKernels} (vectorised over d) instead
     * of the lane kernels, which would run 1 or 2 of their 8 lanes. Decided by the pass size
     * alone, so the thread count still never changes a bit.
     */
    private static boolean perQuery(int queriesInPass) {
        return queriesInPass <= MAX_PER_QUERY_BATCH;
    }

    private static int chunkSize(int k, int d) {
        return Math.max(1, Math.min(QUERY_CHUNK, Math.min(TOP_K_ENTRIES_PER_CHUNK / k, QUERY_FLOATS_PER_CHUNK / d)));
    }

    private static TopK[] newTops(int nq, int k) {
        TopK[] tops = new TopK[nq];
        for (int i = 0; i < nq; i++) tops[i] = new TopK(k);
        return tops;
    }

    /** Merges per-task top-k (null entries: the task never saw that query) into rows of {@code out}. */
    private static void merge(TopK[][] partial, int nq, int k, Metric metric, Neighbors out, int outRow) {
        float[] dist = new float[k];
        long[] label = new long[k];
        TopK merged = new TopK(k);
        for (int i = 0; i < nq; i++) {
            for (TopK[] tops : partial) {
                if (tops[i] == null) continue;
                tops[i].drainTo(metric, dist, label, 0);
                // toKey(fromKey(key)) == key exactly (negation), so merged keys equal the kernel's.
                for (int j = 0; j < k && label[j] >= 0; j++) merged.offer(metric.toKey(dist[j]), label[j]);
            }
            merged.drainTo(metric, out.distances(), out.labels(), (outRow + i) * k);
        }
    }

    @Override
    public void forEachQuery(int nq, IntConsumer body) {
        if (threads == 1 || nq == 1) {
            for (int q = 0; q < nq; q++) body.accept(q);
        } else if (nq > 1) {
            run(nq, body);
        }
    }

    private void run(int parts, IntConsumer body) {
        if (parts == 1) {
            body.accept(0);
            return;
        }
        pool.submit(() -> IntStream.range(0, parts).parallel().forEach(body)).join();
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
