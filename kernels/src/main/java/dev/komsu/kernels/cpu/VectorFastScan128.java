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
 * FastScan with 128-bit vectors: one sub-quantiser (16 code bytes, a 16-entry table) per step,
 * the table lookup is {@code selectFrom}, one {@code pshufb} on x86. The kernel for 128-bit
 * hardware; with 256-bit vectors {@link VectorFastScanWideSums} does the same lookups and sums
 * them in 256-bit lanes.
 *
 * <p>Written for what C2 emits, each choice measured on the disassembly:
 * <ul>
 *   <li>The nibble masks are left to {@code selectFrom}, which wraps its indexes to 0..15 with
 *       one {@code and} anyway; an explicit {@code and(0x0f)} came on top of it.
 *   <li>Shifts are on 32-bit lanes: C2 has an immediate form for int shifts but rebuilds the
 *       count of a 16-bit-lane shift in a general register on every use.
 *   <li>Accumulation follows faiss's trick of adding looked-up bytes as 16-bit lanes without
 *       widening, in a form that needs only those int shifts. Per 32-bit lane of looked-up bytes
 *       {@code b0..b3} (bytes 0, 2 are vectors v, v+1; bytes 1, 3 are vectors v+8, v+9),
 *       {@code sum} adds the lane as two 16-bit halves ({@code b0 + 256 b1}, {@code b2 + 256 b3})
 *       and {@code shifted} adds it shifted right by 8 ({@code b1 + 256 b2}, {@code b3}). All
 *       four per-vector sums come back exactly modulo 2^16 at the end of the block
 *       ({@link FastScanSums}).
 * </ul>
 */
public final class VectorFastScan128 extends FastScanLoop {
    public static final VectorFastScan128 INSTANCE = new VectorFastScan128();

    // Species are static final constants: as parameters C2 cannot specialise the loop.
    private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_128;
    private static final VectorSpecies<Short> SHORTS = ShortVector.SPECIES_128;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final VectorShuffle<Short> ODD_OVER_EVEN = FastScanSums.oddOverEven(SHORTS);
    private static final VectorMask<Short> EVEN_LANES = FastScanSums.evenLanes(SHORTS);

    private VectorFastScan128() {
        super(VectorLutRows.QUANTIZER);
    }

    @Override
    public String name() {
        return "fastscan-vector128";
    }

    @Override
    protected int blockPassing(MemorySegment codes, long offset, int m2, byte[] lut, int bias, int threshold, boolean larger,
                     short[] out) {
        ShortVector lo = ShortVector.zero(SHORTS);        // low nibbles: vectors 0..15
        ShortVector loShifted = ShortVector.zero(SHORTS);
        ShortVector hi = ShortVector.zero(SHORTS);        // high nibbles: vectors 16..31
        ShortVector hiShifted = ShortVector.zero(SHORTS);
        for (int sq = 0; sq < m2; sq++) {
            ByteVector c = ByteVector.fromMemorySegment(BYTES, codes, offset + sq * 16L, LE);
            ByteVector table = ByteVector.fromArray(BYTES, lut, sq * 16);
            // selectFrom keeps the low 4 bits of each index: the low nibble as is, the high one shifted down
            ByteVector rLo = c.selectFrom(table);
            ByteVector rHi = c.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().selectFrom(table);
            lo = FastScanSums.addBytes(lo, rLo);
            loShifted = FastScanSums.addShiftedBytes(loShifted, rLo);
            hi = FastScanSums.addBytes(hi, rHi);
            hiShifted = FastScanSums.addShiftedBytes(hiShifted, rHi);
        }
        ShortVector b = ShortVector.broadcast(SHORTS, (short) bias);
        ShortVector loOdd = FastScanSums.oddBytes(lo, loShifted, ODD_OVER_EVEN, EVEN_LANES);
        ShortVector hiOdd = FastScanSums.oddBytes(hi, hiShifted, ODD_OVER_EVEN, EVEN_LANES);
        ShortVector d0 = FastScanSums.evenBytes(lo, loOdd).add(b);  // vectors 0..7
        ShortVector d1 = loOdd.add(b);                              // vectors 8..15
        ShortVector d2 = FastScanSums.evenBytes(hi, hiOdd).add(b);  // vectors 16..23
        ShortVector d3 = hiOdd.add(b);                              // vectors 24..31
        int mask = passesAll(threshold, larger) ? -1
                : (int) FastScanSums.passing(d0, threshold, larger) | (int) FastScanSums.passing(d1, threshold, larger) << 8
                | (int) FastScanSums.passing(d2, threshold, larger) << 16 | (int) FastScanSums.passing(d3, threshold, larger) << 24;
        if (mask == 0) return 0;
        d0.intoArray(out, 0);
        d1.intoArray(out, 8);
        d2.intoArray(out, 16);
        d3.intoArray(out, 24);
        return mask;
    }
}
