package dev.komsu.kernels;

/**
 * The k best uint16 FastScan distances of one query, kept exactly as faiss's HeapHandler
 * keeps them, so results (ties included) follow faiss's: a max-heap of k slots that starts
 * full of (65535, -1); a candidate enters only when its distance is strictly below the top's
 * (so among equal distances the one scanned first stays), and the heap orders entries by
 * (distance, id). Not thread-safe: one per query per thread.
 */
public final class QuantizedTopK {
    /** faiss's neutral uint16 distance: empty slots, and the threshold until k entries are found. */
    public static final int EMPTY = 0xffff;

    private final int k;
    private final int[] keys;
    private final long[] ids;

    public QuantizedTopK(int k) {
        KernelChecks.checkK(k);
        this.k = k;
        this.keys = new int[k];
        this.ids = new long[k];
        clear();
    }

    public int capacity() {
        return k;
    }

    /** Forgets all entries (back to k empty slots). */
    public void clear() {
        java.util.Arrays.fill(keys, EMPTY);
        java.util.Arrays.fill(ids, -1L);
    }

    /** A distance must be below this to enter. */
    public int threshold() {
        return keys[0];
    }

    /** Offers a candidate (distance in [0, 65535]); returns true if it was kept. */
    public boolean offer(int key, long id) {
        if (key >= keys[0]) return false;
        replaceTop(key, id);
        return true;
    }

    // (ka, ia) ranks after (kb, ib): faiss's CMax::cmp2.
    private static boolean after(int ka, long ia, int kb, long ib) {
        return ka > kb || (ka == kb && ia > ib);
    }

    private void replaceTop(int key, long id) {
        siftDown(k, key, id);
    }

    /**
     * Writes the entries best first, converted to float distances with faiss's formula
     * {@code key * (1/a) + b} ({@code a}, {@code b} from the lookup-table quantisation), and
     * empties the collector. Empty slots get label -1 and {@code emptyDistance}.
     */
    public void drainTo(float a, float b, float emptyDistance, float[] distances, long[] labels, int offset) {
        sortInPlace();
        toDistances(keys, ids, 0, k, a, b, emptyDistance, distances, labels, offset);
        clear();
    }

    /**
     * Converts {@code count} raw entries ({@code keys}/{@code ids} from {@code from}, as
     * {@link #drainRaw} or a batched FastScan writes them) to float distances with faiss's
     * formula {@code key * (1/a) + b}; entries with a negative id become label -1 with
     * {@code emptyDistance}. The one place this conversion is written, so every path that
     * produces FastScan results gives the same bits.
     */
    public static void toDistances(int[] keys, long[] ids, int from, int count, float a, float b, float emptyDistance,
                                   float[] distances, long[] labels, int offset) {
        float oneA = 1f / a;
        for (int j = 0; j < count; j++) {
            long id = ids[from + j];
            boolean empty = id < 0;
            labels[offset + j] = empty ? -1L : id;
            distances[offset + j] = empty ? emptyDistance : keys[from + j] * oneA + b;
        }
    }

    /** The raw uint16 keys and ids best first (empty slots: 65535 and -1); empties the collector. */
    public void drainRaw(int[] outKeys, long[] outIds) {
        sortInPlace();
        System.arraycopy(keys, 0, outKeys, 0, k);
        System.arraycopy(ids, 0, outIds, 0, k);
        clear();
    }

    // faiss's heap_reorder: repeatedly moves the worst entry to the end.
    private void sortInPlace() {
        for (int end = k - 1; end > 0; end--) {
            int key = keys[end];
            long id = ids[end];
            keys[end] = keys[0];
            ids[end] = ids[0];
            siftDown(end, key, id);
        }
    }

    private void siftDown(int size, int key, long id) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            if (l >= size) break;
            int r = l + 1;
            int c = (r >= size || after(keys[l], ids[l], keys[r], ids[r])) ? l : r;
            if (after(key, id, keys[c], ids[c])) break;
            keys[i] = keys[c];
            ids[i] = ids[c];
            i = c;
        }
        keys[i] = key;
        ids[i] = id;
    }
}
