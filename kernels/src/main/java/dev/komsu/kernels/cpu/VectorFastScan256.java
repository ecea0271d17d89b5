package dev.komsu.kernels.cpu;

import dev.komsu.kernels.scalar.FastScanLoop;
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
 * combine2x2). Shifts and accumulation as in {@link VectorFastScan128}.
 *
 * <p>Chosen with AVX-512 VBMI, whatever the JVM's vector size (measured fastest there end to
 * end, {@link FastScanSelection#PREFERRED}). Not chosen on AVX2: without AVX-512 VBMI's {@code vpermb} the 32-byte {@code selectFrom}
 * is a cross-lane permute that C2 emulates with two {@code vpshufb}, a lane swap, an add and a
 * blend, and the kernels with 128-bit lookups are faster ({@link FastScanSelection}).
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
    private static final VectorShuffle<Short> ODD_OVER_EVEN = FastScanSums.oddOverEven(SHORTS);
    private static final VectorMask<Short> EVEN_LANES = FastScanSums.evenLanes(SHORTS);

    private VectorFastScan256() {
        super(VectorLutRows.QUANTIZER);
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
    protected int blockPassing(MemorySegment codes, long offset, int m2, byte[] lut, int bias, int threshold, boolean larger,
                     short[] out) {
        ByteVector nibble = ByteVector.broadcast(BYTES, (byte) 0x0f);
        ShortVector lo = ShortVector.zero(SHORTS);
        ShortVector loShifted = ShortVector.zero(SHORTS);
        ShortVector hi = ShortVector.zero(SHORTS);
        ShortVector hiShifted = ShortVector.zero(SHORTS);
        for (int sq = 0; sq < m2; sq += 2) {
            ByteVector c = ByteVector.fromMemorySegment(BYTES, codes, offset + sq * 16L, LE);
            ByteVector table = ByteVector.fromArray(BYTES, lut, sq * 16);
            ByteVector cLo = c.and(nibble).or(UPPER_TABLE);
            ByteVector cHi = c.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes()
                    .and(nibble).or(UPPER_TABLE);
            ByteVector rLo = cLo.selectFrom(table);
            ByteVector rHi = cHi.selectFrom(table);
            lo = FastScanSums.addBytes(lo, rLo);
            loShifted = FastScanSums.addShiftedBytes(loShifted, rLo);
            hi = FastScanSums.addBytes(hi, rHi);
            hiShifted = FastScanSums.addShiftedBytes(hiShifted, rHi);
        }
        ShortVector loHigh = FastScanSums.oddBytes(lo, loShifted, ODD_OVER_EVEN, EVEN_LANES);
        ShortVector hiHigh = FastScanSums.oddBytes(hi, hiShifted, ODD_OVER_EVEN, EVEN_LANES);
        // lanes 0..7: even sub-quantisers, 8..15: odd ones, for vectors 0..7 (a) / 8..15 (loHigh)
        ShortVector a = FastScanSums.evenBytes(lo, loHigh);
        ShortVector b = FastScanSums.evenBytes(hi, hiHigh);
        ShortVector bias16 = ShortVector.broadcast(SHORTS, (short) bias);
        ShortVector d0 = combine(a, loHigh).add(bias16);   // vectors 0..15
        ShortVector d1 = combine(b, hiHigh).add(bias16);   // vectors 16..31
        int mask = passesAll(threshold, larger) ? -1
                : (int) FastScanSums.passing(d0, threshold, larger) | (int) FastScanSums.passing(d1, threshold, larger) << 16;
        if (mask == 0) return 0;
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
