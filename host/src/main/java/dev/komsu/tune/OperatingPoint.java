package dev.komsu.tune;

import dev.komsu.SearchParams;

/**
 * One measured setting: its search parameters (combination {@code cno} of the space), the recall
 * it reached and the seconds one search of the {@code nq} queries took (the best of the repeats).
 */
public record OperatingPoint(SearchParams params, int cno, double recall, double seconds, long nq) {
    public double qps() {
        return nq / seconds;
    }

    public double msPerQuery() {
        return seconds * 1e3 / nq;
    }
}
