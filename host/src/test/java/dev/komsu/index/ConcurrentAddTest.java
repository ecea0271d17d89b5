package dev.komsu.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.Index;
import dev.komsu.IndexFactory;
import dev.komsu.SearchParams;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Add during search is refused (IllegalStateException), never a corrupt index (issue 14). */
class ConcurrentAddTest {
    private static final int D = 8;

    @Test
    void theGuardRefusesAnAddDuringASearchAndASearchDuringAnAdd() {
        ConcurrencyGuard g = new ConcurrencyGuard();
        g.enterSearch();
        g.enterSearch();
        IllegalStateException e = assertThrows(IllegalStateException.class, g::enterAdd);
        assertTrue(e.getMessage().contains("add while 2 searches run"), e.getMessage());
        g.exitSearch();
        g.exitSearch();
        g.enterAdd();
        assertThrows(IllegalStateException.class, g::enterSearch);
        assertThrows(IllegalStateException.class, g::enterAdd);
        g.exitAdd();
        g.enterSearch(); // free again
        g.exitSearch();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Flat", "IVF4,PQ4x4fs", "SQ8", "IVF4,PQ4x4fs,RFlat", "L2norm,IVF4,Flat"})
    @Timeout(60)
    void addsRacingSearchesAreRefusedOrCompleteAndTheIndexStaysConsistent(String factory) throws Exception {
        try (FloatMatrix xs = TestVectors.clustered(3000, D, 21); FloatMatrix qs = TestVectors.clustered(20, D, 22);
             Index index = IndexFactory.create(D, factory, Metric.L2)) {
            index.train(xs);
            index.add(xs.rowRange(0, 1000));
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(2);
            List<Future<Integer>> searchers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                searchers.add(pool.submit(() -> {
                    int refused = 0;
                    for (int i = 0; i < 40 && !stop.get(); i++) { // bounded: a refused add retries until they stop
                        try {
                            index.search(qs, 5, SearchParams.builder().nprobe(2).build());
                        } catch (IllegalStateException e) {
                            refused++;
                        }
                    }
                    return refused;
                }));
            }
            long added = 1000;
            int addsRefused = 0;
            for (int from = 1000; from < 3000; from += 100) {
                while (true) {
                    try {
                        index.add(xs.rowRange(from, 100));
                        added += 100;
                        break;
                    } catch (IllegalStateException e) {
                        addsRefused++;
                        Thread.onSpinWait();
                    }
                }
            }
            stop.set(true);
            for (Future<Integer> f : searchers) f.get();
            pool.shutdown();
            assertEquals(added, index.ntotal());
            // the same adds, serially, give the same index
            try (Index serial = IndexFactory.create(D, factory, Metric.L2)) {
                serial.train(xs);
                serial.add(xs.rowRange(0, 1000));
                for (int from = 1000; from < 3000; from += 100) serial.add(xs.rowRange(from, 100));
                SearchParams p = SearchParams.builder().nprobe(4).build();
                Neighbors a = index.search(qs, 10, p);
                Neighbors b = serial.search(qs, 10, p);
                assertArrayEquals(b.labels(), a.labels(), factory + " after " + addsRefused + " refused adds");
                assertArrayEquals(b.distances(), a.distances());
            }
        }
    }
}
