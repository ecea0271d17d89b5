package dev.komsu;

import static dev.komsu.SuiteReference.assertSameResults;

import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Neighbors;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The conformance suite's concurrency checks. Search is thread-safe (DESIGN §3); an add while a
 * search runs, or a search while an add runs, is refused with IllegalStateException.
 */
final class SuiteConcurrency {
    private static final int TASKS = 16;

    private SuiteConcurrency() {
    }

    private record Task(int from, int count, int k, SearchParams params) {
    }

    /**
     * 16 searches with mixed query slices, k, nprobe and kFactor, released together on as many
     * threads as there are processors (at least 2), three rounds, equal bit for bit to the same
     * searches run one after the other. {@code queries} needs 60 rows.
     */
    static void assertConcurrentSearchesEqualSerialOnes(Index index, FloatMatrix queries, String what) throws Exception {
        List<Task> tasks = new ArrayList<>();
        for (int t = 0; t < TASKS; t++) {
            tasks.add(new Task((t * 7) % 30, 5 + (t * 3) % 25, 1 + (t * 7) % 20,
                    SearchParams.builder().nprobe(1 + t % 8).kFactor(1f + t % 5).build()));
        }
        List<Neighbors> serial = new ArrayList<>();
        for (Task t : tasks) serial.add(index.search(queries.rowRange(t.from, t.count), t.k, t.params));
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()));
        try {
            for (int round = 0; round < 3; round++) {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Neighbors>> running = new ArrayList<>();
                for (Task t : tasks) {
                    running.add(pool.submit(() -> {
                        start.await();
                        return index.search(queries.rowRange(t.from, t.count), t.k, t.params);
                    }));
                }
                start.countDown();
                for (int i = 0; i < TASKS; i++) {
                    assertSameResults(serial.get(i), running.get(i).get(), what + ": task " + i + " round " + round);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Runs {@code adds} while two threads search {@code index} (each search may be refused). */
    static void addWhileSearching(Index index, FloatMatrix queries, SearchParams params, Runnable adds) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> searchers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                searchers.add(pool.submit(() -> {
                    for (int i = 0; i < 40 && !stop.get(); i++) { // bounded: refused adds retry until the searchers stop
                        try {
                            index.search(queries, 5, params);
                        } catch (IllegalStateException refused) {
                            // refused while an add runs: allowed
                        }
                    }
                    return null;
                }));
            }
            adds.run();
            stop.set(true);
            for (Future<?> f : searchers) f.get();
        } finally {
            pool.shutdownNow();
        }
    }

    /** Runs {@code add} until it is not refused for a running search. */
    static void retryWhileRefused(Runnable add) {
        while (true) {
            try {
                add.run();
                return;
            } catch (IllegalStateException refused) {
                Thread.onSpinWait();
            }
        }
    }
}
