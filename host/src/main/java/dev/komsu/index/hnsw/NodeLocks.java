package dev.komsu.index.hnsw;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One lock per graph node for parallel insertion (faiss keeps an omp_lock_t per node): an int
 * per node taken by compare-and-set, so a million nodes cost 4 MB, not a million lock objects.
 * A thread holds at most one at a time, so they cannot deadlock. Waiters spin briefly, then yield.
 */
final class NodeLocks {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(int[].class);
    private static final int SPINS_BEFORE_YIELD = 64;
    private final int[] state;

    NodeLocks(int nodes) {
        state = new int[nodes];
    }

    void lock(int node) {
        int spins = 0;
        while (!SLOT.compareAndSet(state, node, 0, 1)) {
            if (++spins < SPINS_BEFORE_YIELD) Thread.onSpinWait();
            else Thread.yield();
        }
    }

    void unlock(int node) {
        SLOT.setRelease(state, node, 0);
    }
}
