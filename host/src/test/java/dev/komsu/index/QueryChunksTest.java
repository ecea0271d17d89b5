package dev.komsu.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.cpu.CpuBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class QueryChunksTest {
    @Test
    void sizeStaysWithinTheBudgetAndTheBatchAndIsAtLeastOne() {
        assertEquals(4, QueryChunks.size(10, 8, 32));
        assertEquals(10, QueryChunks.size(10, 1, 1000));
        assertEquals(1, QueryChunks.size(10, 1000, 10));
        assertEquals(1, QueryChunks.size(0, 8, 1000));
        assertEquals(3, QueryChunks.size(3, 0, 1000));
    }

    @Test
    void sequentialChunksCoverTheBatchInOrder() {
        List<String> seen = new ArrayList<>();
        QueryChunks.sequential(10, 3, (from, count) -> seen.add(from + "+" + count));
        assertEquals(List.of("0+3", "3+3", "6+3", "9+1"), seen);
        seen.clear();
        QueryChunks.sequential(0, 3, (from, count) -> seen.add(from + "+" + count));
        assertEquals(List.of(), seen);
    }

    @Test
    void parallelChunksVisitEveryQueryExactlyOnce() {
        try (CpuBackend backend = new CpuBackend(2)) {
            AtomicIntegerArray visits = new AtomicIntegerArray(1001);
            QueryChunks.parallel(backend, 1001, 7, (from, count) -> {
                for (int q = from; q < from + count; q++) visits.incrementAndGet(q);
            });
            for (int q = 0; q < 1001; q++) assertEquals(1, visits.get(q), "query " + q);
        }
    }

    @Test
    void slicesOfACoarseResultAndCopiesOfAChunkResultLandOnTheirQueries() {
        // 3 queries, nprobe 2
        Neighbors coarse = new Neighbors(3, 2, new float[] {0.5f, 1.5f, 2.5f, 3.5f, 4.5f, 5.5f}, new long[] {4, 1, -1, 7, 2, 0});
        assertArrayEquals(new int[] {-1, 7, 2, 0}, QueryChunks.probes(coarse, 1, 2));
        assertArrayEquals(new float[] {2.5f, 3.5f}, QueryChunks.coarseDistances(coarse, 1, 1));
        Neighbors out = new Neighbors(3, 2, new float[6], new long[6]);
        QueryChunks.copyInto(new Neighbors(1, 2, new float[] {9f, 8f}, new long[] {90, 80}), out, 2);
        assertArrayEquals(new long[] {0, 0, 0, 0, 90, 80}, out.labels());
        assertArrayEquals(new float[] {0, 0, 0, 0, 9f, 8f}, out.distances());
    }
}
