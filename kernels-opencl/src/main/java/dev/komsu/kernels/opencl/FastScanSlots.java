package dev.komsu.kernels.opencl;

import dev.komsu.kernels.BlockCodeLists;
import dev.komsu.kernels.FastScanKernels;
import java.util.Arrays;

/**
 * The work of queries [q0, q0+nq) of a FastScan batch flattened into slots for
 * {@code fastscan.cl}: one slot per (query, probed non-empty list), each query's slots
 * contiguous and in the CPU's scan order (increasing list number; a list probed twice is
 * scanned twice, in probe order), each slot's keys at its own offset, padded to whole blocks.
 *
 * @param list list scanned by each slot
 * @param table table of each slot, counted from the chunk's first table
 * @param bias uint16 bias of each slot
 * @param keyOffset first key of each slot in the chunk's key buffer
 * @param queryStart first slot of each query; entry nq is the slot count
 * @param keyCount keys of the chunk (the key buffer's length)
 */
record FastScanSlots(int[] list, int[] table, int[] bias, long[] keyOffset, int[] queryStart, long keyCount) {

    /** Keys (padded) that query q scans: what one query adds to a chunk's key buffer. */
    static long keysOf(BlockCodeLists lists, int[] probes, int nprobe, int q) {
        long keys = 0;
        for (int p = 0; p < nprobe; p++) {
            int l = probes[q * nprobe + p];
            if (l >= 0) keys += DeviceMatrix.roundUp(lists.size(l), FastScanKernels.BLOCK);
        }
        return keys;
    }

    static FastScanSlots of(BlockCodeLists lists, int tables, int[] biases, int[] probes, int nprobe, int q0, int nq) {
        int[] list = new int[nq * nprobe];
        int[] table = new int[nq * nprobe];
        int[] bias = new int[nq * nprobe];
        long[] keyOffset = new long[nq * nprobe];
        int[] queryStart = new int[nq + 1];
        long[] order = new long[nprobe];
        int n = 0;
        long keys = 0;
        for (int q = 0; q < nq; q++) {
            int base = (q0 + q) * nprobe;
            int m = 0;
            for (int p = 0; p < nprobe; p++) {
                int l = probes[base + p];
                if (l >= 0 && lists.size(l) > 0) order[m++] = (long) l << 32 | p;
            }
            Arrays.sort(order, 0, m);
            for (int i = 0; i < m; i++) {
                int l = (int) (order[i] >>> 32);
                int p = (int) order[i];
                list[n] = l;
                table[n] = q * tables + (tables == 1 ? 0 : p);
                bias[n] = biases == null ? 0 : biases[base + p];
                keyOffset[n] = keys;
                keys += DeviceMatrix.roundUp(lists.size(l), FastScanKernels.BLOCK);
                n++;
            }
            queryStart[q + 1] = n;
        }
        return new FastScanSlots(Arrays.copyOf(list, n), Arrays.copyOf(table, n), Arrays.copyOf(bias, n),
                Arrays.copyOf(keyOffset, n), queryStart, keys);
    }

    int count() {
        return list.length;
    }
}
