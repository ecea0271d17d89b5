package dev.komsu.kernels.scalar;

import dev.komsu.kernels.BlockCodeLists;
import dev.komsu.kernels.FastScanKernels;
import dev.komsu.kernels.FastScanListScanner;
import dev.komsu.kernels.KernelChecks;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.QuantizedTopK;
import java.util.Arrays;
import java.util.Objects;

/**
 * The CPU form of the batched FastScan search, on the caller's thread (hosts run chunks of
 * queries in parallel, each chunk small enough for its tables to stay in cache). All (query,
 * list) pairs of the chunk are visited sorted by list, as faiss's search_implem_12 does, so a
 * list's codes are read from cache by every query of the chunk that probes it, and each query
 * still sees its lists in increasing list number.
 */
public final class CpuFastScanListScanner implements FastScanListScanner {
    private final FastScanKernels kernels;

    public CpuFastScanListScanner(FastScanKernels kernels) {
        this.kernels = Objects.requireNonNull(kernels, "kernels");
    }

    @Override
    public void scan(BlockCodeLists lists, byte[] luts, int tables, int[] biases, int[] probes, int nprobe, int k,
                     int[] outKeys, long[] outIds, Metric metric) {
        Objects.requireNonNull(metric, "metric");
        int nq = KernelChecks.checkProbes(probes, nprobe, lists.listCount(), biases == null ? -1 : biases.length, k);
        int tableBytes = lists.m2() * FastScanKernels.KSUB;
        KernelChecks.checkFastScanBatch(luts, tables, nprobe, nq, tableBytes, k, outKeys, outIds);
        long[] pairs = new long[probes.length];
        int count = 0;
        for (int i = 0; i < probes.length; i++) {
            if (probes[i] >= 0) pairs[count++] = (long) probes[i] << 32 | i;
        }
        Arrays.sort(pairs, 0, count);
        QuantizedTopK[] heaps = new QuantizedTopK[nq];
        for (int q = 0; q < nq; q++) heaps[q] = new QuantizedTopK(k, metric);
        byte[] table = new byte[tableBytes];
        int loaded = -1;
        for (int i = 0; i < count; i++) {
            int list = (int) (pairs[i] >>> 32);
            long size = lists.size(list);
            if (size == 0) continue;
            int qp = (int) pairs[i];
            int q = qp / nprobe;
            int t = q * tables + (tables == 1 ? 0 : qp % nprobe);
            if (t != loaded) {
                System.arraycopy(luts, t * tableBytes, table, 0, tableBytes);
                loaded = t;
            }
            kernels.scan(lists.codes(list), 0, size, lists.m2(), table, biases == null ? 0 : biases[qp],
                    lists.ids(list), 0, heaps[q]);
        }
        int[] keys = new int[k];
        long[] ids = new long[k];
        for (int q = 0; q < nq; q++) {
            heaps[q].drainRaw(keys, ids);
            System.arraycopy(keys, 0, outKeys, q * k, k);
            System.arraycopy(ids, 0, outIds, q * k, k);
        }
    }
}
