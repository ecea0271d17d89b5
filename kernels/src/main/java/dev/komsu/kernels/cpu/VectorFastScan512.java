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
 * FastScan with 512-bit vectors, for AVX-512 VBMI: two pairs of sub-quantisers (64 code bytes,
 * four 16-entry tables side by side) per step, the lookup one 64-byte {@code selectFrom}, which
 * C2 emits as one {@code vpermb} on VBMI hardware. Code byte i looks up table i / 16, so its
 * nibble gets 16 * (i / 16) added. A trailing lone pair (M2 not a multiple of 4) is read with
 * masked loads: its missing half reads zero codes from zero tables. Shifts and accumulation as in
 * {@link VectorFastScan128}; at the end of the block the four quarters of each accumulator (the
 * sub-quantisers 0, 1, 2, 3 mod 4) are added up.
 *
 * <p>Not chosen automatically: on an AVX-512 VBMI Xeon it ran slower end to end than
 * {@link VectorFastScan256} (issue 13: 0.71-0.72x against 0.78-0.83x faiss-AVX2); it is there
 * for {@code -Dkomsu.fastscan.kernel=vector512} and the measurements that compare kernels.
 */
public final class VectorFastScan512 extends FastScanLoop {
    public static final VectorFastScan512 INSTANCE = new VectorFastScan512();

    private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_512;
    private static final VectorSpecies<Short> SHORTS = ShortVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ByteVector TABLE_OFFSETS = ByteVector.fromArray(BYTES, tableOffsets(), 0);
    private static final VectorMask<Byte> FIRST_PAIR = VectorMask.fromLong(BYTES, 0xffff_ffffL);
    private static final VectorShuffle<Short> ODD_OVER_EVEN = FastScanSums.oddOverEven(SHORTS);
    private static final VectorMask<Short> EVEN_LANES = FastScanSums.evenLanes(SHORTS);
    // folding the four 8-lane quarters: rotate by 16 lanes and add, then by 8 and add
    private static final VectorShuffle<Short> ROTATE_16 = VectorShuffle.fromOp(SHORTS, i -> (i + 16) % 32);
    private static final VectorShuffle<Short> ROTATE_8 = VectorShuffle.fromOp(SHORTS, i -> (i + 8) % 32);
    // placing a folded quarter (lanes 0..7) at lanes 8q..8q+7
    private static final VectorShuffle<Short> TO_QUARTER_1 = VectorShuffle.fromOp(SHORTS, i -> (i + 24) % 32);
    private static final VectorShuffle<Short> TO_QUARTER_2 = VectorShuffle.fromOp(SHORTS, i -> (i + 16) % 32);
    private static final VectorShuffle<Short> TO_QUARTER_3 = VectorShuffle.fromOp(SHORTS, i -> (i + 8) % 32);
    private static final VectorMask<Short> QUARTER_1 = VectorMask.fromLong(SHORTS, 0x0000ff00L);
    private static final VectorMask<Short> QUARTER_2 = VectorMask.fromLong(SHORTS, 0x00ff0000L);
    private static final VectorMask<Short> QUARTER_3 = VectorMask.fromLong(SHORTS, 0xff000000L);

    private VectorFastScan512() {
        super(VectorLutRows.QUANTIZER);
    }

    private static byte[] tableOffsets() {
        byte[] b = new byte[64];
        for (int i = 0; i < 64; i++) b[i] = (byte) (16 * (i / 16));
        return b;
    }

    @Override
    public String name() {
        return "fastscan-vector512";
    }

    @Override
    protected int blockPassing(MemorySegment codes, long offset, int m2, byte[] lut, int bias, int threshold, boolean larger,
                     short[] out) {
        ByteVector nibble = ByteVector.broadcast(BYTES, (byte) 0x0f);
        ShortVector lo = ShortVector.zero(SHORTS);
        ShortVector loShifted = ShortVector.zero(SHORTS);
        ShortVector hi = ShortVector.zero(SHORTS);
        ShortVector hiShifted = ShortVector.zero(SHORTS);
        int full = m2 & ~3;
        for (int sq = 0; sq <= m2 - 2; sq += 4) {
            ByteVector c;
            ByteVector table;
            if (sq < full) {
                c = ByteVector.fromMemorySegment(BYTES, codes, offset + sq * 16L, LE);
                table = ByteVector.fromArray(BYTES, lut, sq * 16);
            } else {
                c = ByteVector.fromMemorySegment(BYTES, codes, offset + sq * 16L, LE, FIRST_PAIR);
                table = ByteVector.fromArray(BYTES, lut, sq * 16, FIRST_PAIR);
            }
            ByteVector rLo = c.and(nibble).or(TABLE_OFFSETS).selectFrom(table);
            ByteVector rHi = c.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes()
                    .and(nibble).or(TABLE_OFFSETS).selectFrom(table);
            lo = FastScanSums.addBytes(lo, rLo);
            loShifted = FastScanSums.addShiftedBytes(loShifted, rLo);
            hi = FastScanSums.addBytes(hi, rHi);
            hiShifted = FastScanSums.addShiftedBytes(hiShifted, rHi);
        }
        // quarter q of each: sub-quantisers q mod 4, for vectors 0..7 (evenLo), 8..15 (oddLo),
        // 16..23 (evenHi), 24..31 (oddHi)
        ShortVector oddLo = FastScanSums.oddBytes(lo, loShifted, ODD_OVER_EVEN, EVEN_LANES);
        ShortVector oddHi = FastScanSums.oddBytes(hi, hiShifted, ODD_OVER_EVEN, EVEN_LANES);
        ShortVector evenLo = FastScanSums.evenBytes(lo, oddLo);
        ShortVector evenHi = FastScanSums.evenBytes(hi, oddHi);
        ShortVector d = fold(evenLo)
                .blend(fold(oddLo).rearrange(TO_QUARTER_1), QUARTER_1)
                .blend(fold(evenHi).rearrange(TO_QUARTER_2), QUARTER_2)
                .blend(fold(oddHi).rearrange(TO_QUARTER_3), QUARTER_3)
                .add(ShortVector.broadcast(SHORTS, (short) bias));   // vectors 0..31
        int mask = passesAll(threshold, larger) ? -1 : (int) FastScanSums.passing(d, threshold, larger);
        if (mask == 0) return 0;
        d.intoArray(out, 0);
        return mask;
    }

    // The sum of the four 8-lane quarters, in lanes 0..7.
    private static ShortVector fold(ShortVector x) {
        ShortVector half = x.add(x.rearrange(ROTATE_16));
        return half.add(half.rearrange(ROTATE_8));
    }
}
