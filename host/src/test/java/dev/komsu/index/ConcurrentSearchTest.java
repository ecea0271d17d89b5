package dev.komsu.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.Index;
import dev.komsu.IndexFactory;
import dev.komsu.SearchParams;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Search is thread-safe (DESIGN §3): 16 searches at once, released together on as many threads
 * as there are processors (both cores here, not one pinned core as issue 14's probe ran), with
 * mixed nprobe, k and k_factor over slices of the queries, equal bit for bit the same searches
 * run one after the other. Concurrent add during search is refused ({@code ConcurrentAddTest}).
 * Other backends subclass it and override {@link #backend(int)} (the OpenCL one in komsu-cli's
 * tests, which have every backend on the class path).
 */
class ConcurrentSearchTest {
    private static final int D = 16;
    private static final int TASKS = 16;

    private record Task(int from, int count, int k, int nprobe, float kFactor) {
        SearchParams params() {
            return SearchParams.builder().nprobe(nprobe).kFactor(kFactor).build();
        }
    }

    /** The backend the indexes run on, with {@code threads} host threads. */
    ComputeBackend backend(int threads) {
        return Backends.cpu(threads);
    }

    @ParameterizedTest
    @CsvSource({"Flat, L2", "Flat, INNER_PRODUCT", "'IVF8,Flat', L2", "'IVF8,PQ4', L2", "'IVF8,PQ8x4', INNER_PRODUCT",
            "'IVF8,SQ8', L2", "PQ4, L2", "SQ8, INNER_PRODUCT", "PQ8x4fs, L2", "'IVF8,PQ8x4fs', L2", "'IVF8,PQ8x4fs', INNER_PRODUCT",
            "'IVF8,PQ8x4fs,RFlat', L2", "'IVF8,PQ4,RFlat', L2", "'IDMap,IVF8,Flat', L2", "'L2norm,IVF8,Flat', INNER_PRODUCT"})
    @Timeout(120)
    void concurrentSearchesEqualSerialOnesBitForBit(String factory, Metric metric) throws Exception {
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        try (ComputeBackend backend = backend(threads);
             FloatMatrix xs = TestVectors.clustered(4000, D, 11); FloatMatrix qs = TestVectors.clustered(200, D, 12);
             Index index = IndexFactory.create(D, factory, metric, backend)) {
            index.train(xs);
            if (factory.startsWith("IDMap")) {
                long[] ids = new long[4000];
                for (int i = 0; i < ids.length; i++) ids[i] = 10L * i + 3;
                index.addWithIds(xs, ids);
            } else {
                index.add(xs);
            }
            List<Task> tasks = new ArrayList<>();
            for (int t = 0; t < TASKS; t++) {
                tasks.add(new Task((t * 37) % 150, 10 + (t * 13) % 50, 1 + (t * 7) % 20, 1 + t % 8, 1f + t % 5));
            }
            List<Neighbors> serial = new ArrayList<>();
            for (Task t : tasks) serial.add(index.search(qs.rowRange(t.from, t.count), t.k, t.params()));
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                for (int round = 0; round < 3; round++) {
                    CountDownLatch start = new CountDownLatch(1);
                    List<Future<Neighbors>> running = new ArrayList<>();
                    for (Task t : tasks) {
                        running.add(pool.submit(() -> {
                            start.await();
                            return index.search(qs.rowRange(t.from, t.count), t.k, t.params());
                        }));
                    }
                    start.countDown();
                    for (int i = 0; i < TASKS; i++) {
                        Neighbors got = running.get(i).get();
                        assertArrayEquals(serial.get(i).labels(), got.labels(), factory + " task " + i + " round " + round);
                        assertArrayEquals(serial.get(i).distances(), got.distances(), factory + " task " + i + " round " + round);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            assertTrue(serial.stream().anyMatch(n -> n.labels()[0] >= 0), "the searches found something");
        }
    }
}
