package dev.komsu.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.komsu.io.LoadedIndex;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class IndexCacheTest {
    @Test
    void concurrentTasksShareOneLoadedIndexPerFile() throws Exception {
        Path file = TestSpark.index("cache-a.index", "IVF8,Flat");
        IndexCache cache = new IndexCache(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<LoadedIndex>> seen = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                seen.add(pool.submit(() -> {
                    try (IndexCache.Lease lease = cache.acquire(file)) {
                        return lease.loaded();
                    }
                }));
            }
            for (Future<LoadedIndex> f : seen) assertSame(seen.getFirst().get(), f.get());
            assertEquals(1, cache.size());
        } finally {
            pool.shutdown();
            cache.closeAll();
        }
    }

    @Test
    void idleIndexesBeyondTheLimitAreClosedOldestFirstButNotWhileInUse() throws Exception {
        Path a = TestSpark.index("cache-a.index", "IVF8,Flat");
        Path b = TestSpark.index("cache-b.index", "IVF8,Flat");
        IndexCache cache = new IndexCache(0);
        try (IndexCache.Lease la = cache.acquire(a)) {
            try (IndexCache.Lease lb = cache.acquire(b)) {
                assertEquals(2, cache.size(), "both in use: both open");
            }
            assertEquals(1, cache.size(), "b idle beyond the limit of 0: closed");
            LoadedIndex first = la.loaded();
            try (IndexCache.Lease again = cache.acquire(a)) {
                assertSame(first, again.loaded());
            }
        }
        assertEquals(0, cache.size());
        try (IndexCache.Lease reopened = cache.acquire(a)) {
            assertEquals(TestSpark.N, reopened.loaded().index().ntotal());
        }
        assertThrows(java.io.IOException.class, () -> cache.acquire(a.resolveSibling("none.index")));
        assertEquals(0, cache.size(), "a failed load leaves nothing behind");
        cache.closeAll();
    }
}
