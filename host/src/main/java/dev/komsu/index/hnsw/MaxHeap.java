package dev.komsu.index.hnsw;

/**
 * faiss's binary max-heap on parallel arrays (Heap.h with {@code CMax}): the largest distance on
 * top, equal distances ordered by id, positions {@code 0 .. k-1}. HNSW search keeps its k results
 * and its bounded candidate list in these, and the exact sift order matters: it decides which
 * of several equal candidates is dropped, so results match faiss's even where distances tie.
 */
final class MaxHeap {
    private MaxHeap() {
    }

    /** faiss {@code cmp2} for CMax: a before b. */
    private static boolean above(float a, float b, long ia, long ib) {
        return a > b || a == b && ia > ib;
    }

    /** Adds (val, id) to the heap of {@code k - 1} entries, which becomes k entries. */
    static void push(int k, float[] dis, int[] ids, float val, int id) {
        int i = k;
        while (i > 1) {
            int father = i >> 1;
            if (!above(val, dis[father - 1], id, ids[father - 1])) break;
            dis[i - 1] = dis[father - 1];
            ids[i - 1] = ids[father - 1];
            i = father;
        }
        dis[i - 1] = val;
        ids[i - 1] = id;
    }

    /** Removes the top of the heap of k entries (k - 1 remain). */
    static void pop(int k, float[] dis, int[] ids) {
        siftDown(k - 1, dis, ids, dis[k - 1], ids[k - 1]);
    }

    /** Replaces the top of the heap of k entries with (val, id). */
    static void replaceTop(int k, float[] dis, int[] ids, float val, int id) {
        siftDown(k, dis, ids, val, id);
    }

    private static void siftDown(int k, float[] dis, int[] ids, float val, int id) {
        int i = 1;
        while (true) {
            int i1 = i << 1;
            int i2 = i1 + 1;
            if (i1 > k) break;
            int child = i2 == k + 1 || above(dis[i1 - 1], dis[i2 - 1], ids[i1 - 1], ids[i2 - 1]) ? i1 : i2;
            if (above(val, dis[child - 1], id, ids[child - 1])) break;
            dis[i - 1] = dis[child - 1];
            ids[i - 1] = ids[child - 1];
            i = child;
        }
        dis[i - 1] = val;
        ids[i - 1] = id;
    }

    /**
     * faiss heap_reorder: turns the heap of k slots into a list sorted nearest first, real
     * entries (id != -1) first and empty slots (distance {@code Float.MAX_VALUE}) after.
     */
    static void reorder(int k, float[] dis, int[] ids) {
        int kept = 0;
        for (int i = 0; i < k; i++) {
            float val = dis[0];
            int id = ids[0];
            pop(k - i, dis, ids);
            dis[k - kept - 1] = val;
            ids[k - kept - 1] = id;
            if (id != -1) kept++;
        }
        System.arraycopy(dis, k - kept, dis, 0, kept);
        System.arraycopy(ids, k - kept, ids, 0, kept);
        for (int i = kept; i < k; i++) {
            dis[i] = Float.MAX_VALUE;
            ids[i] = -1;
        }
    }
}
