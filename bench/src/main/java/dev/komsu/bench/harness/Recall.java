package dev.komsu.bench.harness;

import dev.komsu.bench.data.GroundTruth;

/**
 * Recall figures as FAISS_REFERENCE.md defines them, so komsu, Debian's faiss and the
 * reference rows are comparable: {@code R1@1} (1-recall@1: the true nearest neighbour is
 * ranked first), {@code R1@10} (it is among the first 10) and {@code R10@10} (recall@10: the
 * share of the true 10 nearest among the first 10 returned). Averaged over queries.
 */
public record Recall(double r1At1, double r1At10, double r10At10) {
    /** Results must have at least this many columns. */
    public static final int DEPTH = 10;

    /**
     * @param labels row-major search results, {@code gt.nq()} rows of {@code k} labels (-1 = empty slot)
     * @param k      columns per row, at least {@link #DEPTH}
     */
    public static Recall of(long[] labels, int k, GroundTruth gt) {
        if (k < DEPTH) throw new IllegalArgumentException("recall@10 needs k >= 10 results per query, got k=" + k);
        if (gt.k() < DEPTH) throw new IllegalArgumentException("ground truth has k=" + gt.k() + ", needs >= 10");
        if (labels.length != (long) gt.nq() * k) {
            throw new IllegalArgumentException("results hold " + labels.length + " labels, expected nq*k = "
                    + gt.nq() + "*" + k + " = " + (long) gt.nq() * k);
        }
        long hits1At1 = 0;
        long hits1At10 = 0;
        long hits10At10 = 0;
        for (int q = 0; q < gt.nq(); q++) {
            int row = q * k;
            long nearest = gt.label(q, 0);
            if (labels[row] == nearest) hits1At1++;
            for (int r = 0; r < DEPTH; r++) {
                long found = labels[row + r];
                if (found < 0) continue;
                if (found == nearest) hits1At10++;
                for (int t = 0; t < DEPTH; t++) {
                    if (gt.label(q, t) == found) {
                        hits10At10++;
                        break;
                    }
                }
            }
        }
        double nq = gt.nq();
        return new Recall(hits1At1 / nq, hits1At10 / nq, hits10At10 / (nq * DEPTH));
    }
}
