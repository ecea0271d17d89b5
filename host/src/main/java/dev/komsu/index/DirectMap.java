package dev.komsu.index;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * id -> (list, offset) of an IVF index, faiss's {@code DirectMap} kept in memory only: it is
 * never written into the index file, so files stay byte-identical to faiss's and faiss keeps
 * accepting {@code add}/{@code remove_ids} on them. Entries are packed as faiss packs them
 * ({@code lo_build}: list in the high 32 bits, offset in the low 32).
 *
 * <p>Ids in a dense range from 0 (every file RVC writes: ids 0..ntotal-1) live in an array,
 * 8 bytes per id; any other id (negative, or far beyond the count) goes to a hash map. Both
 * lookups are O(1). Not thread-safe: its owner builds it under a lock and updates it only
 * while adding, which is not concurrent with searching.
 */
final class DirectMap {
    /** Marks a slot no id occupies. */
    static final long ABSENT = -1;
    /** Headroom so that ids a little beyond the count still go to the array. */
    private static final int DENSE_SLACK = 1024;

    private final long expectedEntries;
    private long[] slots = new long[0];
    private final Map<Long, Long> sparse = new HashMap<>();
    private long entries;

    /**
     * {@code expectedEntries} (the index's ntotal when built) sizes the dense range from the
     * start, so that the first ids seen, in list order rather than id order, land in the array.
     */
    DirectMap(long expectedEntries) {
        if (expectedEntries < 0) throw new IllegalArgumentException("expectedEntries must be >= 0, got " + expectedEntries);
        this.expectedEntries = expectedEntries;
    }

    /** Records that {@code id} is at {@code offset} of {@code list}; a later put of the same id wins. */
    void put(long id, int list, long offset) {
        long packed = pack(list, offset);
        entries++;
        if (id >= 0 && id < denseLimit()) {
            if (id >= slots.length) grow(id + 1);
            slots[(int) id] = packed;
            if (!sparse.isEmpty()) sparse.remove(id); // put there while the dense range was smaller
        } else {
            sparse.put(id, packed);
        }
    }

    /** The packed (list, offset) of {@code id}, or {@link #ABSENT}. */
    long get(long id) {
        if (id >= 0 && id < slots.length && slots[(int) id] != ABSENT) return slots[(int) id];
        if (sparse.isEmpty()) return ABSENT;
        Long packed = sparse.get(id);
        return packed == null ? ABSENT : packed;
    }

    static int list(long packed) {
        return (int) (packed >>> 32);
    }

    static long offset(long packed) {
        return packed & 0xffff_ffffL;
    }

    static long pack(int list, long offset) {
        if (list < 0) throw new IllegalArgumentException("list must be >= 0, got " + list);
        if (offset < 0 || offset > 0xffff_ffffL) {
            throw new IllegalArgumentException("list offset " + offset + " does not fit the direct map's 32 bits"
                    + " (faiss's limit too): lists must hold fewer than 2^32 entries");
        }
        return (long) list << 32 | offset;
    }

    /** The array grows to ids up to twice the entries (plus slack) and never past 2^31 - 9 slots. */
    private long denseLimit() {
        return Math.min(Integer.MAX_VALUE - 8L, 2 * Math.max(entries, expectedEntries) + DENSE_SLACK);
    }

    private void grow(long need) {
        int size = (int) Math.min(Integer.MAX_VALUE - 8L, Math.max(need, slots.length + (slots.length >> 1)));
        int old = slots.length;
        slots = Arrays.copyOf(slots, size);
        Arrays.fill(slots, old, size, ABSENT);
    }
}
