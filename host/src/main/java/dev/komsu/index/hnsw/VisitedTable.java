package dev.komsu.index.hnsw;

import java.util.Arrays;

/**
 * The nodes one graph walk has seen (faiss's {@code VisitedTable}): a byte per node holding the
 * walk number that last saw it, so starting a new walk costs one increment instead of clearing
 * the table; the table is cleared only when the counter wraps. One per thread, reused.
 */
public final class VisitedTable {
    private byte[] seen;
    private int walk = 1;

    public VisitedTable(int size) {
        seen = new byte[size];
    }

    /** Grows to {@code size} nodes (after an add), keeping what is marked. */
    public void ensureSize(int size) {
        if (seen.length < size) seen = Arrays.copyOf(seen, size);
    }

    public boolean get(int node) {
        return seen[node] == (byte) walk;
    }

    public void set(int node) {
        seen[node] = (byte) walk;
    }

    /** Starts a new walk: every node reads as unseen again. */
    public void advance() {
        walk++;
        if (walk == 250) {
            Arrays.fill(seen, (byte) 0);
            walk = 1;
        }
    }
}
