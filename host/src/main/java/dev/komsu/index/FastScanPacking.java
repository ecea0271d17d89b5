package dev.komsu.index;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * faiss's 4-bit FastScan code layout (faiss {@code pq4_pack_codes}, {@code CodePackerPQ4}),
 * byte for byte, so block lists read from and written to faiss files are used as they are.
 *
 * <p>A flat code is faiss's PQ code for nbits = 4: {@code (M+1)/2} bytes, sub-quantiser m in
 * byte m/2, the low nibble for even m. Packed codes come in blocks of 32 vectors; a block holds
 * {@code m2/2} groups of 32 bytes (m2 = M rounded up to even), one per pair of sub-quantisers
 * (2p, 2p+1): bytes 0..15 for 2p, 16..31 for 2p+1. Within those 16 bytes, vector v (0..15) sits
 * at position 2v for {@code v < 8} and 2(v-8)+1 otherwise (faiss's perm0), in the low nibble, and
 * vector v+16 in the high nibble of the same byte.
 */
public final class FastScanPacking {
    /** Vectors per block (faiss's bbs). */
    public static final int BLOCK = 32;

    private FastScanPacking() {
    }

    /** Sub-quantisers rounded up to even (faiss's M2). */
    public static int m2(int m) {
        return (m + 1) & ~1;
    }

    /** Bytes of a flat 4-bit code of m sub-quantisers. */
    public static int flatCodeSize(int m) {
        return (m + 1) / 2;
    }

    /** Bytes per block of 32 vectors. */
    public static long blockBytes(int m2) {
        return (long) BLOCK * m2 / 2;
    }

    /** Blocks needed for n vectors. */
    public static long blocks(long n) {
        return (n + BLOCK - 1) / BLOCK;
    }

    private static long address(long blockBase, int m2, long vector, int sq) {
        int v = (int) (vector % BLOCK) & 15;
        int p = v < 8 ? 2 * v : 2 * (v - 8) + 1;
        return blockBase + (vector / BLOCK) * blockBytes(m2) + (sq >> 1) * 32L + (sq & 1) * 16L + p;
    }

    /** The 4-bit code of sub-quantiser {@code sq} of vector {@code vector} in packed codes. */
    public static int get(MemorySegment blocks, long offset, int m2, long vector, int sq) {
        int b = blocks.get(ValueLayout.JAVA_BYTE, address(offset, m2, vector, sq)) & 0xff;
        return (vector % BLOCK) < 16 ? b & 15 : b >>> 4;
    }

    /** Sets one 4-bit code, leaving the other nibble of its byte alone (faiss pq4_set_packed_element). */
    public static void set(MemorySegment blocks, long offset, int m2, long vector, int sq, int code) {
        long at = address(offset, m2, vector, sq);
        int b = blocks.get(ValueLayout.JAVA_BYTE, at) & 0xff;
        b = (vector % BLOCK) < 16 ? (b & 0xf0) | (code & 15) : (b & 0x0f) | (code & 15) << 4;
        blocks.set(ValueLayout.JAVA_BYTE, at, (byte) b);
    }

    /**
     * Packs flat code {@code flat[flatOffset ..]} of m sub-quantisers as vector {@code vector}
     * of the packed codes at {@code blocks[offset]}; padding sub-quantisers (m..m2) get code 0.
     */
    public static void pack(MemorySegment flat, long flatOffset, int m, MemorySegment blocks, long offset, long vector) {
        int m2 = m2(m);
        for (int sq = 0; sq < m2; sq++) {
            int code = sq < m ? (flat.get(ValueLayout.JAVA_BYTE, flatOffset + sq / 2) >> ((sq & 1) * 4)) & 15 : 0;
            set(blocks, offset, m2, vector, sq, code);
        }
    }

    /** The inverse of {@link #pack}: vector {@code vector}'s flat code into {@code flat[flatOffset ..]}. */
    public static void unpack(MemorySegment blocks, long offset, int m, long vector, byte[] flat, int flatOffset) {
        int m2 = m2(m);
        java.util.Arrays.fill(flat, flatOffset, flatOffset + flatCodeSize(m), (byte) 0);
        for (int sq = 0; sq < m; sq++) {
            flat[flatOffset + sq / 2] |= (byte) (get(blocks, offset, m2, vector, sq) << ((sq & 1) * 4));
        }
    }
}
