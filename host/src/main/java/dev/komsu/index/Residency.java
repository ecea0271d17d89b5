package dev.komsu.index;

import dev.komsu.kernels.Resident;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The resident handles an index holds of its data (base matrix, lists, codebooks, tables), as
 * faiss's GPU indexes own their device copies: each is prepared by the index's backend on first
 * search, dropped when the index says its data changed ({@link #invalidate} after add or train)
 * and closed with the index. A CPU backend's handles are the host data and cost nothing.
 * Thread-safe; the index's guard keeps changes of its data apart from searches.
 */
final class Residency implements AutoCloseable {
    /** Keys of the handles an index holds (one index never holds two kinds under one key). */
    static final String BASE = "base", LISTS = "lists", CODEBOOK = "codebook", CENTROIDS = "centroids";

    private final Map<Object, Resident<?>> handles = new HashMap<>();
    private boolean closed;

    /** The handle under {@code key}, prepared by {@code prepare} when there is none (first search, or after a change). */
    @SuppressWarnings("unchecked")
    synchronized <H extends Resident<?>> H get(Object key, Supplier<H> prepare) {
        if (closed) throw new IllegalStateException("the index is closed");
        Resident<?> h = handles.get(key);
        if (h == null) {
            h = prepare.get();
            handles.put(key, h);
        }
        return (H) h;
    }

    /** The index's data changed: every handle is closed and prepared again when next asked for. */
    synchronized void invalidate() {
        for (Resident<?> h : handles.values()) h.close();
        handles.clear();
    }

    @Override
    public synchronized void close() {
        invalidate();
        closed = true;
    }
}
