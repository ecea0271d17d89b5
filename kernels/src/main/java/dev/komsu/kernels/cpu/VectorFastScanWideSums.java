package dev.komsu.kernels.cpu;

import dev.komsu.kernels.scalar.FastScanLoop;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * FastScan for AVX2: 128-bit table lookups (one {@code pshufb} each), 256-bit sums. Each step
 * looks up one sub-quantiser's 16 code bytes as {@link VectorFastScan128} does, then
 * zero-extends the 16 looked-up bytes to 16 shorts ({@code vpmovzxbw}) and adds them to one
 * 256-bit accumulator: 2 instructions per lookup where the 16-bit trick of the 128-bit kernel
 * takes 3, and two accumulators instead of four, which leaves C2 registers enough not to spill
 * in its unrolled loop (33 instructions per 32 code bytes against the 128-bit kernel's 45).
 * End to end on this AVX2 EPYC: 1.1-1.3x the 128-bit and the 256-bit kernels (bench/RESULTS.md
 * "FastScan kernel: what C2 makes of it"). Needs 256-bit vectors.
 */
public final class VectorFastScanWideSums extends FastScanLoop {
    public static final VectorFastScanWideSums INSTANCE = new VectorFastScanWideSums();

    // Species are static final constants: as parameters C2 cannot specialise the loop.
    private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_128;
    private static final VectorSpecies<Short> SUMS = ShortVector.SPECIES_256;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    // Sum lane i holds code byte i: vector i/2 for even i, 8 + i/2 for odd i (faiss's interleave).
    private static final VectorShuffle<Short> TO_VECTOR_ORDER =
            VectorShuffle.fromOp(SUMS, j -> j < 8 ? 2 * j : 2 * (j - 8) + 1);

    private VectorFastScanWideSums() {
        super(VectorLutRows.QUANTIZER);
    }

    @Override
    public String name() {
        return "fastscan-vector128x256";
    }

    @Override
    protected int blockPassing(MemorySegment codes, long offset, int m2, byte[] lut, int bias, int threshold, boolean larger,
                     short[] out) {
        ShortVector lo = ShortVector.zero(SUMS);   // low nibbles: vectors 0..15, in code byte order
        ShortVector hi = ShortVector.zero(SUMS);   // high nibbles: vectors 16..31
        for (int sq = 0; sq < m2; sq++) {
            ByteVector c = ByteVector.fromMemorySegment(BYTES, codes, offset + sq * 16L, LE);
            ByteVector table = ByteVector.fromArray(BYTES, lut, sq * 16);
            // selectFrom keeps the low 4 bits of each index: the low nibble as is, the high one
            // shifted down (a 32-bit shift: C2 has its immediate form, not the 16-bit one's)
            ByteVector rLo = c.selectFrom(table);
            ByteVector rHi = c.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().selectFrom(table);
            lo = lo.add((ShortVector) rLo.convertShape(VectorOperators.ZERO_EXTEND_B2S, SUMS, 0));
            hi = hi.add((ShortVector) rHi.convertShape(VectorOperators.ZERO_EXTEND_B2S, SUMS, 0));
        }
        ShortVector b = ShortVector.broadcast(SUMS, (short) bias);
        ShortVector d0 = lo.rearrange(TO_VECTOR_ORDER).add(b);   // vectors 0..15
        ShortVector d1 = hi.rearrange(TO_VECTOR_ORDER).add(b);   // vectors 16..31
        int mask = passesAll(threshold, larger) ? -1
                : (int) FastScanSums.passing(d0, threshold, larger) | (int) FastScanSums.passing(d1, threshold, larger) << 16;
        if (mask == 0) return 0;
        d0.intoArray(out, 0);
        d1.intoArray(out, 16);
        return mask;
    }
}
