package dev.komsu.index;

import dev.komsu.RangeSearchResult;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.Refiner;
import dev.komsu.kernels.ResidentMatrix;
import java.util.Arrays;
import java.util.function.LongUnaryOperator;

/**
 * The hits of one range search, per query, turned into faiss's lims/D/I layout at the end
 * ({@link #result}). Each hit carries a sort key: the result lists a query's hits in key order,
 * which is how an index reproduces faiss's scan order (id for Flat, probed list then list
 * position for IVF). Distances come from the backend's {@link Refiner}: exact, direct-form
 * distances of given candidates, what faiss's range search compares with the radius.
 * Not thread-safe: one search fills it from one thread (the refine inside is parallel).
 */
final class RangeHits {
    /** Candidate slots of one refine call at most (16 MiB of ids), so a batch's memory stays bounded. */
    static final int CANDIDATES_PER_CALL = 2 << 20;

    private final Metric metric;
    private final float radius;
    private final long[][] keys;
    private final long[][] labels;
    private final float[][] distances;
    private final int[] counts;

    RangeHits(int nq, Metric metric, float radius) {
        this.metric = metric;
        this.radius = radius;
        this.keys = new long[nq][];
        this.labels = new long[nq][];
        this.distances = new float[nq][];
        this.counts = new int[nq];
    }

    /**
     * faiss's range test: distances (squared L2, L1, L-infinity) strictly below the radius,
     * inner product strictly above.
     */
    boolean within(float distance) {
        return metric.isSimilarity() ? distance > radius : distance < radius;
    }

    void add(int q, long key, long label, float distance) {
        int n = counts[q];
        if (keys[q] == null || n == keys[q].length) {
            int cap = keys[q] == null ? 8 : Math.multiplyExact(n, 2);
            keys[q] = keys[q] == null ? new long[cap] : Arrays.copyOf(keys[q], cap);
            labels[q] = labels[q] == null ? new long[cap] : Arrays.copyOf(labels[q], cap);
            distances[q] = distances[q] == null ? new float[cap] : Arrays.copyOf(distances[q], cap);
        }
        keys[q][n] = key;
        labels[q][n] = label;
        distances[q][n] = distance;
        counts[q] = n + 1;
    }

    /**
     * Refines {@code candidates} ({@code kIn} rows of {@code base} per row of {@code queries},
     * entries below 0 skipped) to exact distances and adds those within the radius: query row i
     * is query {@code queryNumbers[i]}, a hit on base row r gets {@code labelOf(r)} and {@code keyOf.key(i, r)}.
     */
    void addRefined(Refiner refiner, FloatMatrix queries, int[] queryNumbers, ResidentMatrix base, long[] candidates,
                    int kIn, LongUnaryOperator labelOf, SortKey keyOf) {
        addSorted(refiner.refine(queries, base, candidates, kIn, kIn, metric), queryNumbers, labelOf, keyOf);
    }

    /** As {@link #addRefined(Refiner, FloatMatrix, int[], ResidentMatrix, long[], int, LongUnaryOperator, SortKey)} over a host matrix. */
    void addRefined(Refiner refiner, FloatMatrix queries, int[] queryNumbers, FloatMatrix base, long[] candidates,
                    int kIn, LongUnaryOperator labelOf, SortKey keyOf) {
        addSorted(refiner.refine(queries, base, candidates, kIn, kIn, metric), queryNumbers, labelOf, keyOf);
    }

    /** The refine result is best first: a query's hits end at its first miss. */
    private void addSorted(Neighbors r, int[] queryNumbers, LongUnaryOperator labelOf, SortKey keyOf) {
        for (int i = 0; i < r.nq(); i++) {
            for (int j = 0; j < r.k(); j++) {
                long row = r.label(i, j);
                float d = r.distance(i, j);
                if (row < 0 || !within(d)) break;
                add(queryNumbers[i], keyOf.key(i, row), labelOf.applyAsLong(row), d);
            }
        }
    }

    /** The sort key of a hit on base row {@code row} for query row {@code queryRow} of a refine call. */
    @FunctionalInterface
    interface SortKey {
        long key(int queryRow, long row);
    }

    /** The hits in faiss's layout, each query's in key order. */
    RangeSearchResult result() {
        int nq = counts.length;
        long[] lims = new long[nq + 1];
        for (int q = 0; q < nq; q++) lims[q + 1] = lims[q] + counts[q];
        int total = Math.toIntExact(lims[nq]);
        long[] outLabels = new long[total];
        float[] outDistances = new float[total];
        for (int q = 0; q < nq; q++) {
            int n = counts[q];
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) order[i] = i;
            long[] k = keys[q];
            Arrays.sort(order, (a, b) -> Long.compare(k[a], k[b]));
            for (int i = 0; i < n; i++) {
                outLabels[(int) lims[q] + i] = labels[q][order[i]];
                outDistances[(int) lims[q] + i] = distances[q][order[i]];
            }
        }
        return new RangeSearchResult(lims, outDistances, outLabels);
    }

    /** Query rows per refine call when each has {@code candidatesPerQuery} candidates: at least 1. */
    static int queriesPerCall(long candidatesPerQuery) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, CANDIDATES_PER_CALL / Math.max(1, candidatesPerQuery)));
    }
}
