package dev.komsu.kernels.cpu;

import dev.komsu.kernels.BaseProjection;
import dev.komsu.kernels.DenseRefine;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.TopK;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The pruned path's first stage for short bases, without a candidate heap: every estimate of a
 * run of queries over the projected rows is kept ({@link BlockScanner#keys}); per query, the
 * {@link #SEEDS} (at least k) best estimates get exact keys, whose k-th bounds the query's k-th
 * exact key from above; then
 * every row whose estimate is below {@link DenseRefine#ceiling} of that key gets an exact key
 * too. Any other row has a lower bound above it and cannot enter, so the top k of the exact
 * keys is the dense path's result, bit for bit.
 *
 * <p>Why: at nprobe 1 (k = 1 over IVF1024's centroids) the heap pass kept 64 candidates, fed
 * ~240 offers per query into a 64-entry heap and heap-sorted it again for the re-check, which
 * cost more than the scan of the projected rows itself (see bench/RESULTS.md, "nprobe 1").
 * One scanner per thread; not thread-safe.
 */
final class PrunedFilter {
    /**
     * Bases of at most this many rows take this stage instead of the heap pass. RVC's IVF5128
     * centroids (chunks of 100 queries, k 1) ran as fast either way (2.01x and 2.11x the dense
     * step, within the noise), so the heap pass keeps the bases it was measured on.
     */
    static final long MAX_ROWS = 4096;
    // Species must be a static final constant (see LaneKernels).
    private static final VectorSpecies<Float> SPECIES = LaneKernels.SPECIES;
    /** Estimates kept at once (256 KiB of floats, runs of queries x rows): stays in L2. */
    private static final int RUN_FLOATS = 1 << 16;
    /**
     * Rows re-checked first, by estimate: the k-th of their exact keys sets the cutoff. At k = 1
     * the best estimate alone is often not the nearest row, and its looser key let through
     * many more rows (one batch of {@link ExactRows} costs little more than one row).
     */
    private static final int SEEDS = 8;

    private final FloatMatrix base;
    private final BaseProjection p;
    private final int k;
    private final int n;
    private final int w;
    private final boolean perQuery;
    private final int runQueries;
    private final BlockScanner scanner;
    private final float[] estimates;
    private final float[] src;
    private final TopK best;
    private final TopK exact;
    private final long[] ids;
    private final ExactRows exactRows;

    /** A stage for {@code base} (at most {@link #MAX_ROWS} rows) and its projection {@code p}; {@code perQuery}: see CpuBackend. */
    PrunedFilter(FloatMatrix base, BaseProjection p, int k, boolean perQuery) {
        this.base = base;
        this.p = p;
        this.k = k;
        this.n = Math.toIntExact(base.rows());
        this.w = p.width();
        this.perQuery = perQuery;
        this.runQueries = Math.max(LaneKernels.WIDE, RUN_FLOATS / Math.max(1, n) / LaneKernels.WIDE * LaneKernels.WIDE);
        this.scanner = new BlockScanner(w, Metric.L2, n, perQuery, p.augmentedNorms());
        this.estimates = new float[runQueries * n];
        this.src = new float[runQueries * w];
        this.best = new TopK(Math.max(k, SEEDS));
        this.exact = new TopK(k);
        this.ids = new long[Math.max(Math.max(k, SEEDS), 64)];
        this.exactRows = new ExactRows(base);
    }

    /**
     * Queries {@code which[from .. to)} of a chunk ({@code q}: its queries, d floats each;
     * {@code u}: their centred augmented rows as the dense kernel takes them; {@code aNorms},
     * {@code lengths}: as for {@link BaseProjection#bound}): each proved query's top k into its
     * row of {@code out} (from {@code outRow}); {@code failed[i]} set for those it could not
     * prove (non-finite data, or a bound too loose to rule out any row).
     */
    void prove(float[] q, float[] u, float[] aNorms, double[] lengths, int[] which, int from, int to, Neighbors out, int outRow,
            boolean[] failed) {
        boolean finite = Float.isFinite(p.augmentedNorms().maxNorm());
        for (int start = from; start < to; start += runQueries) {
            int count = Math.min(runQueries, to - start);
            for (int i = 0; i < count; i++) System.arraycopy(u, which[start + i] * w, src, i * w, w);
            // The dense kernel's queries are packed negated (see CpuBackend.centredQueries).
            List<QueryGroups> groups = perQuery ? QueryGroups.unpacked(src, w, null, 0, count)
                    : QueryGroups.packMixed(src, w, null, 0, count, Metric.INNER_PRODUCT);
            scanner.keys(groups, p.augmented().segment(), n, estimates);
            for (int i = 0; i < count; i++) {
                int query = which[start + i];
                boolean ok = finite && Float.isFinite(aNorms[query]) && proveOne(q, query, i * n, aNorms[query], lengths[query]);
                if (ok) exact.drainTo(Metric.L2, out.distances(), out.labels(), (outRow + query) * k);
                else exact.clear();
                failed[start + i] = !ok;
            }
        }
    }

    /** One query's exact top k into {@link #exact} from its estimates at {@code estimates[eo ..]}; false: not proved. */
    private boolean proveOne(float[] q, int query, int eo, float aNorm, double length) {
        int d = base.cols();
        int upper = eo + SPECIES.loopBound(n);
        // A vector of estimates at a time: once the seeds are found few rows pass either test.
        for (int o = eo; o < upper; o += SPECIES.length()) {
            VectorMask<Float> pass = FloatVector.fromArray(SPECIES, estimates, o).compare(VectorOperators.LE, best.threshold());
            if (!pass.anyTrue()) continue;
            for (int j = 0; j < SPECIES.length(); j++) {
                float e = estimates[o + j];
                if (e <= best.threshold()) best.offer(e, o + j - eo);
            }
        }
        for (int o = upper; o < eo + n; o++) {
            float e = estimates[o];
            if (e <= best.threshold()) best.offer(e, o - eo);
        }
        int taken = best.takeIds(ids);
        if (taken < Math.min(best.capacity(), n)) return false; // NaN estimates
        // Rows re-checked here are not offered again below.
        for (int j = 0; j < taken; j++) estimates[eo + (int) ids[j]] = Float.POSITIVE_INFINITY;
        exactRows.offer(q, query * d, ids, taken, exact);
        if (taken == n) return true;
        float limit = exact.threshold();
        if (!Float.isFinite(limit)) return false;
        float cutoff = DenseRefine.ceiling(p.bound(aNorm, length), limit);
        if (cutoff == Float.POSITIVE_INFINITY) return false; // nothing ruled out: the heap pass or the dense path
        int m = 0;
        for (int o = eo; o < eo + n; o += SPECIES.length()) {
            if (o < upper && !FloatVector.fromArray(SPECIES, estimates, o).compare(VectorOperators.LT, cutoff).anyTrue()) continue;
            for (int r = o - eo, end = Math.min(n, r + SPECIES.length()); r < end; r++) {
                if (estimates[eo + r] < cutoff) {
                    ids[m++] = r;
                    if (m == ids.length) {
                        exactRows.offer(q, query * d, ids, m, exact);
                        m = 0;
                    }
                }
            }
        }
        exactRows.offer(q, query * d, ids, m, exact);
        return true;
    }
}
