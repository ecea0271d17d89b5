package dev.komsu.index;

import dev.komsu.kernels.BlockCodeLists;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Objects;

/**
 * The inverted lists of a FastScan IVF index (faiss BlockInvertedLists): per list, codes in
 * faiss's 32-vector blocks ({@link FastScanPacking}), the last block zero-padded, and one int64
 * id per vector. Each list is one contiguous off-heap region, grown by doubling inside one slab
 * arena (outgrown regions are freed with the arena). Lists may also be views of memory owned
 * elsewhere, e.g. a mapped faiss file; such a list is copied on its first append.
 */
public final class BlockInvertedLists implements BlockCodeLists, AutoCloseable {
    private static final ValueLayout.OfLong ID = ValueLayout.JAVA_LONG_UNALIGNED;

    private final int nlist;
    private final int m;
    private final int m2;
    private final long blockBytes;
    private final MemorySegment[] codes;
    private final MemorySegment[] ids;
    private final long[] sizes;
    private final boolean[] owned;
    private final AutoCloseable externalOwner;
    private final Arena slab = Arena.ofShared();

    /** Empty lists for codes of {@code m} sub-quantisers. */
    public BlockInvertedLists(int nlist, int m) {
        this(nlist, m, null);
        Arrays.fill(codes, MemorySegment.NULL);
        Arrays.fill(ids, MemorySegment.NULL);
    }

    private BlockInvertedLists(int nlist, int m, AutoCloseable externalOwner) {
        if (nlist <= 0) throw new IllegalArgumentException("nlist must be > 0, got " + nlist);
        if (m <= 0) throw new IllegalArgumentException("sub-quantizer count must be > 0, got " + m);
        this.nlist = nlist;
        this.m = m;
        this.m2 = FastScanPacking.m2(m);
        this.blockBytes = FastScanPacking.blockBytes(m2);
        this.codes = new MemorySegment[nlist];
        this.ids = new MemorySegment[nlist];
        this.sizes = new long[nlist];
        this.owned = new boolean[nlist];
        this.externalOwner = externalOwner;
    }

    /**
     * Lists that are views of external memory (list l: {@code sizes[l]} vectors, codes in
     * blocks in {@code codes[l]}, ids in {@code ids[l]}); {@code owner} is closed with them.
     */
    public static BlockInvertedLists ofViews(int m, MemorySegment[] codes, MemorySegment[] ids, long[] sizes,
                                             AutoCloseable owner) {
        int n = sizes.length;
        if (codes.length != n || ids.length != n) throw new IllegalArgumentException("array lengths differ");
        BlockInvertedLists lists = new BlockInvertedLists(n, m, owner);
        for (int l = 0; l < n; l++) {
            long codeBytes = FastScanPacking.blocks(sizes[l]) * lists.blockBytes;
            if (codes[l].byteSize() < codeBytes || ids[l].byteSize() < sizes[l] * Long.BYTES) {
                throw new IllegalArgumentException("list " + l + " of " + sizes[l] + " vectors needs " + codeBytes
                        + " code bytes and " + sizes[l] * Long.BYTES + " id bytes, got " + codes[l].byteSize()
                        + " and " + ids[l].byteSize());
            }
            lists.codes[l] = codes[l].asSlice(0, codeBytes);
            lists.ids[l] = ids[l].asSlice(0, sizes[l] * Long.BYTES);
            lists.sizes[l] = sizes[l];
        }
        return lists;
    }

    @Override
    public int listCount() {
        return nlist();
    }

    public int nlist() {
        return nlist;
    }

    /** Sub-quantisers per code. */
    public int m() {
        return m;
    }

    /** Sub-quantisers rounded up to even: the packed width. */
    public int m2() {
        return m2;
    }

    public long size(int list) {
        return sizes[Objects.checkIndex(list, nlist)];
    }

    public long totalSize() {
        long t = 0;
        for (long s : sizes) t += s;
        return t;
    }

    /** The list's packed codes: whole blocks, the last one zero-padded. Valid until the next append. */
    public MemorySegment codes(int list) {
        return codes[list].asSlice(0, FastScanPacking.blocks(sizes[list]) * blockBytes);
    }

    /** The list's ids, 8 bytes each. Valid until the next append. */
    public MemorySegment ids(int list) {
        return ids[list].asSlice(0, sizes[list] * Long.BYTES);
    }

    public long id(int list, long offset) {
        Objects.checkIndex(offset, sizes[list]);
        return ids[list].getAtIndex(ID, offset);
    }

    /** The flat code (faiss's 4-bit PQ code) of entry {@code offset} of {@code list}. */
    public byte[] flatCode(int list, long offset) {
        Objects.checkIndex(offset, sizes[list]);
        byte[] out = new byte[FastScanPacking.flatCodeSize(m)];
        FastScanPacking.unpack(codes[list], 0, m, offset, out, 0);
        return out;
    }

    /** Appends {@code count} entries: flat codes {@code flat[from*codeSize ..]} and their ids. */
    public void append(int list, byte[] flat, int from, int count, long[] entryIds, int idsFrom) {
        Objects.checkIndex(list, nlist);
        int codeSize = FastScanPacking.flatCodeSize(m);
        long n = sizes[list];
        ensureCapacity(list, n + count);
        for (int i = 0; i < count; i++) {
            FastScanPacking.pack(flat, (from + i) * codeSize, m, codes[list], 0, n + i);
            ids[list].setAtIndex(ID, n + i, entryIds[idsFrom + i]);
        }
        sizes[list] = n + count;
    }

    private void ensureCapacity(int list, long need) {
        long capacity = ids[list].byteSize() / Long.BYTES;
        if (owned[list] && capacity >= need) return;
        long cap = Math.max(FastScanPacking.blocks(need), Math.max(1, FastScanPacking.blocks(capacity) * 2))
                * FastScanPacking.BLOCK;
        // new blocks start zeroed (arena memory is), which keeps padding lanes at code 0 as faiss does
        MemorySegment newCodes = slab.allocate(cap / FastScanPacking.BLOCK * blockBytes, 64);
        MemorySegment newIds = slab.allocate(cap * Long.BYTES, 8);
        long n = sizes[list];
        MemorySegment.copy(codes[list], 0, newCodes, 0, FastScanPacking.blocks(n) * blockBytes);
        MemorySegment.copy(ids[list], 0, newIds, 0, n * Long.BYTES);
        codes[list] = newCodes;
        ids[list] = newIds;
        owned[list] = true;
    }

    /** Bytes of packed codes and ids held (live blocks only). */
    public long memoryBytes() {
        long t = 0;
        for (int l = 0; l < nlist; l++) t += FastScanPacking.blocks(sizes[l]) * blockBytes + sizes[l] * Long.BYTES;
        return t;
    }

    @Override
    public void close() {
        if (slab.scope().isAlive()) slab.close();
        Arrays.fill(sizes, 0);
        if (externalOwner != null) {
            try {
                externalOwner.close();
            } catch (Exception e) {
                throw new IllegalStateException("could not release the lists' external memory", e);
            }
        }
    }
}
