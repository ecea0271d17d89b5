package dev.komsu.index.hnsw;

/**
 * One thread's state for walking an {@link HnswGraph}: the distance computer, the visited table
 * and the buffers a neighbour list is gathered into. Searches and insertions reuse one walker
 * per thread, so a query allocates nothing that grows with the graph.
 */
public final class HnswWalker {
    final HnswGraph graph;
    final HnswDistances distances;
    final VisitedTable visited;
    /** The neighbours of the node being expanded, and their distances to the query. */
    final int[] batchIds;
    final float[] batchDis;
    /** The query as floats (insertions copy the stored vector here). */
    final float[] query;
    /** popMin's distance out-argument. */
    final float[] popped = new float[1];
    /** Greedy descent state (faiss greedy_update_nearest's in-out arguments). */
    int nearest;
    float dNearest;

    public HnswWalker(HnswGraph graph, HnswDistances distances) {
        this.graph = graph;
        this.distances = distances;
        this.visited = new VisitedTable(graph.size());
        int widest = graph.neighborsAt(0);
        this.batchIds = new int[widest];
        this.batchDis = new float[widest];
        this.query = new float[distances.origin.length];
    }

    /**
     * faiss greedy_update_nearest: moves {@link #nearest} to a closer neighbour on {@code level}
     * until none is closer. All neighbours of a node are measured in one batch, then scanned in
     * list order, which takes the same steps as measuring them one by one.
     */
    void greedyUpdateNearest(int level) {
        int[] slots = graph.slots();
        while (true) {
            int previous = nearest;
            int b = graph.begin(nearest, level);
            int e = graph.end(nearest, level);
            int n = 0;
            for (int i = b; i < e; i++) {
                int v = slots[i];
                if (v < 0) break;
                batchIds[n++] = v;
            }
            distances.distances(batchIds, n, batchDis);
            for (int i = 0; i < n; i++) {
                if (batchDis[i] < dNearest) {
                    nearest = batchIds[i];
                    dNearest = batchDis[i];
                }
            }
            if (nearest == previous) return;
        }
    }

    /**
     * The neighbours of {@code node} on {@code level} not yet visited, now marked visited, in
     * list order, with their distances: into {@link #batchIds} / {@link #batchDis}; returns
     * their number.
     */
    int unvisitedNeighbors(int node, int level) {
        int[] slots = graph.slots();
        int b = graph.begin(node, level);
        int e = graph.end(node, level);
        int n = 0;
        for (int i = b; i < e; i++) {
            int v = slots[i];
            if (v < 0) break;
            if (visited.get(v)) continue;
            visited.set(v);
            batchIds[n++] = v;
        }
        distances.distances(batchIds, n, batchDis);
        return n;
    }
}
