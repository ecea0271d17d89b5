package dev.komsu.kernels.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * FastScan with 256-bit vectors, faiss's AVX2 shape: one pair of sub-quantisers (32 code
 * bytes, two 16-entry tables side by side) per step. The upper 16 code bytes index the upper
 * table, so their nibbles get +16 before the 32-byte {@code selectFrom}. The two halves of
 * each accumulator (even and odd sub-quantisers) are added at the end of the block (faiss's
 * combine2x2).
 */
public final class VectorFastScan256 extends FastScanLoop {
    public static final VectorFastScan256 INSTANCE = new VectorFastScan256();

    private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_256;
    private static final VectorSpecies<Short> SHORTS = ShortVector.SPECIES_256;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    // +16 on the upper 16 bytes: they look up the second table.
    private static final ByteVector UPPER_TABLE = ByteVector.fromArray(BYTES, upperOffsets(), 0);
    private static final VectorShuffle<Short> SWAP_HALVES = VectorShuffle.fromOp(SHORTS, i -> (i + 8) % 16);
    private static final VectorMask<Short> UPPER_HALF = VectorMask.fromLong(SHORTS, 0xff00L);

    private VectorFastScan256() {
    }

    private static byte[] upperOffsets() {
        byte[] b = new byte[32];
        for (int i = 16; i < 32; i++) b[i] = 16;
        return b;
    }

    @Override
    public String name() {
        return "fastscan-vector256";
    }

    @Override
    int blockPassing(MemorySegment codes, long offset, int m2, byte[] lut, int bias, int threshold, boolean larger,
                     short[] out) {
        ByteVector nibble = ByteVector.broadcast(BYTES, (byte) 0x0f);
        ShortVector lo = ShortVector.zero(SHORTS);
        ShortVector loHigh = ShortVector.zero(SHORTS);
        ShortVector hi = ShortVector.zero(SHORTS);
        ShortVector hiHigh = ShortVector.zero(SHORTS);
        for (int sq = 0; sq < m2; sq += 2) {
            ByteVector c = ByteVector.fromMemorySegment(BYTES, codes, offset + sq * 16L, LE);
            ByteVector table = ByteVector.fromArray(BYTES, lut, sq * 16);
            ByteVector cLo = c.and(nibble).or(UPPER_TABLE);
            ByteVector cHi = c.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes()
                    .and(nibble).or(UPPER_TABLE);
            ShortVector rLo = cLo.selectFrom(table).reinterpretAsShorts();
            ShortVector rHi = cHi.selectFrom(table).reinterpretAsShorts();
            lo = lo.add(rLo);
            loHigh = loHigh.add(rLo.lanewise(VectorOperators.LSHR, 8));
            hi = hi.add(rHi);
            hiHigh = hiHigh.add(rHi.lanewise(VectorOperators.LSHR, 8));
        }
        // lanes 0..7: even sub-quantisers, 8..15: odd ones, for vectors 0..7 (lo) / 8..15 (loHigh)
        ShortVector a = lo.sub(loHigh.lanewise(VectorOperators.LSHL, 8));
        ShortVector b = hi.sub(hiHigh.lanewise(VectorOperators.LSHL, 8));
        ShortVector bias16 = ShortVector.broadcast(SHORTS, (short) bias);
        ShortVector d0 = combine(a, loHigh).add(bias16);   // vectors 0..15
        ShortVector d1 = combine(b, hiHigh).add(bias16);   // vectors 16..31
        int mask;
        if (larger ? threshold < 0 : threshold > 0xffff) {
            mask = -1;
        } else if (larger) {
            // one constant comparison per branch: the Vector API intrinsics want a constant operator
            ShortVector t = ShortVector.broadcast(SHORTS, (short) threshold);
            mask = (int) d0.compare(VectorOperators.UGT, t).toLong()
                    | (int) d1.compare(VectorOperators.UGT, t).toLong() << 16;
            if (mask == 0) return 0;
        } else {
            ShortVector t = ShortVector.broadcast(SHORTS, (short) threshold);
            mask = (int) d0.compare(VectorOperators.ULT, t).toLong()
                    | (int) d1.compare(VectorOperators.ULT, t).toLong() << 16;
            if (mask == 0) return 0;
        }
        d0.intoArray(out, 0);
        d1.intoArray(out, 16);
        return mask;
    }

    // [x.lo + x.hi, y.lo + y.hi]: faiss's combine2x2.
    private static ShortVector combine(ShortVector x, ShortVector y) {
        ShortVector xLoYHi = x.blend(y, UPPER_HALF);
        ShortVector xHiYLo = x.rearrange(SWAP_HALVES).blend(y.rearrange(SWAP_HALVES), UPPER_HALF);
        return xLoYHi.add(xHiYLo);
    }
}
