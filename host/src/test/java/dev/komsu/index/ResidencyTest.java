package dev.komsu.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.Index;
import dev.komsu.IndexFactory;
import dev.komsu.SearchParams;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.cpu.CpuBackend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Indexes own their resident handles: prepared on the first search, reused by later ones,
 * closed and prepared again after an add (so the added vectors are searched), and all closed
 * with the index.
 */
class ResidencyTest {
    private static final int D = 16;

    @ParameterizedTest
    @ValueSource(strings = {"Flat", "IVF16,Flat", "IVF16,PQ4", "IVF16,SQ8", "IVF16,PQ4x4fs", "PQ4x4fs", "SQ8",
        "IVF16,PQ4,RFlat"})
    void handlesArePreparedOnceReplacedAfterAnAddAndClosedWithTheIndex(String factory) {
        try (CpuBackend cpu = new CpuBackend(1); FloatMatrix base = TestVectors.clustered(600, D, 1);
             FloatMatrix more = TestVectors.clustered(200, D, 3); FloatMatrix queries = TestVectors.clustered(20, D, 2)) {
            CountingBackend counting = new CountingBackend(cpu);
            SearchParams params = SearchParams.builder().nprobe(4).build();
            try (Index index = IndexFactory.create(D, factory, Metric.L2, counting);
                 Index plain = IndexFactory.create(D, factory, Metric.L2, cpu)) {
                for (Index i : new Index[] {index, plain}) {
                    i.train(base);
                    i.add(base);
                }
                index.search(queries, 5, params);
                int first = counting.prepared.get();
                assertTrue(first > 0, "a search prepares the index's data");
                index.search(queries, 5, params);
                assertEquals(first, counting.prepared.get(), "a second search reuses the handles");

                for (Index i : new Index[] {index, plain}) i.add(more);
                int closedBeforeSearch = counting.closed.get();
                assertTrue(closedBeforeSearch > 0, "an add drops the handles of the old data");
                Neighbors got = index.search(queries, 5, params);
                Neighbors expected = plain.search(queries, 5, params);
                assertArrayEquals(expected.labels(), got.labels(), "the added vectors are searched");
                assertTrue(counting.prepared.get() > first, "prepared again after the add");
            }
            assertEquals(counting.prepared.get(), counting.closed.get(), "every handle is closed with the index");
        }
    }
}
