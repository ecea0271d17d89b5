package dev.komsu.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.komsu.Index;
import dev.komsu.IndexFactory;
import dev.komsu.SearchParams;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FastScanKernels;
import dev.komsu.kernels.FastScanListScanner;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.PqKernels;
import dev.komsu.kernels.PqListScanner;
import dev.komsu.kernels.Refiner;
import dev.komsu.kernels.VectorLists;
import dev.komsu.kernels.cpu.CpuBackend;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The quantised indexes search through the backend's whole-batch operations (what lets a device
 * backend run them), and get the same results as on the plain backend: a backend that counts
 * the calls of {@link ComputeBackend#pqLists()}, {@link ComputeBackend#fastScanLists()} and
 * {@link ComputeBackend#refiner()} and otherwise delegates.
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
            Counting counting = new Counting(plain);
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

    /** Delegates everything to {@code inner}, counting how often the batched operations are fetched. */
    private static final class Counting implements ComputeBackend {
        private final ComputeBackend inner;
        final AtomicInteger pq = new AtomicInteger();
        final AtomicInteger fastScan = new AtomicInteger();
        final AtomicInteger refine = new AtomicInteger();

        Counting(ComputeBackend inner) {
            this.inner = inner;
        }

        void reset() {
            pq.set(0);
            fastScan.set(0);
            refine.set(0);
        }

        @Override
        public String name() {
            return "counting-" + inner.name();
        }

        @Override
        public Neighbors knn(FloatMatrix queries, FloatMatrix base, int k, Metric metric) {
            return inner.knn(queries, base, k, metric);
        }

        @Override
        public Neighbors scanLists(FloatMatrix queries, VectorLists lists, int[] probes, int nprobe, int k, Metric metric) {
            return inner.scanLists(queries, lists, probes, nprobe, k, metric);
        }

        @Override
        public FastScanKernels fastScan() {
            return inner.fastScan();
        }

        @Override
        public PqKernels pq() {
            return inner.pq();
        }

        @Override
        public PqListScanner pqLists() {
            pq.incrementAndGet();
            return inner.pqLists();
        }

        @Override
        public FastScanListScanner fastScanLists() {
            fastScan.incrementAndGet();
            return inner.fastScanLists();
        }

        @Override
        public Refiner refiner() {
            refine.incrementAndGet();
            return inner.refiner();
        }

        @Override
        public void forEachQuery(int nq, IntConsumer body) {
            inner.forEachQuery(nq, body);
        }
    }
}
