package dev.komsu.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.komsu.Index;
import dev.komsu.IndexFactory;
import dev.komsu.SearchParams;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.cpu.CpuBackend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The quantised indexes search through the backend's whole-batch operations (what lets a device
 * backend run them), and get the same results as on the plain backend: a backend that counts
 * the calls of {@link ComputeBackend#pqLists()}, {@link ComputeBackend#fastScanLists()} and
 * {@link ComputeBackend#refiner()} and otherwise delegates ({@link CountingBackend}).
 */
class BatchedBackendOperationsTest {
    private static final int D = 16;

    @ParameterizedTest
    @CsvSource({
        "'IVF16,PQ4', L2, true, false, false",
        "'IVF16,PQ4', INNER_PRODUCT, true, false, false",
        "'PQ4', L2, true, false, false",
        "'IVF16,SQ8', L2, true, false, false",
        "'IVF16,SQ8', INNER_PRODUCT, true, false, false",
        "'IVF16,PQ4x4fs', L2, false, true, false",
        "'PQ4x4fs', L2, false, true, false",
        "'IVF16,PQ4,RFlat', L2, true, false, true",
        "'IVF16,PQ4x4fs,RFlat', L2, false, true, true",
    })
    void searchRunsTheBatchedOperations(String factory, Metric metric, boolean pq, boolean fastScan, boolean refine) {
        try (CpuBackend plain = new CpuBackend(2); FloatMatrix base = TestVectors.clustered(1000, D, 1);
             FloatMatrix queries = TestVectors.clustered(100, D, 2)) {
            CountingBackend counting = new CountingBackend(plain);
            SearchParams params = SearchParams.builder().nprobe(4).kFactor(3).build();
            Neighbors expected;
            Neighbors actual;
            try (Index a = IndexFactory.create(D, factory, metric, plain); Index b = IndexFactory.create(D, factory, metric, counting)) {
                a.train(base);
                a.add(base);
                b.train(base);
                b.add(base);
                expected = a.search(queries, 10, params);
                counting.reset();
                actual = b.search(queries, 10, params);
            }
            assertArrayEquals(expected.labels(), actual.labels());
            assertArrayEquals(expected.distances(), actual.distances());
            assertEquals(pq, counting.pq.get() > 0, "pqLists called: " + counting.pq);
            assertEquals(fastScan, counting.fastScan.get() > 0, "fastScanLists called: " + counting.fastScan);
            assertEquals(refine, counting.refine.get() > 0, "refiner called: " + counting.refine);
        }
    }
}
