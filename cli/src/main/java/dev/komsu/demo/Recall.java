package dev.komsu.demo;

import dev.komsu.kernels.Neighbors;

/**
 * Recall of an approximate result against exact ground truth.
 *
 * @param at1  share of queries whose first result is the exact nearest neighbour
 * @param at10 share of the exact 10 nearest neighbours found among the first 10 results
 */
public record Recall(double at1, double at10) {
    /** Both results must have k >= 10 and the same queries. */
    public static Recall of(Neighbors found, Neighbors exact) {
        if (found.nq() != exact.nq()) {
            throw new IllegalArgumentException("results for " + found.nq() + " and " + exact.nq() + " queries");
        }
        if (found.k() < 10 || exact.k() < 10) {
            throw new IllegalArgumentException("recall@10 needs k >= 10, got " + found.k() + " and " + exact.k());
        }
        long hits1 = 0;
        long hits10 = 0;
        for (int q = 0; q < found.nq(); q++) {
            if (found.label(q, 0) == exact.label(q, 0)) hits1++;
            for (int i = 0; i < 10; i++) {
                long truth = exact.label(q, i);
                for (int j = 0; j < 10; j++) {
                    if (found.label(q, j) == truth) {
                        hits10++;
                        break;
                    }
                }
            }
        }
        return new Recall((double) hits1 / found.nq(), (double) hits10 / (10.0 * found.nq()));
    }
}
