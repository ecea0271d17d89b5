package dev.komsu.kernels;

import java.lang.foreign.MemorySegment;

/**
 * 4-bit PQ FastScan (faiss's pq4 kernels) over codes in faiss's 32-vector block interleave:
 * for each block, {@code m2/2} groups of 32 bytes, one group per pair of sub-quantisers
 * (faiss {@code pq4_pack_codes}). A query brings one uint8 lookup table of {@code m2 x 16}
 * entries; the distance estimate of a vector is the sum of its entries, accumulated in 16-bit
 * lanes modulo 2^16 exactly as faiss's SIMD code does, so every implementation (scalar
 * reference and Vector API) gives bit-identical accumulators.
 *
 * <p>Implementations are stateless and thread-safe.
 */
public interface FastScanKernels {
    /** Vectors per block (faiss's {@code bbs}, the only value its IVF FastScan search accepts). */
    int BLOCK = 32;
    /** Entries per sub-quantiser table (4-bit codes). */
    int KSUB = 16;

    /** A short name for logs and benchmark tables, e.g. "fastscan-vector128". */
    String name();

    /**
     * Writes the 32 accumulators of each of {@code nblocks} blocks starting at
     * {@code codes[offset]} into {@code out[0 .. nblocks*32)}: uint16 values in Java shorts,
     * vector {@code j} of block {@code b} at {@code out[b*32 + j]}.
     */
    void accumulate(MemorySegment codes, long offset, int nblocks, int m2, byte[] lut, short[] out);

    /**
     * Scans the first {@code n} vectors of a block list: distance = accumulator + {@code bias}
     * (modulo 2^16, faiss's {@code dbias}); vectors whose distance is below the heap's
     * threshold are offered with their id {@code ids[idsOffset + i]} (int64). Whole blocks whose
     * 32 distances are all at or above the threshold are skipped by one SIMD comparison, as
     * faiss's HeapHandler does.
     */
    void scan(MemorySegment codes, long offset, long n, int m2, byte[] lut, int bias,
              MemorySegment ids, long idsOffset, QuantizedTopK heap);

    /** Checks the arguments every implementation shares. */
    static void checkScan(MemorySegment codes, long offset, long n, int m2, byte[] lut) {
        if (m2 <= 0 || (m2 & 1) != 0) throw new IllegalArgumentException("m2 must be even and > 0, got " + m2);
        if (lut.length < m2 * KSUB) {
            throw new IllegalArgumentException("lookup table has " + lut.length + " bytes, expected m2*16 = " + m2 * KSUB);
        }
        if (n < 0) throw new IllegalArgumentException("n must be >= 0, got " + n);
        long blocks = (n + BLOCK - 1) / BLOCK;
        long need = blocks * (long) BLOCK * m2 / 2;
        if (offset < 0 || offset + need > codes.byteSize()) {
            throw new IllegalArgumentException("codes hold " + codes.byteSize() + " bytes, need " + need
                    + " from offset " + offset + " for " + n + " vectors of m2=" + m2);
        }
    }

    /**
     * The lookup-table quantiser that goes with these kernels (the same bits whichever form;
     * the Vector API kernels hand out a vectorised one).
     */
    default LutQuantizer lutQuantizer() {
        return LutQuantizer.SCALAR;
    }
}
