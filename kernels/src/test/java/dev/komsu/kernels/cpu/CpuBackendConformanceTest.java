package dev.komsu.kernels.cpu;

import dev.komsu.kernels.BackendConformanceTest;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.DirectReference;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.scalar.ScalarBackend;
import org.junit.jupiter.api.Test;

/** The Vector API backend, with two threads so the parallel path runs. */
class CpuBackendConformanceTest extends BackendConformanceTest {
    @Override
    protected ComputeBackend createBackend() {
        return new CpuBackend(2);
    }

    @Test
    void knnAndScanListsWithAHugeKMatchTheReference() {
        // k far above the base size: the backend bounds its top-k memory per pass, so this
        // batch runs in two passes that must still fill every row, padding faiss's way.
        int k = 100_000;
        ScalarBackend reference = new ScalarBackend();
        try (FloatMatrix q = random(50, 6, 61); FloatMatrix b = random(50, 6, 62);
                TestLists lists = new TestLists(5, 6, 20, 63)) {
            int[] probes = new int[50 * 2];
            for (int i = 0; i < probes.length; i++) probes[i] = i % 5;
            assertMatches(DirectReference.knn(q, b, k, Metric.L2), backend().knn(q, b, k, Metric.L2), Metric.L2);
            assertMatches(reference.scanLists(q, lists, probes, 2, k, Metric.INNER_PRODUCT),
                    backend().scanLists(q, lists, probes, 2, k, Metric.INNER_PRODUCT), Metric.INNER_PRODUCT);
        }
    }
}
