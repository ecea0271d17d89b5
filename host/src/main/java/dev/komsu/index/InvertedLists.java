package dev.komsu.index;

import dev.komsu.kernels.CodeLists;
import dev.komsu.kernels.VectorLists;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Objects;

/**
 * The inverted lists of an IVF index (faiss ArrayInvertedLists): for each of {@code nlist}
 * lists, {@code size} codes of {@code codeSize} bytes and as many int64 ids, each list one
 * contiguous off-heap region.
 *
 * <p>Memory: lists grow by doubling inside one slab arena; outgrown regions stay allocated until
 * the wasted space exceeds the live space, when everything is copied into a fresh arena and the
 * old one is freed (one arena close instead of one per growth step). Lists may also start as
 * views of memory owned elsewhere, e.g. a mapped faiss file; a list is copied on its first
 * append.
 */
public final class InvertedLists implements CodeLists, AutoCloseable {
    private static final ValueLayout.OfLong ID = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final long MIN_WASTE_TO_COMPACT = 64L << 20;

    private final int nlist;
    private final int codeSize;
    private final MemorySegment[] codes;
    private final MemorySegment[] ids;
    private final long[] sizes;
    private final boolean[] owned; // false: a view of external memory
    private final AutoCloseable externalOwner;
    private Arena slab = Arena.ofShared();
    private long slabLiveBytes;
    private long slabWastedBytes;

    public InvertedLists(int nlist, int codeSize) {
        this(nlist, codeSize, null);
        Arrays.fill(codes, MemorySegment.NULL);
        Arrays.fill(ids, MemorySegment.NULL);
    }

    private InvertedLists(int nlist, int codeSize, AutoCloseable externalOwner) {
        if (nlist <= 0) throw new IllegalArgumentException("nlist must be > 0, got " + nlist);
        if (codeSize <= 0) throw new IllegalArgumentException("code size must be > 0, got " + codeSize);
        this.nlist = nlist;
        this.codeSize = codeSize;
        this.codes = new MemorySegment[nlist];
        this.ids = new MemorySegment[nlist];
        this.sizes = new long[nlist];
        this.owned = new boolean[nlist];
        this.externalOwner = externalOwner;
    }

    /**
     * Lists that are views of external memory (list l: {@code sizes[l]} codes in
     * {@code codes[l]}, ids in {@code ids[l]}); {@code owner} is closed with these lists.
     */
    public static InvertedLists ofViews(int codeSize, MemorySegment[] codes, MemorySegment[] ids, long[] sizes,
                                        AutoCloseable owner) {
        int n = sizes.length;
        if (codes.length != n || ids.length != n) throw new IllegalArgumentException("array lengths differ");
        InvertedLists lists = new InvertedLists(n, codeSize, owner);
        for (int l = 0; l < n; l++) {
            lists.codes[l] = codes[l].asSlice(0, Math.multiplyExact(sizes[l], (long) codeSize));
            lists.ids[l] = ids[l].asSlice(0, Math.multiplyExact(sizes[l], (long) Long.BYTES));
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

    public int codeSize() {
        return codeSize;
    }

    public long size(int list) {
        return sizes[Objects.checkIndex(list, nlist)];
    }

    public long totalSize() {
        long t = 0;
        for (long s : sizes) t += s;
        return t;
    }

    /** The list's codes: exactly {@code size(list) * codeSize} bytes. Valid until the next append. */
    public MemorySegment codes(int list) {
        return codes[list].asSlice(0, sizes[list] * codeSize);
    }

    /** The list's ids: exactly {@code size(list) * 8} bytes. Valid until the next append. */
    public MemorySegment ids(int list) {
        return ids[list].asSlice(0, sizes[list] * Long.BYTES);
    }

    public long id(int list, long offset) {
        Objects.checkIndex(offset, sizes[list]);
        return ids[list].getAtIndex(ID, offset);
    }

    /** Appends one entry: {@code codeSize} bytes from {@code code} at {@code codeOffset}. */
    public void append(int list, long id, MemorySegment code, long codeOffset) {
        Objects.checkIndex(list, nlist);
        long n = sizes[list];
        ensureCapacity(list, n + 1);
        MemorySegment.copy(code, codeOffset, codes[list], n * codeSize, codeSize);
        ids[list].setAtIndex(ID, n, id);
        sizes[list] = n + 1;
    }

    private long capacity(int list) {
        return ids[list].byteSize() / Long.BYTES;
    }

    private void ensureCapacity(int list, long need) {
        if (owned[list] && capacity(list) >= need) return;
        long cap = Math.max(need, Math.max(8, capacity(list) * 2));
        MemorySegment newCodes = slab.allocate(cap * codeSize, 64);
        MemorySegment newIds = slab.allocate(cap * Long.BYTES, 8);
        long n = sizes[list];
        MemorySegment.copy(codes[list], 0, newCodes, 0, n * codeSize);
        MemorySegment.copy(ids[list], 0, newIds, 0, n * Long.BYTES);
        if (owned[list]) {
            slabWastedBytes += codes[list].byteSize() + ids[list].byteSize();
            slabLiveBytes -= codes[list].byteSize() + ids[list].byteSize();
        }
        codes[list] = newCodes;
        ids[list] = newIds;
        owned[list] = true;
        slabLiveBytes += newCodes.byteSize() + newIds.byteSize();
        if (slabWastedBytes > Math.max(slabLiveBytes, MIN_WASTE_TO_COMPACT)) compact();
    }

    /** Copies every owned list into a fresh arena sized to the live data and frees the old one. */
    private void compact() {
        Arena fresh = Arena.ofShared();
        long live = 0;
        for (int l = 0; l < nlist; l++) {
            if (!owned[l]) continue;
            MemorySegment c = fresh.allocate(codes[l].byteSize(), 64);
            MemorySegment i = fresh.allocate(ids[l].byteSize(), 8);
            c.copyFrom(codes[l]);
            i.copyFrom(ids[l]);
            codes[l] = c;
            ids[l] = i;
            live += c.byteSize() + i.byteSize();
        }
        slab.close();
        slab = fresh;
        slabLiveBytes = live;
        slabWastedBytes = 0;
    }

    /** Bytes of codes and ids held (live entries only). */
    public long memoryBytes() {
        return totalSize() * (codeSize + (long) Long.BYTES);
    }

    /** These lists as full-precision vectors, for codecs whose code is the raw float vector. */
    public VectorLists asVectorLists(int dim) {
        if (dim * Float.BYTES != codeSize) {
            throw new IllegalStateException("code size " + codeSize + " is not " + dim + " floats");
        }
        return new VectorLists() {
            @Override
            public int listCount() {
                return nlist;
            }

            @Override
            public int dim() {
                return dim;
            }

            @Override
            public long size(int list) {
                return sizes[list];
            }

            @Override
            public MemorySegment vectors(int list) {
                return codes(list);
            }

            @Override
            public MemorySegment ids(int list) {
                return InvertedLists.this.ids(list);
            }
        };
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
