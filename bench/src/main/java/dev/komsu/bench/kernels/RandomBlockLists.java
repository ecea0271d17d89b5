package dev.komsu.bench.kernels;

import dev.komsu.kernels.BlockCodeLists;
import dev.komsu.kernels.FastScanKernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/**
 * Random 4-bit FastScan block lists for kernel benchmarks: {@code n} vectors dealt to
 * {@code nlist} lists at random (sizes ~ Poisson(n/nlist), as k-means lists of uniform data),
 * random code bytes, ids 0..n-1. Owns its arena.
 */
final class RandomBlockLists implements BlockCodeLists, AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final int m2;
    private final long[] sizes;
    private final MemorySegment[] codes;
    private final MemorySegment[] ids;

    RandomBlockLists(int n, int nlist, int m2, long seed) {
        this.m2 = m2;
        SplittableRandom r = new SplittableRandom(seed);
        int[] listOf = new int[n];
        sizes = new long[nlist];
        for (int i = 0; i < n; i++) sizes[listOf[i] = r.nextInt(nlist)]++;
        codes = new MemorySegment[nlist];
        ids = new MemorySegment[nlist];
        long[] next = new long[nlist];
        for (int l = 0; l < nlist; l++) {
            long blocks = (sizes[l] + FastScanKernels.BLOCK - 1) / FastScanKernels.BLOCK;
            codes[l] = arena.allocate(Math.max(1, blocks * FastScanKernels.KSUB * m2), 64)
                    .asSlice(0, blocks * FastScanKernels.KSUB * m2);
            for (long b = 0; b < codes[l].byteSize(); b += 8) codes[l].set(ValueLayout.JAVA_LONG_UNALIGNED, b, r.nextLong());
            ids[l] = arena.allocate(Math.max(8, sizes[l] * Long.BYTES), 8).asSlice(0, sizes[l] * Long.BYTES);
        }
        for (int i = 0; i < n; i++) ids[listOf[i]].setAtIndex(ValueLayout.JAVA_LONG, next[listOf[i]]++, i);
    }

    @Override
    public int listCount() {
        return sizes.length;
    }

    @Override
    public int m2() {
        return m2;
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
