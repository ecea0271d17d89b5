package dev.komsu.bench.data;

import java.util.Objects;

/**
 * Exact nearest neighbours of every query: {@code nq} rows of {@code k} base-row labels, best
 * first (row-major). Computed once per dataset with the knn kernel and cached (see
 * {@link GroundTruthCache}).
 */
public record GroundTruth(int nq, int k, long[] labels) {
    public GroundTruth {
        Objects.requireNonNull(labels, "labels");
        if (nq <= 0 || k <= 0) throw new IllegalArgumentException("need nq > 0 and k > 0, got nq=" + nq + ", k=" + k);
        if (labels.length != (long) nq * k) {
            throw new IllegalArgumentException("ground truth of " + nq + " x " + k + " needs " + (long) nq * k
                    + " labels, got " + labels.length);
        }
    }

    public long label(int query, int rank) {
        return labels[query * k + rank];
    }

    /**
     * Queries whose top-{@code depth} sets differ between this and {@code other} (e.g. faiss's
     * ground truth from make_datasets.py). Sets, not order: exact ties may be ordered differently.
     */
    public int queriesWithDifferentTop(GroundTruth other, int depth) {
        if (other.nq != nq) throw new IllegalArgumentException("ground truths cover " + nq + " and " + other.nq + " queries");
        if (depth > k || depth > other.k) {
            throw new IllegalArgumentException("depth " + depth + " exceeds k (" + k + " and " + other.k + ")");
        }
        int differ = 0;
        java.util.Set<Long> mine = new java.util.HashSet<>();
        for (int q = 0; q < nq; q++) {
            mine.clear();
            for (int r = 0; r < depth; r++) mine.add(label(q, r));
            for (int r = 0; r < depth; r++) {
                if (!mine.contains(other.label(q, r))) {
                    differ++;
                    break;
                }
            }
        }
        return differ;
    }
}
