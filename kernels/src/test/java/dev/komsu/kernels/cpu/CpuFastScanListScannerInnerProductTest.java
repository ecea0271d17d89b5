package dev.komsu.kernels.cpu;

import dev.komsu.kernels.scalar.CpuFastScanListScanner;
import dev.komsu.kernels.scalar.ScalarFastScan;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.komsu.kernels.FastScanKernels;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.QuantizedScanConformanceTest.TestBlockLists;
import dev.komsu.kernels.QuantizedTopK;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The batched CPU FastScan with inner product: one CMin-style {@link QuantizedTopK} per query
 * fed its lists in increasing list number, with the scalar and both Vector API kernels.
 */
class CpuFastScanListScannerInnerProductTest {
    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector128", "vector128x256", "vector256", "vector512"})
    void innerProductKeepsTheLargestKeysAsOneHeapPerQueryInListOrder(String kernelName) {
        FastScanKernels kernel = FastScanSelection.named(kernelName);
        int nq = 9, nlist = 10, m2 = 6, nprobe = 4, k = 12;
        SplittableRandom r = new SplittableRandom(17);
        try (TestBlockLists lists = new TestBlockLists(nlist, m2, 120, 23)) {
            byte[] luts = new byte[nq * m2 * 16];
            for (int i = 0; i < luts.length; i++) luts[i] = (byte) r.nextInt(6); // many equal keys
            int[] probes = new int[nq * nprobe];
            int[] biases = new int[nq * nprobe];
            for (int i = 0; i < probes.length; i++) {
                probes[i] = r.nextInt(8) == 0 ? -1 : (i * 7 + i / nprobe) % nlist;
                biases[i] = r.nextInt(50);
            }
            int[] keys = new int[nq * k];
            long[] ids = new long[nq * k];
            new CpuFastScanListScanner(kernel).scan(lists, luts, 1, biases, probes, nprobe, k, keys, ids,
                    Metric.INNER_PRODUCT);
            int[] expectedKeys = new int[k];
            long[] expectedIds = new long[k];
            for (int q = 0; q < nq; q++) {
                QuantizedTopK heap = new QuantizedTopK(k, Metric.INNER_PRODUCT);
                byte[] table = java.util.Arrays.copyOfRange(luts, q * m2 * 16, (q + 1) * m2 * 16);
                for (int list = 0; list < nlist; list++) {
                    for (int p = 0; p < nprobe; p++) {
                        if (probes[q * nprobe + p] != list) continue;
                        ScalarFastScan.INSTANCE.scan(lists.codes(list), 0, lists.size(list), m2, table,
                                biases[q * nprobe + p], lists.ids(list), 0, heap);
                    }
                }
                heap.drainRaw(expectedKeys, expectedIds);
                assertArrayEquals(expectedKeys, java.util.Arrays.copyOfRange(keys, q * k, (q + 1) * k), "keys of query " + q);
                assertArrayEquals(expectedIds, java.util.Arrays.copyOfRange(ids, q * k, (q + 1) * k), "ids of query " + q);
            }
        }
    }
}
