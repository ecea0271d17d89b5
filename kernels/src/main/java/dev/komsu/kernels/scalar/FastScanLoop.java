package dev.komsu.kernels.scalar;

import dev.komsu.kernels.FastScanKernels;
import dev.komsu.kernels.LutQuantizer;
import dev.komsu.kernels.QuantizedTopK;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The part of a FastScan kernel that is the same for every implementation: walk the blocks,
 * drop the padding lanes of the last block, and hand the lanes that pass the threshold (below
 * it for L2, above it for inner product) to the heap. Subclasses provide the per-block
 * arithmetic ({@link #blockPassing}): the scalar reference here, the Vector API kernels in the CPU
 * backend's package.
 */
public abstract class FastScanLoop implements FastScanKernels {
    private static final ValueLayout.OfLong ID = ValueLayout.JAVA_LONG_UNALIGNED;

    private final LutQuantizer quantizer;

    /** {@code quantizer}: the lookup-table quantiser these kernels hand out. */
    protected FastScanLoop(LutQuantizer quantizer) {
        this.quantizer = quantizer;
    }

    @Override
    public final LutQuantizer lutQuantizer() {
        return quantizer;
    }

    /**
     * Computes the 32 distances (accumulator + bias, modulo 2^16) of the block at
     * {@code codes[offset]} and returns the bit mask of lanes whose distance is strictly below
     * {@code threshold} (unsigned), or strictly above it when {@code larger} (faiss's CMin
     * handler: inner product). A threshold outside [0, 65535] (above for below-tests, negative
     * for above-tests) passes every lane. When the mask is not zero, the 32 distances are
     * stored in {@code out[0..32)}.
     */
    protected abstract int blockPassing(MemorySegment codes, long offset, int m2, byte[] lut, int bias, int threshold,
                                        boolean larger, short[] out);

    /** Whether {@code threshold} passes every lane (outside [0, 65535] in the direction tested). */
    protected static boolean passesAll(int threshold, boolean larger) {
        return larger ? threshold < 0 : threshold > 0xffff;
    }

    @Override
    public final void accumulate(MemorySegment codes, long offset, int nblocks, int m2, byte[] lut, short[] out) {
        FastScanKernels.checkScan(codes, offset, (long) nblocks * BLOCK, m2, lut);
        if (out.length < nblocks * BLOCK) {
            throw new IllegalArgumentException("out has " + out.length + " entries, expected " + nblocks * BLOCK);
        }
        short[] block = new short[BLOCK];
        long blockBytes = (long) BLOCK * m2 / 2;
        for (int b = 0; b < nblocks; b++) {
            // threshold 0x10000 keeps every lane, so the block is always stored
            blockPassing(codes, offset + b * blockBytes, m2, lut, 0, 0x10000, false, block);
            System.arraycopy(block, 0, out, b * BLOCK, BLOCK);
        }
    }

    @Override
    public final void scan(MemorySegment codes, long offset, long n, int m2, byte[] lut, int bias,
                           MemorySegment ids, long idsOffset, QuantizedTopK heap) {
        FastScanKernels.checkScan(codes, offset, n, m2, lut);
        if (idsOffset < 0 || idsOffset + n * Long.BYTES > ids.byteSize()) {
            throw new IllegalArgumentException("ids hold " + ids.byteSize() + " bytes, need " + n + " ids from " + idsOffset);
        }
        short[] dist = new short[BLOCK];
        long blockBytes = (long) BLOCK * m2 / 2;
        boolean larger = heap.largerBetter();
        int threshold = heap.threshold();
        for (long i0 = 0; i0 < n; i0 += BLOCK, offset += blockBytes) {
            int mask = blockPassing(codes, offset, m2, lut, bias, threshold, larger, dist);
            if (mask == 0) continue;
            long left = n - i0;
            if (left < BLOCK) mask &= (1 << left) - 1; // padding lanes of the last block
            while (mask != 0) {
                int j = Integer.numberOfTrailingZeros(mask);
                mask &= mask - 1;
                int d = dist[j] & 0xffff;
                if (heap.admits(d)) heap.offer(d, ids.get(ID, idsOffset + (i0 + j) * Long.BYTES));
            }
            threshold = heap.threshold();
        }
    }
}
