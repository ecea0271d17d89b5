package dev.komsu.kernels.scalar;

import dev.komsu.kernels.LutQuantizer;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The reference FastScan kernel: reads each vector's 4-bit codes straight from faiss's block
 * layout and adds its table entries one by one. Written from the layout, not from the SIMD
 * trick, so the conformance test checks the Vector API kernels against an independent sum.
 */
public final class ScalarFastScan extends FastScanLoop {
    public static final ScalarFastScan INSTANCE = new ScalarFastScan();

    private ScalarFastScan() {
        super(LutQuantizer.SCALAR);
    }

    @Override
    public String name() {
        return "fastscan-scalar";
    }

    /**
     * Where vector {@code j} (0..31) of a block keeps the code of sub-quantiser {@code sq}:
     * byte {@code (sq/2)*32 + (sq%2)*16 + p} with {@code p = 2j} for j in 0..7, {@code 2(j-8)+1}
     * for 8..15 (faiss's perm0 interleave), the low nibble for j < 16 and the high nibble for
     * j + 16.
     */
    static int code(MemorySegment codes, long blockOffset, int j, int sq) {
        int v = j & 15;
        int p = v < 8 ? 2 * v : 2 * (v - 8) + 1;
        int b = codes.get(ValueLayout.JAVA_BYTE, blockOffset + (sq >> 1) * 32L + (sq & 1) * 16L + p) & 0xff;
        return j < 16 ? b & 15 : b >>> 4;
    }

    @Override
    protected int blockPassing(MemorySegment codes, long offset, int m2, byte[] lut, int bias, int threshold, boolean larger,
                     short[] out) {
        int mask = 0;
        int[] sums = new int[BLOCK];
        for (int j = 0; j < BLOCK; j++) {
            int sum = bias;
            for (int sq = 0; sq < m2; sq++) sum += lut[sq * KSUB + code(codes, offset, j, sq)] & 0xff;
            sums[j] = sum & 0xffff;
            if (larger ? sums[j] > threshold : sums[j] < threshold) mask |= 1 << j;
        }
        if (mask != 0) {
            for (int j = 0; j < BLOCK; j++) out[j] = (short) sums[j];
        }
        return mask;
    }
}
