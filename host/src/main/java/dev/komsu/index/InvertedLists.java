package dev.komsu.index;

import dev.komsu.kernels.BlockCodeLists;
import dev.komsu.kernels.CodeLists;
import dev.komsu.kernels.VectorLists;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.LongPredicate;
import java.util.function.LongUnaryOperator;

/**
 * The inverted lists of an IVF index, and the one list of a flat-codes index (faiss
 * ArrayInvertedLists, and BlockInvertedLists with its CodePacker): for each of {@code nlist}
 * lists, {@code size} codes in a {@link CodeLayout} and as many int64 ids, each list one
 * contiguous off-heap region. The kernels see the lists through the view their layout allows
 * ({@link #codeLists()}, {@link #blockCodeLists()}, {@link #vectorLists(int)}).
 *
 * <p>Memory: lists grow by doubling inside one slab arena; outgrown regions stay allocated until
 * the wasted space exceeds half the live space (and 64 MiB), when everything is copied into a
 * fresh arena and the old one is freed (one arena close instead of one per growth step). Half,
 * because doubling from 8 entries leaves a list of capacity C with C - 8 outgrown entries: waste
 * stays just below the live space and a "waste exceeds live" trigger would never fire. The
 * copying stays linear: a compaction copies at most twice the waste that growth made since the
 * last one. Lists may also start as
 * views of memory owned elsewhere, e.g. a mapped faiss file; a list is copied on its first
 * append. The store also keeps the id -&gt; (list, offset) {@link DirectMap} for reconstruct.
 */
public final class InvertedLists implements AutoCloseable {
    private static final ValueLayout.OfLong ID = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final long MIN_WASTE_TO_COMPACT = 64L << 20;

    private final int nlist;
    private final CodeLayout layout;
    private final MemorySegment[] codes;
    private final MemorySegment[] ids;
    private final long[] sizes;
    private final boolean[] owned; // false: a view of external memory
    private final AutoCloseable externalOwner;
    private final Views views = new Views(0);
    private Arena slab = Arena.ofShared();
    private long slabLiveBytes;
    private long slabWastedBytes;
    /** Outgrown bytes that trigger a compaction once they exceed the live ones too; tests lower it. */
    long minWasteToCompact = MIN_WASTE_TO_COMPACT;
    private int compactions;
    /**
     * Built by the first lookup (one pass over the lists), then kept up to date by append.
     * Volatile for the lazy build: concurrent reconstructs may all ask for it first.
     */
    private volatile DirectMap directMap;

    /** Empty lists of flat codes of {@code codeSize} bytes. */
    public InvertedLists(int nlist, int codeSize) {
        this(nlist, CodeLayout.flat(codeSize));
    }

    /** Empty lists of codes in {@code layout}. */
    public InvertedLists(int nlist, CodeLayout layout) {
        this(nlist, layout, null);
        Arrays.fill(codes, MemorySegment.NULL);
        Arrays.fill(ids, MemorySegment.NULL);
    }

    private InvertedLists(int nlist, CodeLayout layout, AutoCloseable externalOwner) {
        if (nlist <= 0) throw new IllegalArgumentException("nlist must be > 0, got " + nlist);
        this.nlist = nlist;
        this.layout = Objects.requireNonNull(layout, "layout");
        this.codes = new MemorySegment[nlist];
        this.ids = new MemorySegment[nlist];
        this.sizes = new long[nlist];
        this.owned = new boolean[nlist];
        this.externalOwner = externalOwner;
    }

    /**
     * Lists that are views of external memory (list l: {@code sizes[l]} codes in {@code layout}
     * in {@code codes[l]}, ids in {@code ids[l]}); {@code owner} is closed with these lists.
     */
    public static InvertedLists ofViews(CodeLayout layout, MemorySegment[] codes, MemorySegment[] ids, long[] sizes,
                                        AutoCloseable owner) {
        int n = sizes.length;
        if (codes.length != n || ids.length != n) throw new IllegalArgumentException("array lengths differ");
        InvertedLists lists = new InvertedLists(n, layout, owner);
        for (int l = 0; l < n; l++) {
            long codeBytes = layout.bytes(sizes[l]);
            long idBytes = Math.multiplyExact(sizes[l], (long) Long.BYTES);
            if (codes[l].byteSize() < codeBytes || ids[l].byteSize() < idBytes) {
                throw new IllegalArgumentException("list " + l + " of " + sizes[l] + " entries needs " + codeBytes
                        + " code bytes and " + idBytes + " id bytes, got " + codes[l].byteSize() + " and "
                        + ids[l].byteSize());
            }
            lists.codes[l] = codes[l].asSlice(0, codeBytes);
            lists.ids[l] = ids[l].asSlice(0, idBytes);
            lists.sizes[l] = sizes[l];
        }
        return lists;
    }

    public int nlist() {
        return nlist;
    }

    public CodeLayout layout() {
        return layout;
    }

    /** Bytes of one code in its flat form (faiss's code_size). */
    public int codeSize() {
        return layout.codeSize();
    }

    public long size(int list) {
        return sizes[Objects.checkIndex(list, nlist)];
    }

    public long totalSize() {
        long t = 0;
        for (long s : sizes) t += s;
        return t;
    }

    /** The list's codes in its layout: exactly {@code layout().bytes(size(list))} bytes. Valid until the next append. */
    public MemorySegment codes(int list) {
        return codes[list].asSlice(0, layout.bytes(sizes[list]));
    }

    /** The list's ids: exactly {@code size(list) * 8} bytes. Valid until the next append. */
    public MemorySegment ids(int list) {
        return ids[list].asSlice(0, sizes[list] * Long.BYTES);
    }

    public long id(int list, long offset) {
        Objects.checkIndex(offset, sizes[list]);
        return ids[list].getAtIndex(ID, offset);
    }

    /** The flat code of entry {@code offset} of {@code list} (a view for flat codes, a copy for blocks). */
    public MemorySegment code(int list, long offset) {
        Objects.checkIndex(offset, sizes[Objects.checkIndex(list, nlist)]);
        return layout.unpack(codes[list], offset);
    }

    /**
     * Makes room for {@code counts[l]} more entries in each list l before they are appended one
     * by one: a large add then allocates (and the JDK zeroes) each list's memory once, where
     * doubling from 8 allocated about twice the final size in four or more steps and made
     * compactions copy it again (half of an IVF add's time on Fashion-MNIST).
     */
    public void reserve(long[] counts) {
        if (counts.length != nlist) throw new IllegalArgumentException(counts.length + " counts for " + nlist + " lists");
        for (int l = 0; l < nlist; l++) {
            if (counts[l] > 0) ensureCapacity(l, Math.addExact(sizes[l], counts[l]));
        }
    }

    /** Appends one entry: the flat code of {@code codeSize()} bytes at {@code code[codeOffset]}. */
    public void append(int list, long id, MemorySegment code, long codeOffset) {
        Objects.checkIndex(list, nlist);
        long n = sizes[list];
        ensureCapacity(list, n + 1);
        layout.pack(code, codeOffset, codes[list], n);
        ids[list].setAtIndex(ID, n, id);
        sizes[list] = n + 1;
        DirectMap map = directMap;
        if (map != null) map.put(id, list, n);
    }

    /**
     * Removes every entry whose id is {@code selected}, with faiss's procedure for IndexIVF's
     * remove_ids (no direct map): walking each list, a selected entry is overwritten by the
     * list's last entry, which is then checked in turn, and the list shrinks by one. The lists
     * end in the order faiss's have after the same removal, so searches and written files
     * match. Returns the number removed; the direct map is rebuilt on the next lookup.
     */
    public long removeIds(LongPredicate selected) {
        long removed = 0;
        for (int l = 0; l < nlist; l++) {
            long n0 = sizes[l], n = n0, j = 0;
            while (j < n) {
                if (selected.test(id(l, j))) {
                    if (n == n0) ensureCapacity(l, n0); // a view of a file is copied before it changes
                    n--;
                    moveEntry(l, n, j);
                } else {
                    j++;
                }
            }
            if (n < n0) {
                truncate(l, n);
                removed += n0 - n;
            }
        }
        if (removed > 0) directMap = null;
        return removed;
    }

    /**
     * Removes the entries of {@code list} whose id is {@code selected}, keeping the others in
     * order, and renumbers the ids 0..n-1: faiss's IndexFlatCodes::remove_ids, for the one list
     * of an exhaustive index whose ids are row numbers. Returns the number removed.
     */
    public long removeRows(int list, LongPredicate selected) {
        long n0 = sizes[Objects.checkIndex(list, nlist)], kept = 0;
        for (long i = 0; i < n0; i++) {
            if (selected.test(id(list, i))) continue;
            if (kept != i) {
                ensureCapacity(list, n0); // a view of a file is copied before it changes
                moveEntry(list, i, kept);
            }
            kept++;
        }
        if (kept < n0) {
            ensureCapacity(list, n0);
            for (long i = 0; i < kept; i++) ids[list].setAtIndex(ID, i, i);
            truncate(list, kept);
            directMap = null;
        }
        return n0 - kept;
    }

    /** Entry {@code from} of {@code list} (code and id) copied over entry {@code to} (faiss update_entry). */
    private void moveEntry(int list, long from, long to) {
        if (from == to) return;
        ids[list].setAtIndex(ID, to, ids[list].getAtIndex(ID, from));
        MemorySegment code = layout.unpack(codes[list], from);
        layout.pack(code, 0, codes[list], to);
    }

    /**
     * Shrinks {@code list} to {@code size} entries; the vacated codes are zeroed, so a block
     * layout's padding lanes stay at code 0 as faiss writes them.
     */
    private void truncate(int list, long size) {
        MemorySegment zero = MemorySegment.ofArray(new byte[layout.codeSize()]);
        for (long i = size; i < sizes[list]; i++) layout.pack(zero, 0, codes[list], i);
        sizes[list] = size;
    }

    /**
     * Appends every entry of {@code other} (same nlist and layout) to the same list here, its id
     * plus {@code addId}, then empties {@code other}: faiss's InvertedLists::merge_from.
     */
    public void mergeFrom(InvertedLists other, long addId) {
        if (other.nlist != nlist || !other.layout.equals(layout)) {
            throw new IllegalArgumentException("cannot merge " + other.nlist + " lists in " + other.layout + " into "
                    + nlist + " lists in " + layout);
        }
        for (int l = 0; l < nlist; l++) {
            long n = other.sizes[l];
            ensureCapacity(l, sizes[l] + n);
            for (long i = 0; i < n; i++) append(l, Math.addExact(other.id(l, i), addId), other.code(l, i), 0);
        }
        other.clear();
    }

    /** Empties every list (faiss's InvertedLists reset); memory stays for the next appends. */
    public void clear() {
        for (int l = 0; l < nlist; l++) {
            if (owned[l]) {
                truncate(l, 0);
            } else {
                codes[l] = MemorySegment.NULL; // a view of external memory: the next append allocates
                ids[l] = MemorySegment.NULL;
                sizes[l] = 0;
            }
        }
        directMap = null;
    }

    /** Replaces every stored id by {@code renumber(id)}; the direct map is rebuilt on the next lookup. */
    public void renumberIds(LongUnaryOperator renumber) {
        for (int l = 0; l < nlist; l++) {
            if (sizes[l] == 0) continue;
            ensureCapacity(l, sizes[l]);
            for (long i = 0; i < sizes[l]; i++) ids[l].setAtIndex(ID, i, renumber.applyAsLong(ids[l].getAtIndex(ID, i)));
        }
        directMap = null;
    }

    private long capacity(int list) {
        return ids[list].byteSize() / Long.BYTES;
    }

    private void ensureCapacity(int list, long need) {
        if (owned[list] && capacity(list) >= need) return;
        long cap = layout.roundUp(Math.max(need, Math.max(8, capacity(list) * 2)));
        // arena memory starts zeroed: block layouts rely on it for their padding lanes
        MemorySegment newCodes = slab.allocate(layout.bytes(cap), 64);
        MemorySegment newIds = slab.allocate(cap * Long.BYTES, 8);
        long n = sizes[list];
        MemorySegment.copy(codes[list], 0, newCodes, 0, layout.bytes(n));
        MemorySegment.copy(ids[list], 0, newIds, 0, n * Long.BYTES);
        if (owned[list]) {
            slabWastedBytes += codes[list].byteSize() + ids[list].byteSize();
            slabLiveBytes -= codes[list].byteSize() + ids[list].byteSize();
        }
        codes[list] = newCodes;
        ids[list] = newIds;
        owned[list] = true;
        slabLiveBytes += newCodes.byteSize() + newIds.byteSize();
        if (slabWastedBytes > Math.max(slabLiveBytes / 2, minWasteToCompact)) compact();
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
        compactions++;
    }

    /** How many times the slab was compacted (for tests). */
    int compactions() {
        return compactions;
    }

    /**
     * The packed (list, offset) of {@code id} ({@link DirectMap#list}, {@link DirectMap#offset}),
     * or {@link DirectMap#ABSENT}: O(1) once the map exists, the first call builds it in one
     * pass over the lists, as faiss's {@code make_direct_map}. Thread-safe against other
     * lookups; appends are not concurrent with lookups.
     */
    public long locate(long id) {
        DirectMap map = directMap;
        if (map == null) {
            synchronized (this) {
                if (directMap == null) {
                    DirectMap built = new DirectMap(totalSize());
                    for (int l = 0; l < nlist; l++) {
                        for (long j = 0; j < sizes[l]; j++) built.put(id(l, j), l, j);
                    }
                    directMap = built;
                }
                map = directMap;
            }
        }
        return map.get(id);
    }

    /** Bytes of codes and ids held (live entries only, whole blocks for blocks). */
    public long memoryBytes() {
        long t = 0;
        for (long s : sizes) t += layout.bytes(s) + s * Long.BYTES;
        return t;
    }

    /** These lists as the kernels' lists of fixed-size codes; the layout must be flat. */
    public CodeLists codeLists() {
        if (!(layout instanceof CodeLayout.Flat)) throw new IllegalStateException("lists in " + layout + " are not flat codes");
        return views;
    }

    /** These lists as the kernels' FastScan block lists; the layout must be blocks. */
    public BlockCodeLists blockCodeLists() {
        if (!(layout instanceof CodeLayout.Blocks)) throw new IllegalStateException("lists in " + layout + " are not blocks");
        return views;
    }

    /** These lists as full-precision vectors, for codecs whose code is the raw float vector. */
    public VectorLists vectorLists(int dim) {
        if (!(layout instanceof CodeLayout.Flat) || dim * Float.BYTES != layout.codeSize()) {
            throw new IllegalStateException("lists in " + layout + " are not codes of " + dim + " floats");
        }
        return new Views(dim);
    }

    /** The kernels' read-only views: the same lists, named as each kernel takes them. */
    private final class Views implements CodeLists, BlockCodeLists, VectorLists {
        private final int dim;

        Views(int dim) {
            this.dim = dim;
        }

        @Override
        public int listCount() {
            return nlist;
        }

        @Override
        public int codeSize() {
            return layout.codeSize();
        }

        @Override
        public int m2() {
            return ((CodeLayout.Blocks) layout).m2();
        }

        @Override
        public int dim() {
            return dim;
        }

        @Override
        public long size(int list) {
            return InvertedLists.this.size(list);
        }

        @Override
        public MemorySegment codes(int list) {
            return InvertedLists.this.codes(list);
        }

        @Override
        public MemorySegment vectors(int list) {
            return InvertedLists.this.codes(list);
        }

        @Override
        public MemorySegment ids(int list) {
            return InvertedLists.this.ids(list);
        }
    }

    @Override
    public void close() {
        if (slab.scope().isAlive()) slab.close();
        Arrays.fill(sizes, 0);
        directMap = null;
        if (externalOwner != null) {
            try {
                externalOwner.close();
            } catch (Exception e) {
                throw new IllegalStateException("could not release the lists' external memory", e);
            }
        }
    }
}
