package dev.komsu.kernels.cpu;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Unpacks the Vector API FastScan kernels' two accumulators into per-vector sums, once per
 * block. The kernels add each 32-bit lane of looked-up bytes {@code b0 b1 b2 b3} twice, as
 * 16-bit lanes: {@code sum} gets {@code (b0 + 256 b1, b2 + 256 b3)} and {@code shifted} gets
 * the lane shifted right by 8, {@code (b1 + 256 b2, b3)}. With {@code B0..B3} the sums of each
 * byte over all sub-quantisers, everything modulo 2^16: {@code B3} is the odd half of
 * {@code shifted}; {@code B2 = sum.odd - 256 B3}; {@code B1 = shifted.even - 256 B2};
 * {@code B0 = sum.even - 256 B1}.
 */
final class FastScanSums {
    private FastScanSums() {
    }

    /**
     * The bit mask of the lanes of {@code d} strictly below {@code threshold} (unsigned), or
     * strictly above it when {@code larger}. One constant comparison per branch: the Vector API
     * intrinsics want a constant operator.
     */
    static long passing(ShortVector d, int threshold, boolean larger) {
        ShortVector t = d.broadcast((short) threshold);
        return larger ? d.compare(VectorOperators.UGT, t).toLong() : d.compare(VectorOperators.ULT, t).toLong();
    }

    /** The looked-up bytes as 16-bit lanes, added to {@code sum}. */
    static ShortVector addBytes(ShortVector sum, ByteVector lookedUp) {
        return sum.add(lookedUp.reinterpretAsShorts());
    }

    /**
     * The looked-up bytes shifted right by 8 in 32-bit lanes (C2 has an immediate form for
     * those, not for 16-bit lanes), added to {@code shifted} as 16-bit lanes.
     */
    static ShortVector addShiftedBytes(ShortVector shifted, ByteVector lookedUp) {
        return shifted.add(lookedUp.reinterpretAsInts().lanewise(VectorOperators.LSHR, 8).reinterpretAsShorts());
    }

    /** The shuffle that copies each odd 16-bit lane over the even lane below it. */
    static VectorShuffle<Short> oddOverEven(VectorSpecies<Short> species) {
        return VectorShuffle.fromOp(species, i -> i | 1);
    }

    /** The mask of even 16-bit lanes. */
    static VectorMask<Short> evenLanes(VectorSpecies<Short> species) {
        return VectorMask.fromLong(species, 0x5555_5555_5555_5555L);
    }

    /** The sums of the odd bytes of each 16-bit lane, {@code (B1, B3)}. */
    static ShortVector oddBytes(ShortVector sum, ShortVector shifted, VectorShuffle<Short> oddOverEven,
                                VectorMask<Short> evenLanes) {
        ShortVector b3 = shifted.rearrange(oddOverEven);
        ShortVector b2 = sum.rearrange(oddOverEven).sub(b3.lanewise(VectorOperators.LSHL, 8));
        return shifted.sub(b2.lanewise(VectorOperators.LSHL, 8), evenLanes);
    }

    /** The sums of the even bytes of each 16-bit lane, {@code (B0, B2)}, given the odd ones. */
    static ShortVector evenBytes(ShortVector sum, ShortVector oddBytes) {
        return sum.sub(oddBytes.lanewise(VectorOperators.LSHL, 8));
    }
}
