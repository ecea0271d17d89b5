package dev.komsu.index.hnsw;

import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/**
 * faiss's hnsw_add_vertices: adds the vectors just appended to the storage to the graph, each
 * with its float vector as the query, as faiss sets it (for a storage of codes the query is not
 * the decoded code). Levels are drawn for them first; then they are inserted level by level,
 * highest first, each level's nodes in a shuffled order (faiss's generator, seed 789), in
 * parallel on the backend's threads when a level has more than 100 of them (faiss's threshold),
 * with faiss's per-node locking. On one thread the insertion order, and so the graph, is faiss's
 * single-threaded one.
 */
public final class HnswBuilder {
    /** faiss inserts a level's nodes sequentially up to this many. */
    private static final int PARALLEL_ABOVE = 100;
    private static final long ORDER_SEED = 789;

    private HnswBuilder() {
    }

    /**
     * Adds {@code added}, the storage's last rows (already stored), to {@code graph}; each
     * inserting thread measures with its own computer from {@code distances}.
     */
    public static void add(HnswGraph graph, FloatMatrix added, Supplier<HnswDistances> distances, ComputeBackend backend) {
        int n0 = graph.size();
        int n = Math.toIntExact(added.rows());
        if (n <= 0) return;
        graph.addNodes(n);
        int ntotal = graph.size();
        NodeLocks locks = new NodeLocks(ntotal);
        Object entryLock = new Object();
        // Bucket sort by level, ids ascending within a level.
        int top = 0;
        for (int i = n0; i < ntotal; i++) top = Math.max(top, graph.storedLevel(i) - 1);
        int[] hist = new int[top + 1];
        for (int i = n0; i < ntotal; i++) hist[graph.storedLevel(i) - 1]++;
        int[] next = new int[top + 1];
        for (int l = 1; l <= top; l++) next[l] = next[l - 1] + hist[l - 1];
        int[] order = new int[n];
        for (int i = n0; i < ntotal; i++) order[next[graph.storedLevel(i) - 1]++] = i;

        ConcurrentLinkedQueue<HnswInserter> pool = new ConcurrentLinkedQueue<>();
        FaissRandom shuffle = new FaissRandom(ORDER_SEED);
        int i1 = n;
        for (int level = top; level >= 0; level--) {
            int i0 = i1 - hist[level];
            for (int j = i0; j < i1; j++) {
                int r = j + shuffle.nextInt(i1 - j);
                int t = order[j];
                order[j] = order[r];
                order[r] = t;
            }
            int from = i0;
            int ptLevel = level;
            if (i1 - i0 > PARALLEL_ABOVE) {
                backend.forEachQuery(i1 - i0, i -> insert(pool, graph, added, n0, distances, locks, entryLock,
                        order[from + i], ptLevel));
            } else {
                for (int i = i0; i < i1; i++) {
                    insert(pool, graph, added, n0, distances, locks, entryLock, order[i], ptLevel);
                }
            }
            i1 = i0;
        }
    }

    private static void insert(ConcurrentLinkedQueue<HnswInserter> pool, HnswGraph graph, FloatMatrix added, int n0,
                               Supplier<HnswDistances> distances, NodeLocks locks, Object entryLock,
                               int pt, int level) {
        HnswInserter ins = pool.poll();
        if (ins == null) ins = new HnswInserter(new HnswWalker(graph, distances.get()), locks, entryLock);
        ins.insert(pt, level, added, pt - n0);
        pool.offer(ins);
    }
}
