package dev.komsu.kernels.opencl;

import dev.komsu.kernels.BlockCodeLists;
import dev.komsu.kernels.FastScanKernels;
import dev.komsu.kernels.QuantizedTopK;
import dev.komsu.kernels.scalar.ScalarFastScan;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Random FastScan block lists and batches for the OpenCL tests, and the reference answer: one
 * {@link QuantizedTopK} per query fed by {@link ScalarFastScan} in the CPU's scan order
 * (probed lists in increasing list number, a repeated list in probe order).
 */
final class FastScanFixture {
    private FastScanFixture() {
    }

    /** Block lists in their own arena; random bytes everywhere, padding lanes of last blocks included. */
    record Lists(Arena arena, int m2, MemorySegment[] codes, MemorySegment[] ids, long[] sizes)
            implements BlockCodeLists, AutoCloseable {
        @Override
        public int listCount() {
            return sizes.length;
        }

        @Override
        public long size(int list) {
            return sizes[list];
        }

        @Override
        public MemorySegment codes(int list) {
            return codes[list];
        }

        @Override
        public MemorySegment ids(int list) {
            return ids[list];
        }

        @Override
        public void close() {
            arena.close();
        }
    }

    /** Lists of the given sizes; ids are a random permutation (so id order is not scan order). */
    static Lists lists(int m2, long[] sizes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Arena arena = Arena.ofShared();
        int n = sizes.length;
        MemorySegment[] codes = new MemorySegment[n];
        MemorySegment[] ids = new MemorySegment[n];
        long total = Arrays.stream(sizes).sum();
        long[] perm = new long[(int) total];
        for (int i = 0; i < perm.length; i++) perm[i] = i;
        for (int i = perm.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            long t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int next = 0;
        for (int l = 0; l < n; l++) {
            long blocks = (sizes[l] + FastScanKernels.BLOCK - 1) / FastScanKernels.BLOCK;
            codes[l] = arena.allocate(Math.max(1, blocks * FastScanKernels.KSUB * m2)).asSlice(0, blocks * FastScanKernels.KSUB * m2);
            for (long b = 0; b < codes[l].byteSize(); b++) codes[l].set(ValueLayout.JAVA_BYTE, b, (byte) r.nextInt(256));
            ids[l] = arena.allocate(Math.max(8, sizes[l] * Long.BYTES), 8).asSlice(0, sizes[l] * Long.BYTES);
            for (long i = 0; i < sizes[l]; i++) ids[l].setAtIndex(ValueLayout.JAVA_LONG, i, perm[next++]);
        }
        return new Lists(arena, m2, codes, ids, sizes);
    }

    /** Random uint8 tables with entries below {@code maxEntry} (small maxima make many equal keys). */
    static byte[] luts(int count, int m2, int maxEntry, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] luts = new byte[count * m2 * FastScanKernels.KSUB];
        for (int i = 0; i < luts.length; i++) luts[i] = (byte) r.nextInt(maxEntry);
        return luts;
    }

    /** Probes: random lists, some -1, some repeated. */
    static int[] probes(int nq, int nprobe, int nlist, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] p = new int[nq * nprobe];
        for (int i = 0; i < p.length; i++) p[i] = r.nextInt(8) == 0 ? -1 : r.nextInt(nlist);
        return p;
    }

    static int[] biases(int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] b = new int[count];
        for (int i = 0; i < count; i++) b[i] = r.nextInt(65536);
        return b;
    }

    /** The reference answer, written like FastScanListScanner's output. */
    static void reference(BlockCodeLists lists, byte[] luts, int tables, int[] biases, int[] probes, int nprobe, int k,
                          int[] outKeys, long[] outIds) {
        int nq = probes.length / nprobe;
        int tb = lists.m2() * FastScanKernels.KSUB;
        QuantizedTopK heap = new QuantizedTopK(k);
        int[] keys = new int[k];
        long[] ids = new long[k];
        for (int q = 0; q < nq; q++) {
            long[] order = new long[nprobe];
            int m = 0;
            for (int p = 0; p < nprobe; p++) {
                if (probes[q * nprobe + p] >= 0) order[m++] = (long) probes[q * nprobe + p] << 32 | p;
            }
            Arrays.sort(order, 0, m);
            for (int i = 0; i < m; i++) {
                int l = (int) (order[i] >>> 32);
                int p = (int) order[i];
                int t = q * tables + (tables == 1 ? 0 : p);
                byte[] table = Arrays.copyOfRange(luts, t * tb, (t + 1) * tb);
                ScalarFastScan.INSTANCE.scan(lists.codes(l), 0, lists.size(l), lists.m2(), table,
                        biases == null ? 0 : biases[q * nprobe + p], lists.ids(l), 0, heap);
            }
            heap.drainRaw(keys, ids);
            System.arraycopy(keys, 0, outKeys, q * k, k);
            System.arraycopy(ids, 0, outIds, q * k, k);
        }
    }
}
