package dev.komsu.kernels;

/**
 * A bounded top-k collector for one query: keeps the k smallest keys seen (a max-heap on the
 * key, so the worst kept entry is at the root and a new candidate costs one comparison against
 * {@link #threshold()}). Keys come from {@link Metric#toKey}, so inner product uses the same
 * code. Ties are broken by the smaller id, which makes results independent of scan order.
 * Not thread-safe: one per query per thread.
 */
public final class TopK {
    private final int k;
    private final float[] keys;
    private final long[] ids;
    private final float ceiling;
    private int size;

    public TopK(int k) {
        this(k, Float.POSITIVE_INFINITY);
    }

    /**
     * A collector whose {@link #threshold()} never exceeds {@code ceiling}: scans that filter by
     * the threshold offer no key above it (a range bound known in advance), so a large k costs
     * only the entries that pass.
     */
    public TopK(int k, float ceiling) {
        if (k <= 0) throw new IllegalArgumentException("k must be > 0, got " + k);
        this.ceiling = ceiling;
        this.k = k;
        this.keys = new float[k];
        this.ids = new long[k];
    }

    public int capacity() {
        return k;
    }

    public int size() {
        return size;
    }

    /** Forgets all entries so the collector can serve the next query. */
    public void clear() {
        size = 0;
    }

    /** A key must be below this to enter (the ceiling, +inf by default, until the heap is full). */
    public float threshold() {
        return size < k ? ceiling : Math.min(keys[0], ceiling);
    }

    /** The ceiling given at construction (+inf for none). */
    public float ceiling() {
        return ceiling;
    }

    /** Offers a candidate; returns true if it was kept. */
    public boolean offer(float key, long id) {
        if (size < k) {
            siftUp(size++, key, id);
            return true;
        }
        if (!worse(keys[0], ids[0], key, id)) return false;
        siftDown(0, key, id);
        return true;
    }

    // true when (ka, ia) ranks after (kb, ib): larger key, or equal key and larger id.
    private static boolean worse(float ka, long ia, float kb, long ib) {
        return ka > kb || (ka == kb && ia > ib);
    }

    private void siftUp(int i, float key, long id) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!worse(key, id, keys[parent], ids[parent])) break;
            keys[i] = keys[parent];
            ids[i] = ids[parent];
            i = parent;
        }
        keys[i] = key;
        ids[i] = id;
    }

    private void siftDown(int i, float key, long id) {
        int n = size;
        while (true) {
            int child = 2 * i + 1;
            if (child >= n) break;
            int right = child + 1;
            if (right < n && worse(keys[right], ids[right], keys[child], ids[child])) child = right;
            if (!worse(keys[child], ids[child], key, id)) break;
            keys[i] = keys[child];
            ids[i] = ids[child];
            i = child;
        }
        keys[i] = key;
        ids[i] = id;
    }

    /** Copies the kept ids (in no particular order) into {@code dst}, empties the collector and returns how many. */
    public int takeIds(long[] dst) {
        int n = size;
        System.arraycopy(ids, 0, dst, 0, n);
        size = 0;
        return n;
    }

    /**
     * Writes the kept entries best first into {@code distances}/{@code labels} at
     * {@code offset}, converting keys back with {@code metric}; pads empty slots faiss's way.
     * Empties the collector.
     */
    public void drainTo(Metric metric, float[] distances, long[] labels, int offset) {
        int n = size;
        // Heap-sort in place: repeatedly move the worst entry to the end.
        for (int end = n - 1; end > 0; end--) {
            float key = keys[end];
            long id = ids[end];
            keys[end] = keys[0];
            ids[end] = ids[0];
            size = end;
            siftDown(0, key, id);
        }
        for (int j = 0; j < n; j++) {
            distances[offset + j] = metric.fromKey(keys[j]);
            labels[offset + j] = ids[j];
        }
        for (int j = n; j < k; j++) {
            distances[offset + j] = metric.emptyDistance();
            labels[offset + j] = -1L;
        }
        size = 0;
    }
}
