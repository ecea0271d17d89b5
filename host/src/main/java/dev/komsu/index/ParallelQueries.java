package dev.komsu.index;

import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Runs a per-query body for every query of a batch, in parallel on the common fork-join pool
 * when there is more than one query. The bodies must only write their own query's results.
 */
final class ParallelQueries {
    private ParallelQueries() {
    }

    static void forEach(int nq, IntConsumer body) {
        if (nq == 1) {
            body.accept(0);
        } else {
            IntStream.range(0, nq).parallel().forEach(body);
        }
    }
}
