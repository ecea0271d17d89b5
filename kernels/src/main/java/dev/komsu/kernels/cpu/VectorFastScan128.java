package dev.komsu.kernels.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * FastScan with 128-bit vectors: one sub-quantiser (16 code bytes, a 16-entry table) per step,
 * the table lookup is {@code selectFrom} (pshufb). faiss's accumulation trick: the looked-up
 * bytes read as 16-bit lanes are (vector v) + 256 * (vector v+8); adding them and, separately,
 * the lanes shifted right by 8 gives both sums modulo 2^16 without widening bytes.
 * The kernel for 128-bit hardware (SSE/NEON); on AVX2 the 256-bit kernel measured ~10% faster
 * (bench/RESULTS.md "FastScan").
 */
public final class VectorFastScan128 extends FastScanLoop {
    public static final VectorFastScan128 INSTANCE = new VectorFastScan128();

    // Species are static final constants: as parameters C2 cannot specialise the loop.
    private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_128;
    private static final VectorSpecies<Short> SHORTS = ShortVector.SPECIES_128;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private VectorFastScan128() {
    }

    @Override
    public String name() {
        return "fastscan-vector128";
    }

    @Override
    int blockPassing(MemorySegment codes, long offset, int m2, byte[] lut, int bias, int threshold, boolean larger,
                     short[] out) {
        ByteVector nibble = ByteVector.broadcast(BYTES, (byte) 0x0f);
        ShortVector lo = ShortVector.zero(SHORTS);     // vectors 0..7 (+256 * vectors 8..15)
        ShortVector loHigh = ShortVector.zero(SHORTS); // vectors 8..15
        ShortVector hi = ShortVector.zero(SHORTS);     // vectors 16..23 (+256 * vectors 24..31)
        ShortVector hiHigh = ShortVector.zero(SHORTS); // vectors 24..31
        for (int sq = 0; sq < m2; sq++) {
            ByteVector c = ByteVector.fromMemorySegment(BYTES, codes, offset + sq * 16L, LE);
            ByteVector table = ByteVector.fromArray(BYTES, lut, sq * 16);
            ByteVector cLo = c.and(nibble);
            // shift 16-bit lanes, then mask: measured faster than a byte shift
            ByteVector cHi = c.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and(nibble);
            ShortVector rLo = cLo.selectFrom(table).reinterpretAsShorts();
            ShortVector rHi = cHi.selectFrom(table).reinterpretAsShorts();
            lo = lo.add(rLo);
            loHigh = loHigh.add(rLo.lanewise(VectorOperators.LSHR, 8));
            hi = hi.add(rHi);
            hiHigh = hiHigh.add(rHi.lanewise(VectorOperators.LSHR, 8));
        }
        ShortVector b = ShortVector.broadcast(SHORTS, (short) bias);
        ShortVector d0 = lo.sub(loHigh.lanewise(VectorOperators.LSHL, 8)).add(b);
        ShortVector d1 = loHigh.add(b);
        ShortVector d2 = hi.sub(hiHigh.lanewise(VectorOperators.LSHL, 8)).add(b);
        ShortVector d3 = hiHigh.add(b);
        int mask;
        if (larger ? threshold < 0 : threshold > 0xffff) {
            mask = -1;
        } else if (larger) {
            // one constant comparison per branch: the Vector API intrinsics want a constant operator
            ShortVector t = ShortVector.broadcast(SHORTS, (short) threshold);
            mask = (int) d0.compare(VectorOperators.UGT, t).toLong()
                    | (int) d1.compare(VectorOperators.UGT, t).toLong() << 8
                    | (int) d2.compare(VectorOperators.UGT, t).toLong() << 16
                    | (int) d3.compare(VectorOperators.UGT, t).toLong() << 24;
            if (mask == 0) return 0;
        } else {
            ShortVector t = ShortVector.broadcast(SHORTS, (short) threshold);
            mask = (int) d0.compare(VectorOperators.ULT, t).toLong()
                    | (int) d1.compare(VectorOperators.ULT, t).toLong() << 8
                    | (int) d2.compare(VectorOperators.ULT, t).toLong() << 16
                    | (int) d3.compare(VectorOperators.ULT, t).toLong() << 24;
            if (mask == 0) return 0;
        }
        d0.intoArray(out, 0);
        d1.intoArray(out, 8);
        d2.intoArray(out, 16);
        d3.intoArray(out, 24);
        return mask;
    }
}
