package dev.komsu.kernels.cpu;

import dev.komsu.kernels.BaseNorms;
import dev.komsu.kernels.BaseProjection;
import dev.komsu.kernels.DenseRefine;
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
 * <p>{@link #knn} runs the dense kernel (dot-product tiles on centred rows, the L2 expansion)
 * and returns the exact top-k under {@link DenseRefine#exactKey}: bit for bit the scalar
 * twin's result, for any thread count, split or batch size. List scans ({@link #scanLists})
 * use the direct form; there too every (query, row) distance is computed with the same
 * operations in the same order wherever it lands, and the top-k kept is the k smallest (key,
 * id) pairs, which does not depend on the order they are offered in. Passes of one or two
 * queries use {@link QueryKernels}, whose sums may differ from the lane kernels' in the last
 * bits (like faiss, whose Flat search switches code path at 20 queries); the choice depends on
 * the pass size only.
 */
public final class CpuBackend implements CpuBatchedOperations {
    /** Queries handled per pass at most: bounds the packed copy of the queries. */
    private static final int QUERY_CHUNK = 4096;
    /** Rows {@link #project} hands to one task. */
    private static final int PROJECTION_BLOCK = 1024;
    /**
     * Queries per pass of a list scan at most (the other bounds below still apply): each pass
     * reads every list it probes once, so at nprobe 1 passes of 4096 read Fashion-MNIST's
     * 188 MB of IVF1024 lists 2.4 times per 10000 queries and gave each list ~4 queries (half
     * a narrow group's lanes).
     */
    private static final int LIST_QUERY_CHUNK = 1 << 15;
    /** Top-k entries kept per pass at most (12 bytes each), so a large k shrinks the pass. */
    private static final int TOP_K_ENTRIES_PER_CHUNK = 1 << 22;
    /** Query floats copied per pass at most (64 MiB), so a huge d shrinks the pass too. */
    private static final int QUERY_FLOATS_PER_CHUNK = 1 << 24;
    /** Work items per thread, so a thread slowed by other load does not hold up the call. */
    private static final int TASKS_PER_THREAD = 2;
    /** Passes of at most this many queries run one query at a time ({@link QueryKernels}). */
    private static final int MAX_PER_QUERY_BATCH = 2;
    /**
     * The pruned path serves k up to rows / this: the larger k, the more rows reach the exact
     * re-check. On Fashion-MNIST's IVF1024 centroids (searches of 10000 queries) its coarse
     * step took 0.51x the dense one's time at k = 1, 0.71x at k = 4, 1.15x at k = 16.
     */
    private static final long ROWS_PER_PRUNED_K = 128;
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
        if (metric.isElementwise()) return ElementwiseScan.knn(queries, base, k, metric, threads * TASKS_PER_THREAD, this::run);
        if (!KernelChecks.normsFit(base)) return knnDirect(queries, base, k, metric);
        return knn(queries, base, BaseNorms.of(base, metric), k, metric);
    }

    /**
     * The dense path: every query's {@link DenseRefine#candidates} best rows by the dot-product
     * tile's estimate ({@link BlockScanner}'s dense mode), re-checked exactly by
     * {@link DenseRefine}; the few queries it cannot prove are re-scanned in the direct form.
     * The result is the exact top-k under {@link DenseRefine#exactKey}, bit for bit what the
     * scalar twin returns.
     */
    @Override
    public Neighbors knn(FloatMatrix queries, FloatMatrix base, BaseNorms norms, int k, Metric metric) {
        return knn(queries, null, base, norms, k, metric);
    }

    /** The dense or pruned path, with the queries' projection computed once by the caller where it fits. */
    @Override
    public Neighbors knn(FloatMatrix queries, BaseProjection.Queries projected, FloatMatrix base, BaseNorms norms, int k,
            Metric metric) {
        if (metric.isElementwise()) return knn(queries, base, k, metric); // no norms: no expansion for L1 / L-infinity
        KernelChecks.checkKnn(queries, base, norms, k, metric);
        int nq = (int) queries.rows();
        int d = base.cols();
        Neighbors out = Neighbors.empty(nq, k, metric);
        boolean pruned = metric == Metric.L2 && norms.projection() != null && k <= base.rows() / ROWS_PER_PRUNED_K;
        int m = pruned ? Math.max(DenseRefine.candidates(k, base.rows()), widerCandidates(prunedCandidates(k, base.rows()), base.rows()))
                : DenseRefine.candidates(k, base.rows());
        int chunk = chunkSize(m, d, QUERY_CHUNK);
        // The caller's projection of these queries, where it was made with this base's basis.
        BaseProjection.Queries reuse = pruned && projected != null && projected.fit(norms.projection(), nq) ? projected : null;
        for (int from = 0; from < nq; from += chunk) {
            int count = Math.min(chunk, nq - from);
            float[] q = queries.rowRange(from, count).toArray();
            if (pruned) prunedChunk(q, count, reuse, from, base, norms, k, out, from);
            else denseChunk(q, count, base, norms, k, metric, out, from);
        }
        return out;
    }

    /** Vectorised ({@link QueryProjection}), in blocks spread over the threads. */
    @Override
    public BaseProjection.Queries project(BaseProjection p, FloatMatrix queries) {
        int nq = Math.toIntExact(queries.rows());
        int w = p.width();
        float[] rows = new float[Math.multiplyExact(nq, w)];
        double[] lengths = new double[nq];
        int blocks = (nq + PROJECTION_BLOCK - 1) / PROJECTION_BLOCK;
        int parts = Math.min(blocks, threads == 1 ? 1 : threads * TASKS_PER_THREAD);
        run(parts, part -> {
            for (int b = part; b < blocks; b += parts) {
                int from = b * PROJECTION_BLOCK;
                int count = Math.min(PROJECTION_BLOCK, nq - from);
                double[] blockLengths = new double[count];
                float[] projected = QueryProjection.project(p, queries.rowRange(from, count).toArray(), count, blockLengths);
                System.arraycopy(projected, 0, rows, from * w, count * w);
                System.arraycopy(blockLengths, 0, lengths, from, count);
            }
        });
        return p.queries(rows, lengths);
    }

    /**
     * The pruned L2 path, for bases whose norms carry a {@link BaseProjection}: stage 1 is the
     * dense scan over the projected rows (m+1 columns instead of d), keeping each query's best
     * rows by the lower bound's estimate; stage 2 is {@link DenseRefine} with the projection's
     * bound, so only the rows that might still be in the top k get an exact key in d dimensions.
     * Queries it cannot prove (their top k lies beyond the candidates) run again with
     * {@link #widerCandidates}, and what is left takes the dense path. Same exact result, bit
     * for bit, whichever pass proves a query.
     */
    private void prunedChunk(float[] q, int nq, BaseProjection.Queries projected, int projectedFrom, FloatMatrix base,
            BaseNorms norms, int k, Neighbors out, int outRow) {
        BaseProjection p = norms.projection();
        int d = base.cols();
        int w = p.width();
        double[] lengths = projected != null ? projected.lengths(projectedFrom, nq) : new double[nq];
        float[] a = projected != null ? projected.rows(p, projectedFrom, nq) : QueryProjection.project(p, q, nq, lengths);
        float[] aNorms = new float[nq];
        float[] u = centredQueries(a, nq, w, p.augmentedNorms(), Metric.L2, aNorms);
        int[] which = IntStream.range(0, nq).toArray();
        int first = prunedCandidates(k, base.rows());
        // The k-th exact key each query found in the first pass bounds its true k-th key from
        // above: the second pass offers only rows whose estimate could beat it.
        float[] upper = new float[nq];
        if (base.rows() <= PrunedFilter.MAX_ROWS) {
            Arrays.fill(upper, Float.POSITIVE_INFINITY); // no ceiling from it for the second pass
            which = filterPass(q, u, aNorms, lengths, which, base, p, k, out, outRow);
        } else {
            which = prunedPass(q, u, aNorms, lengths, which, first, null, upper, base, p, k, out, outRow);
        }
        if (which.length > 0 && first < base.rows()) {
            float[] ceilings = new float[which.length];
            boolean finite = Float.isFinite(p.augmentedNorms().maxNorm());
            for (int i = 0; i < which.length; i++) {
                int query = which[i];
                // Non-finite data: no ceiling (a NaN estimate is neither above nor below one).
                ceilings[i] = finite && Float.isFinite(aNorms[query]) && Float.isFinite(upper[query])
                        ? DenseRefine.ceiling(p.bound(aNorms[query], lengths[query]), upper[query])
                        : Float.POSITIVE_INFINITY;
            }
            which = prunedPass(q, u, aNorms, lengths, which, widerCandidates(first, base.rows()), ceilings, upper, base, p, k,
                    out, outRow);
        }
        if (which.length == 0) return;
        float[] rest = new float[which.length * d];
        for (int i = 0; i < which.length; i++) System.arraycopy(q, which[i] * d, rest, i * d, d);
        Neighbors dense = Neighbors.empty(which.length, k, Metric.L2);
        denseChunk(rest, which.length, base, norms, k, Metric.L2, dense, 0);
        for (int i = 0; i < which.length; i++) {
            System.arraycopy(dense.distances(), i * k, out.distances(), (outRow + which[i]) * k, k);
            System.arraycopy(dense.labels(), i * k, out.labels(), (outRow + which[i]) * k, k);
        }
    }

    /**
     * One pass of {@link #prunedChunk} for the queries {@code which} ({@code u}: the centred
     * augmented queries of the chunk), keeping {@code candidates} per query below its
     * {@code ceilings} entry (null: none); returns the queries it could not prove, with the
     * k-th exact key each found in {@code upper}.
     */
    private int[] prunedPass(float[] q, float[] u, float[] aNorms, double[] lengths, int[] which, int candidates,
            float[] ceilings, float[] upper, FloatMatrix base, BaseProjection p, int k, Neighbors out, int outRow) {
        int d = base.cols();
        int w = p.width();
        int nq = which.length;
        float[] src = new float[nq * w];
        for (int i = 0; i < nq; i++) System.arraycopy(u, which[i] * w, src, i * w, w);
        TopK[] estimates = scan(src, nq, p.augmented(), candidates, ceilings, Metric.L2, p.augmentedNorms(), perQuery(nq));
        boolean[] failed = new boolean[nq];
        int parts = Math.min(nq, threads == 1 ? 1 : threads * TASKS_PER_THREAD);
        run(parts, t -> {
            TopK exact = new TopK(k);
            float[] keys = new float[candidates];
            long[] ids = new long[candidates];
            for (int i = nq * t / parts; i < nq * (t + 1) / parts; i++) {
                int query = which[i];
                DenseRefine.LowerBound bound = p.bound(aNorms[query], lengths[query]);
                if (DenseRefine.refine(Metric.L2, estimates[i], bound, q, query * d, base, exact, keys, ids)) {
                    exact.drainTo(Metric.L2, out.distances(), out.labels(), (outRow + query) * k);
                } else {
                    upper[query] = exact.threshold();
                    exact.clear();
                    failed[i] = true;
                }
            }
        });
        return IntStream.range(0, nq).filter(i -> failed[i]).map(i -> which[i]).toArray();
    }

    /**
     * {@link #prunedChunk}'s first stage on short bases ({@link PrunedFilter}) for the queries
     * {@code which}; returns those it could not prove.
     */
    private int[] filterPass(float[] q, float[] u, float[] aNorms, double[] lengths, int[] which, FloatMatrix base,
            BaseProjection p, int k, Neighbors out, int outRow) {
        int nq = which.length;
        boolean[] failed = new boolean[nq];
        boolean single = perQuery(nq);
        int parts = Math.min(nq, threads == 1 ? 1 : threads * TASKS_PER_THREAD);
        run(parts, t -> new PrunedFilter(base, p, k, single)
                .prove(q, u, aNorms, lengths, which, nq * t / parts, nq * (t + 1) / parts, out, outRow, failed));
        return IntStream.range(0, nq).filter(i -> failed[i]).map(i -> which[i]).toArray();
    }

    /**
     * Candidates the pruned path's first pass keeps per query: its estimates rank rows less
     * sharply than the dense kernel's, so more than {@link DenseRefine#candidates}; stage 2
     * stops at the first candidate it can rule out, so unused ones cost only their offer. On
     * RVC's IVF5128 at k = 1 (64 candidates) no query of 500 needed the second pass and a chunk
     * took 7.2 ms; with 16 candidates 85% did (9.3 ms), with 28, 4% (8.4 ms).
     */
    public static int prunedCandidates(int k, long n) {
        return (int) Math.max(1, Math.min(n, 8L * k + 56));
    }

    /**
     * Candidates of the second pass, for the queries the first could not prove: room for a
     * sixteenth of the base (Fashion-MNIST Flat at k = 10 needed ~460 exact keys per query
     * for a proof), at least eight times the first pass. The ceiling keeps most of it empty.
     */
    public static int widerCandidates(int first, long n) {
        return (int) Math.min(n, Math.max(8L * first, n / 16));
    }

    /** {@link #knn}'s dense path for {@code nq} queries {@code q}, into rows {@code outRow ..} of {@code out}. */
    private void denseChunk(float[] q, int nq, FloatMatrix base, BaseNorms norms, int k, Metric metric, Neighbors out,
            int outRow) {
        int d = base.cols();
        int m = DenseRefine.candidates(k, base.rows());
        float[] qNorms = new float[nq];
        float[] u = centredQueries(q, nq, d, norms, metric, qNorms);
        TopK[] estimates = scan(u, nq, base, m, metric, norms, perQuery(nq));
        boolean[] failed = new boolean[nq];
        int parts = Math.min(nq, threads == 1 ? 1 : threads * TASKS_PER_THREAD);
        run(parts, t -> {
            TopK exact = new TopK(k);
            float[] keys = new float[m];
            long[] ids = new long[m];
            for (int i = nq * t / parts; i < nq * (t + 1) / parts; i++) {
                if (DenseRefine.refine(metric, estimates[i], q, i * d, qNorms[i], norms, base, exact, keys, ids)) {
                    exact.drainTo(metric, out.distances(), out.labels(), (outRow + i) * k);
                } else {
                    exact.clear();
                    failed[i] = true;
                }
            }
        });
        rescanDirect(q, failed, base, k, metric, out, outRow);
    }

    /**
     * The queries as the dense kernel takes them, row-major: {@code 2 fl(q - c)} for L2 (the
     * packing negates them), {@code q} for inner product; their centred squared norms into
     * {@code qNorms}.
     */
    private static float[] centredQueries(float[] q, int nq, int d, BaseNorms norms, Metric metric, float[] qNorms) {
        float scale = metric == Metric.L2 ? 2f : 1f;
        float[] u = new float[nq * d];
        float[] row = new float[d];
        for (int i = 0; i < nq; i++) {
            qNorms[i] = norms.centre(q, i * d, row);
            for (int c = 0; c < d; c++) u[i * d + c] = scale * row[c];
        }
        return u;
    }

    /** The queries {@link DenseRefine} could not prove, in the direct form (same exact keys). */
    private void rescanDirect(float[] q, boolean[] failed, FloatMatrix base, int k, Metric metric, Neighbors out, int outRow) {
        int d = base.cols();
        int[] which = IntStream.range(0, failed.length).filter(i -> failed[i]).toArray();
        if (which.length == 0) return;
        float[] src = new float[which.length * d];
        for (int i = 0; i < which.length; i++) System.arraycopy(q, which[i] * d, src, i * d, d);
        // Lane kernels only (perQuery false): their keys are DenseRefine.exactKey's bits.
        TopK[] tops = scan(src, which.length, base, k, metric, null, false);
        for (int i = 0; i < which.length; i++) tops[i].drainTo(metric, out.distances(), out.labels(), (outRow + which[i]) * k);
    }

    /** Bases too long for {@link BaseNorms}: every key in the direct form. */
    private Neighbors knnDirect(FloatMatrix queries, FloatMatrix base, int k, Metric metric) {
        int nq = (int) queries.rows();
        Neighbors out = Neighbors.empty(nq, k, metric);
        int chunk = chunkSize(k, queries.cols(), QUERY_CHUNK);
        for (int from = 0; from < nq; from += chunk) {
            int count = Math.min(chunk, nq - from);
            TopK[] tops = scan(queries.rowRange(from, count).toArray(), count, base, k, metric, null, perQuery(count));
            for (int i = 0; i < count; i++) tops[i].drainTo(metric, out.distances(), out.labels(), (from + i) * k);
        }
        return out;
    }

    /**
     * Every query's top-{@code capacity} over the whole base, {@link BlockScanner} in the dense
     * mode (with {@code dense}: queries as {@link #centredQueries} makes them) or the direct one.
     * Too few query groups to keep every thread busy (single queries, small RVC chunks): the
     * base is split into row ranges whose top-k are merged; otherwise each task takes a run of
     * query groups and scans the whole base for them.
     */
    private TopK[] scan(float[] src, int nq, FloatMatrix base, int capacity, Metric metric, BaseNorms dense, boolean perQuery) {
        return scan(src, nq, base, capacity, null, metric, dense, perQuery);
    }

    /** {@link #scan} with a {@link TopK} ceiling per query ({@code ceilings} null: none). */
    private TopK[] scan(float[] src, int nq, FloatMatrix base, int capacity, float[] ceilings, Metric metric, BaseNorms dense,
            boolean perQuery) {
        int d = base.cols();
        long n = base.rows();
        // The dense kernel's queries are packed negated for both metrics (see centredQueries).
        Metric packing = dense != null ? Metric.INNER_PRODUCT : metric;
        int groups = (nq + LaneKernels.WIDE - 1) / LaneKernels.WIDE;
        if (threads > 1 && groups < threads * TASKS_PER_THREAD) {
            List<QueryGroups> packed = perQuery ? QueryGroups.unpacked(src, d, null, 0, nq)
                    : QueryGroups.packMixed(src, d, null, 0, nq, packing);
            int parts = (int) Math.max(1, Math.min(threads * TASKS_PER_THREAD, n / MIN_ROWS_PER_TASK));
            TopK[][] partial = new TopK[parts][];
            run(parts, t -> {
                TopK[] tops = newTops(nq, capacity, ceilings);
                long from = n * t / parts;
                long to = n * (t + 1) / parts;
                new BlockScanner(d, metric, to - from, perQuery, dense).scan(packed, base.segment(), from, to, null, tops);
                partial[t] = tops;
            });
            return parts == 1 ? partial[0] : mergeTops(partial, nq, capacity, ceilings);
        }
        TopK[] tops = newTops(nq, capacity, ceilings);
        int parts = Math.min(groups, threads == 1 ? 1 : threads * TASKS_PER_THREAD);
        run(parts, t -> {
            int from = (int) ((long) groups * t / parts) * LaneKernels.WIDE;
            int to = Math.min(nq, (int) ((long) groups * (t + 1) / parts) * LaneKernels.WIDE);
            List<QueryGroups> packed = perQuery ? QueryGroups.unpacked(src, d, null, from, to - from)
                    : QueryGroups.packMixed(src, d, null, from, to - from, packing);
            new BlockScanner(d, metric, n, perQuery, dense).scan(packed, base.segment(), 0, n, null, tops);
        });
        return tops;
    }

    @Override
    public Neighbors scanLists(FloatMatrix queries, VectorLists lists, int[] probes, int nprobe, int k, Metric metric) {
        KernelChecks.checkScanLists(queries, lists, probes, nprobe, k);
        if (metric.isElementwise()) {
            return ElementwiseScan.scanLists(queries, lists, probes, nprobe, k, metric, threads * TASKS_PER_THREAD, this::run);
        }
        int nq = (int) queries.rows();
        Neighbors out = Neighbors.empty(nq, k, metric);
        int chunk = chunkSize(k, queries.cols(), LIST_QUERY_CHUNK);
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
            // The kernel is chosen by the batch size, not per list: a list probed by one query
            // of a big batch must give the bits it gives in a batch of one (search --batch).
            BlockScanner scanner = new BlockScanner(d, metric, longest, perQuery(nq), null);
            for (int a = cuts[t]; a < cuts[t + 1]; a++) {
                int list = active[a];
                int first = byList.start(list);
                int count = byList.count(list);
                for (int m = first; m < first + count; m++) {
                    int query = byList.members()[m];
                    if (tops[query] == null) tops[query] = new TopK(k);
                }
                // Direct form for list scans: per-list row norms would cost as much as the scan of a
                // list probed by few queries (faiss's IVF-Flat scans use (x-y)^2 too).
                if (count == 1 && metric == Metric.L2 && !perQuery(nq)) {
                    // One query (an RVC chunk's usual case): the lane kernels' bits without a group.
                    int query = byList.members()[first];
                    scanner.scanOne(q, query * d, lists.vectors(list), lists.size(list), lists.ids(list), tops[query]);
                    continue;
                }
                List<QueryGroups> packed = perQuery(nq) ? QueryGroups.unpacked(q, d, byList.members(), first, count)
                        : QueryGroups.packMixed(q, d, byList.members(), first, count, metric);
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
     * Passes of at most this many queries use {@link QueryKernels} (vectorised over d) instead
     * of the lane kernels, which would run 1 or 2 of their 8 lanes. Decided by the pass size
     * alone, so the thread count still never changes a bit.
     */
    private static boolean perQuery(int queriesInPass) {
        return queriesInPass <= MAX_PER_QUERY_BATCH;
    }

    private static int chunkSize(int k, int d, int most) {
        return Math.max(1, Math.min(most, Math.min(TOP_K_ENTRIES_PER_CHUNK / k, QUERY_FLOATS_PER_CHUNK / d)));
    }

    private static TopK[] newTops(int nq, int k) {
        return newTops(nq, k, null);
    }

    private static TopK[] newTops(int nq, int k, float[] ceilings) {
        TopK[] tops = new TopK[nq];
        for (int i = 0; i < nq; i++) tops[i] = ceilings == null ? new TopK(k) : new TopK(k, ceilings[i]);
        return tops;
    }

    /** Merges per-task top-k (null entries: the task never saw that query) into rows of {@code out}. */
    private static void merge(TopK[][] partial, int nq, int k, Metric metric, Neighbors out, int outRow) {
        TopK[] merged = mergeTops(partial, nq, k, null);
        for (int i = 0; i < nq; i++) merged[i].drainTo(metric, out.distances(), out.labels(), (outRow + i) * k);
    }

    /** Per query, the best {@code capacity} entries of all tasks' top-k (null: the task never saw it). */
    private static TopK[] mergeTops(TopK[][] partial, int nq, int capacity, float[] ceilings) {
        float[] keys = new float[capacity];
        long[] ids = new long[capacity];
        TopK[] merged = newTops(nq, capacity, ceilings);
        for (int i = 0; i < nq; i++) {
            for (TopK[] tops : partial) {
                if (tops[i] == null) continue;
                int n = tops[i].size();
                // L2's distances are the raw keys, so the kernel's keys are merged unchanged.
                tops[i].drainTo(Metric.L2, keys, ids, 0);
                for (int j = 0; j < n; j++) merged[i].offer(keys[j], ids[j]);
            }
        }
        return merged;
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
