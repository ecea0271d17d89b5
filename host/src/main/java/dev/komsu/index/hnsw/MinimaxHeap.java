package dev.komsu.index.hnsw;

/**
 * faiss's {@code HNSW::MinimaxHeap}: the bounded candidate list of a search. A max-heap of at
 * most {@code capacity} (distance, node) entries, so a full list drops its farthest entry for a
 * closer one; the nearest entry is taken by a linear scan and marked popped (id -1) in place.
 * Popped entries keep their distance: faiss's stopping rule counts them ({@link #countBelow}),
 * and a full list may evict a popped entry while counting it as a live one. Both quirks are
 * kept, because they decide when a search stops and so which results it returns.
 */
public final class MinimaxHeap {
    private final float[] dis;
    private final int[] ids;
    private final int capacity;
    private int k;
    private int nvalid;

    public MinimaxHeap(int capacity) {
        this.capacity = capacity;
        this.dis = new float[capacity];
        this.ids = new int[capacity];
    }

    public int capacity() {
        return capacity;
    }

    public void clear() {
        k = 0;
        nvalid = 0;
    }

    /** Live (not yet popped) entries, as faiss counts them. */
    public int size() {
        return nvalid;
    }

    /** Entry i (in heap order) of the first {@link #size()}: the seeds a search starts from. */
    int id(int i) {
        return ids[i];
    }

    float distance(int i) {
        return dis[i];
    }

    public void push(int node, float d) {
        if (k == capacity) {
            if (d >= dis[0]) return;
            MaxHeap.pop(k--, dis, ids);
            nvalid--;
        }
        MaxHeap.push(++k, dis, ids, d, node);
        nvalid++;
    }

    /** The node of the nearest live entry (its distance in {@code out[0]}), or -1 if none. */
    public int popMin(float[] out) {
        int i = k - 1;
        while (i >= 0 && ids[i] == -1) i--;
        if (i < 0) return -1;
        int best = i;
        float min = dis[i];
        for (i--; i >= 0; i--) {
            if (ids[i] != -1 && dis[i] < min) {
                min = dis[i];
                best = i;
            }
        }
        out[0] = min;
        int node = ids[best];
        ids[best] = -1;
        nvalid--;
        return node;
    }

    /** Entries, popped ones included, with a distance below {@code threshold}. */
    public int countBelow(float threshold) {
        int n = 0;
        for (int i = 0; i < k; i++) {
            if (dis[i] < threshold) n++;
        }
        return n;
    }
}
