package dev.komsu;

import java.util.Arrays;

/**
 * Which ids an operation applies to, faiss's {@code IDSelector}: {@link #batch} (faiss
 * IDSelectorBatch, a set of ids) and {@link #range} (faiss IDSelectorRange, {@code min <= id < max}).
 * Used by {@link Index#removeIds}. Implementations must be thread-safe for reading.
 */
@FunctionalInterface
public interface IdSelector {
    boolean isMember(long id);

    /** The ids in {@code ids} (duplicates allowed); the array is copied. */
    static IdSelector batch(long... ids) {
        long[] sorted = ids.clone();
        Arrays.sort(sorted);
        return id -> Arrays.binarySearch(sorted, id) >= 0;
    }

    /** Ids {@code min <= id < max}, as faiss's IDSelectorRange. */
    static IdSelector range(long min, long max) {
        if (min > max) throw new IllegalArgumentException("id range [" + min + ", " + max + ") is reversed");
        return id -> id >= min && id < max;
    }
}
