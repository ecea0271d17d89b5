package dev.komsu.index.hnsw;

import java.util.Arrays;

/**
 * faiss's HNSW search for one query (HNSW::search with upper_beam 1 and a bounded queue, its
 * default): a greedy descent through the upper levels from the entry point, then a best-first
 * search of level 0 with {@code max(efSearch, k)} candidates that stops once efSearch
 * candidates already seen are nearer than the next one to expand.
 */
public final class HnswSearch {
    private HnswSearch() {
    }

    /**
     * Searches {@code query} and writes the k results, nearest first, into {@code dis} / {@code ids}
     * (graph distances: negated inner products for that metric; empty slots id -1 and distance
     * {@code Float.MAX_VALUE}). {@code heap} is the walker's reusable candidate list.
     */
    public static void search(HnswWalker w, float[] query, int k, int efSearch, MinimaxHeap heap,
                              float[] dis, int[] ids) {
        Arrays.fill(dis, 0, k, Float.MAX_VALUE);
        Arrays.fill(ids, 0, k, -1);
        HnswGraph g = w.graph;
        int entry = g.entryPoint();
        if (entry == -1) return;
        w.distances.setQuery(query);
        w.nearest = entry;
        w.dNearest = w.distances.distance(entry);
        for (int level = g.maxLevel(); level >= 1; level--) w.greedyUpdateNearest(level);
        heap.clear();
        heap.push(w.nearest, w.dNearest);
        searchFromCandidates(w, k, efSearch, heap, dis, ids);
        w.visited.advance();
        MaxHeap.reorder(k, dis, ids);
    }

    /** faiss search_from_candidates on level 0; the results are left as a max-heap of k. */
    private static void searchFromCandidates(HnswWalker w, int k, int efSearch, MinimaxHeap heap,
                                             float[] dis, int[] ids) {
        int nres = 0;
        for (int i = 0; i < heap.size(); i++) {
            int v = heap.id(i);
            float d = heap.distance(i);
            if (nres < k) MaxHeap.push(++nres, dis, ids, d, v);
            else if (d < dis[0]) MaxHeap.replaceTop(nres, dis, ids, d, v);
            w.visited.set(v);
        }
        float[] popped = w.popped;
        while (heap.size() > 0) {
            int v0 = heap.popMin(popped);
            // faiss's stopping rule: efSearch entries seen so far are nearer than this one.
            if (heap.countBelow(popped[0]) >= efSearch) break;
            int n = w.unvisitedNeighbors(v0, 0);
            for (int j = 0; j < n; j++) {
                int v = w.batchIds[j];
                float d = w.batchDis[j];
                if (nres < k) MaxHeap.push(++nres, dis, ids, d, v);
                else if (d < dis[0]) MaxHeap.replaceTop(nres, dis, ids, d, v);
                heap.push(v, d);
            }
        }
    }
}
