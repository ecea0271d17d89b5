package dev.komsu.index.hnsw;

import dev.komsu.kernels.FloatMatrix;

/**
 * Inserts nodes into an {@link HnswGraph} the way faiss's HNSW::add_with_locks does, on one
 * thread's {@link HnswWalker}: a greedy descent to the node's top level, then on each level down
 * to 0 a beam search of width efConstruction from the descent's result, faiss's neighbour
 * selection heuristic ({@code shrink_neighbor_list}: keep a candidate only if no kept neighbour
 * is nearer to it than the new node), links to the kept neighbours and links back from them,
 * shrinking their lists by the same heuristic when full. Node locks as faiss takes them.
 */
final class HnswInserter {
    private final HnswWalker w;
    private final HnswGraph g;
    private final NodeLocks locks;
    private final Object entryLock;
    private final NodeQueue results = new NodeQueue(false);
    private final NodeQueue candidates = new NodeQueue(true);
    /** A candidate list sorted nearest first, and the neighbours kept from it. */
    private float[] listDis = new float[64];
    private int[] listIds = new int[64];
    private int[] keptIds = new int[64];
    private int[] targets = new int[64];
    private final float[] chunk = new float[CHUNK];
    /** Distances from a candidate to the kept ones are measured this many at a time. */
    private static final int CHUNK = 4;

    HnswInserter(HnswWalker walker, NodeLocks locks, Object entryLock) {
        this.w = walker;
        this.g = walker.graph;
        this.locks = locks;
        this.entryLock = entryLock;
    }

    /** faiss add_with_locks for node {@code pt} (row {@code row} of {@code added}) with top level {@code ptLevel}. */
    void insert(int pt, int ptLevel, FloatMatrix added, long row) {
        int nearest;
        int level;
        // The entry point and its level are read together (faiss reads max_level after its
        // critical section; the pair only changes when a higher node arrives, before any other).
        synchronized (entryLock) {
            nearest = g.entryPoint();
            level = g.maxLevel();
            if (nearest == -1) g.setEntry(pt, ptLevel);
        }
        if (nearest < 0) return;
        added.copyRow(row, w.query, 0);
        w.distances.setQuery(w.query);
        locks.lock(pt);
        w.nearest = nearest;
        w.dNearest = w.distances.distance(nearest);
        for (; level > ptLevel; level--) w.greedyUpdateNearest(level);
        // faiss starts every lower level from the same node: the descent's result.
        int start = w.nearest;
        float dStart = w.dNearest;
        for (; level >= 0; level--) addLinks(pt, start, dStart, level);
        locks.unlock(pt);
        synchronized (entryLock) {
            if (ptLevel > g.maxLevel()) g.setEntry(pt, ptLevel);
        }
    }

    /** faiss add_links_starting_from; {@code pt}'s lock is held on entry and on return. */
    private void addLinks(int pt, int start, float dStart, int level) {
        searchNeighborsToAdd(start, dStart, level);
        int n = sortResults();
        int kept = n < g.neighborsAt(level) ? keepAll(n) : shrink(n, g.neighborsAt(level));
        // faiss links from the farthest kept neighbour to the nearest.
        // (addLink reuses the kept buffers, so the targets are copied out first.)
        if (targets.length < kept) targets = new int[Math.max(kept, 2 * targets.length)];
        for (int i = 0; i < kept; i++) targets[i] = keptIds[kept - 1 - i];
        for (int i = 0; i < kept; i++) addLink(pt, targets[i], level);
        locks.unlock(pt);
        for (int i = 0; i < kept; i++) {
            int other = targets[i];
            locks.lock(other);
            addLink(other, pt, level);
            locks.unlock(other);
        }
        locks.lock(pt);
    }

    /** faiss search_neighbors_to_add: the efConstruction nearest found, left in {@link #results}. */
    private void searchNeighborsToAdd(int entry, float dEntry, int level) {
        int ef = g.efConstruction();
        results.clear();
        candidates.clear();
        candidates.push(dEntry, entry);
        results.push(dEntry, entry);
        w.visited.set(entry);
        while (candidates.size() > 0) {
            if (candidates.topDistance() > results.topDistance()) break;
            int node = candidates.topNode();
            candidates.pop();
            int n = w.unvisitedNeighbors(node, level);
            for (int j = 0; j < n; j++) {
                float d = w.batchDis[j];
                if (results.size() < ef || results.topDistance() > d) {
                    results.push(d, w.batchIds[j]);
                    candidates.push(d, w.batchIds[j]);
                    if (results.size() > ef) results.pop();
                }
            }
        }
        w.visited.advance();
    }

    /** Empties {@link #results} into {@link #listDis}/{@link #listIds}, nearest first; returns the count. */
    private int sortResults() {
        int n = results.size();
        room(n);
        for (int i = n - 1; i >= 0; i--) {
            listDis[i] = results.topDistance();
            listIds[i] = results.topNode();
            results.pop();
        }
        return n;
    }

    private int keepAll(int n) {
        System.arraycopy(listIds, 0, keptIds, 0, n);
        return n;
    }

    /**
     * faiss shrink_neighbor_list over the sorted list of n: candidates nearest first, each kept
     * unless a kept one is strictly nearer to it than its distance to the new node; stops at
     * {@code max} kept. Returns the number kept, nearest first in {@link #keptIds}.
     */
    private int shrink(int n, int max) {
        int kept = 0;
        for (int c = 0; c < n; c++) {
            int v1 = listIds[c];
            float d1 = listDis[c];
            boolean good = true;
            if (kept > 0) w.distances.setOrigin(v1);
            for (int j = 0; j < kept && good; j += CHUNK) {
                int count = Math.min(CHUNK, kept - j);
                w.distances.distancesFromOrigin(keptIds, j, count, chunk);
                for (int t = 0; t < count; t++) {
                    if (chunk[t] < d1) {
                        good = false;
                        break;
                    }
                }
            }
            if (good) {
                keptIds[kept] = v1;
                if (++kept >= max) break;
            }
        }
        return kept;
    }

    /** faiss add_link: adds {@code dest} to {@code src}'s list, shrinking the list when full. */
    private void addLink(int src, int dest, int level) {
        int[] slots = g.slots();
        int b = g.begin(src, level);
        int e = g.end(src, level);
        if (slots[e - 1] == -1) {
            int i = e;
            while (i > b && slots[i - 1] == -1) i--;
            slots[i] = dest;
            return;
        }
        int n = e - b + 1;
        room(n);
        listIds[0] = dest;
        System.arraycopy(slots, b, listIds, 1, e - b);
        w.distances.setOrigin(src);
        w.distances.distancesFromOrigin(listIds, 0, n, listDis);
        sortList(n);
        int kept = shrink(n, e - b);
        // faiss writes the kept list back farthest first, then clears the rest.
        int i = b;
        for (int t = kept - 1; t >= 0; t--) slots[i++] = keptIds[t];
        while (i < e) slots[i++] = -1;
    }

    /** Sorts listDis/listIds[0 .. n) by distance, then node (insertion sort: n is at most 2M + 1). */
    private void sortList(int n) {
        for (int i = 1; i < n; i++) {
            float d = listDis[i];
            int id = listIds[i];
            int j = i - 1;
            while (j >= 0 && (listDis[j] > d || listDis[j] == d && listIds[j] > id)) {
                listDis[j + 1] = listDis[j];
                listIds[j + 1] = listIds[j];
                j--;
            }
            listDis[j + 1] = d;
            listIds[j + 1] = id;
        }
    }

    private void room(int n) {
        if (listDis.length < n) {
            int size = Math.max(n, 2 * listDis.length);
            listDis = new float[size];
            listIds = new int[size];
            keptIds = new int[size];
        }
    }
}
