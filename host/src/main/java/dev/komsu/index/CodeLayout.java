package dev.komsu.index;

import java.lang.foreign.MemorySegment;

/**
 * How {@link InvertedLists} lays codes out inside a list's region (faiss's {@code CodePacker}):
 * one code after the other ({@link #flat}), or FastScan's 32-vector block interleave
 * ({@link #blocks}, faiss {@code CodePackerPQ4}). Codes go in and come out in their flat form
 * ({@link #codeSize()} bytes each, faiss's {@code code_size}); only the layout knows where they sit.
 */
public sealed interface CodeLayout {
    /** Bytes of one code in its flat form. */
    int codeSize();

    /** Bytes a list of {@code entries} codes takes in this layout. */
    long bytes(long entries);

    /** Entries a list grown to hold {@code entries} gets room for (a whole block, for blocks). */
    long roundUp(long entries);

    /** Writes the flat code at {@code code[offset]} as entry {@code entry} of {@code region} (faiss pack_1). */
    void pack(MemorySegment code, long offset, MemorySegment region, long entry);

    /**
     * Entry {@code entry} of {@code region} in flat form: a view for the flat layout, a copy for
     * blocks (faiss unpack_1).
     */
    MemorySegment unpack(MemorySegment region, long entry);

    /** Codes of {@code codeSize} bytes, back to back. */
    static CodeLayout flat(int codeSize) {
        return new Flat(codeSize);
    }

    /** 4-bit codes of {@code m} sub-quantisers in FastScan's blocks ({@link FastScanPacking}). */
    static CodeLayout blocks(int m) {
        return new Blocks(m);
    }

    record Flat(int codeSize) implements CodeLayout {
        public Flat {
            if (codeSize <= 0) throw new IllegalArgumentException("code size must be > 0, got " + codeSize);
        }

        @Override
        public long bytes(long entries) {
            return Math.multiplyExact(entries, (long) codeSize);
        }

        @Override
        public long roundUp(long entries) {
            return entries;
        }

        @Override
        public void pack(MemorySegment code, long offset, MemorySegment region, long entry) {
            MemorySegment.copy(code, offset, region, entry * codeSize, codeSize);
        }

        @Override
        public MemorySegment unpack(MemorySegment region, long entry) {
            return region.asSlice(entry * codeSize, codeSize);
        }
    }

    /**
     * Blocks of 32 vectors, the last one zero-padded: a list grows by whole blocks of zeroed
     * memory, which keeps the padding lanes at code 0 as faiss has them.
     */
    record Blocks(int m) implements CodeLayout {
        public Blocks {
            if (m <= 0) throw new IllegalArgumentException("sub-quantizer count must be > 0, got " + m);
        }

        /** Sub-quantisers rounded up to even: the packed width. */
        public int m2() {
            return FastScanPacking.m2(m);
        }

        @Override
        public int codeSize() {
            return FastScanPacking.flatCodeSize(m);
        }

        @Override
        public long bytes(long entries) {
            return Math.multiplyExact(FastScanPacking.blocks(entries), FastScanPacking.blockBytes(m2()));
        }

        @Override
        public long roundUp(long entries) {
            return FastScanPacking.blocks(entries) * FastScanPacking.BLOCK;
        }

        @Override
        public void pack(MemorySegment code, long offset, MemorySegment region, long entry) {
            FastScanPacking.pack(code, offset, m, region, 0, entry);
        }

        @Override
        public MemorySegment unpack(MemorySegment region, long entry) {
            byte[] flat = new byte[codeSize()];
            FastScanPacking.unpack(region, 0, m, entry, flat, 0);
            return MemorySegment.ofArray(flat);
        }
    }
}
