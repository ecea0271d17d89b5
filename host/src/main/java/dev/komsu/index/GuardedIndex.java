package dev.komsu.index;

import dev.komsu.IdSelector;
import dev.komsu.Index;
import dev.komsu.RangeSearchResult;
import dev.komsu.SearchParams;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Neighbors;

/**
 * What every index does around add and search: the {@link ConcurrencyGuard} that lets searches
 * run together and refuses an add that overlaps anything. Subclasses write the unguarded work.
 */
abstract class GuardedIndex implements Index {
    private final ConcurrencyGuard guard = new ConcurrencyGuard();

    /** Adds {@code xs} (ids = row numbers from ntotal on); no search or other add runs meanwhile. */
    abstract void addUnguarded(FloatMatrix xs);

    /** Adds {@code xs} with {@code ids}; no search or other add runs meanwhile. */
    abstract void addWithIdsUnguarded(FloatMatrix xs, long[] ids);

    /** Searches; other searches may run meanwhile, adds do not. */
    abstract Neighbors searchUnguarded(FloatMatrix queries, int k, SearchParams params);

    /** Removes what {@code selector} selects; no search or add runs meanwhile. faiss's refusal unless overridden. */
    long removeIdsUnguarded(IdSelector selector) {
        throw notImplemented("remove_ids");
    }

    /** Range search; other searches may run meanwhile, adds do not. faiss's refusal unless overridden. */
    RangeSearchResult rangeSearchUnguarded(FloatMatrix queries, float radius, SearchParams params) {
        throw notImplemented("range_search");
    }

    /** Merges {@code other} in; nothing else runs on this index meanwhile. faiss's refusal unless overridden. */
    void mergeFromUnguarded(Index other, long addId) {
        throw notImplemented("merge_from");
    }

    /** The refusal of an operation faiss does not implement for this type either. */
    UnsupportedOperationException notImplemented(String operation) {
        return new UnsupportedOperationException(getClass().getSimpleName() + " does not implement " + operation
                + " (faiss's " + operation + " is not implemented for this type of index either)");
    }

    @Override
    public final long removeIds(IdSelector selector) {
        java.util.Objects.requireNonNull(selector, "selector");
        guard.enterAdd();
        try {
            return removeIdsUnguarded(selector);
        } finally {
            guard.exitAdd();
        }
    }

    @Override
    public final RangeSearchResult rangeSearch(FloatMatrix queries, float radius, SearchParams params) {
        if (Float.isNaN(radius)) throw new IllegalArgumentException("radius must be a number, got NaN");
        guard.enterSearch();
        try {
            return rangeSearchUnguarded(queries, radius, params);
        } finally {
            guard.exitSearch();
        }
    }

    /**
     * Takes this index's add guard, then {@code other}'s when it is guarded too (a search or add
     * on it is refused meanwhile, as on this one).
     */
    @Override
    public final void mergeFrom(Index other, long addId) {
        java.util.Objects.requireNonNull(other, "other");
        if (other == this) throw new IllegalArgumentException("cannot merge an index into itself");
        guard.enterAdd();
        try {
            if (other instanceof GuardedIndex g) {
                g.guard.enterAdd();
                try {
                    mergeFromUnguarded(other, addId);
                } finally {
                    g.guard.exitAdd();
                }
            } else {
                mergeFromUnguarded(other, addId);
            }
        } finally {
            guard.exitAdd();
        }
    }

    @Override
    public final void add(FloatMatrix xs) {
        guard.enterAdd();
        try {
            addUnguarded(xs);
        } finally {
            guard.exitAdd();
        }
    }

    @Override
    public final void addWithIds(FloatMatrix xs, long[] ids) {
        guard.enterAdd();
        try {
            addWithIdsUnguarded(xs, ids);
        } finally {
            guard.exitAdd();
        }
    }

    @Override
    public final Neighbors search(FloatMatrix queries, int k, SearchParams params) {
        guard.enterSearch();
        try {
            return searchUnguarded(queries, k, params);
        } finally {
            guard.exitSearch();
        }
    }

    /** The refusal of {@code addWithIds} by an index whose ids are row numbers, as faiss's. */
    static UnsupportedOperationException rowNumberIds(String what, String wrapInstead) {
        return new UnsupportedOperationException(what + " stores vectors by row number and takes no ids"
                + " (faiss: add_with_ids not implemented); use \"" + wrapInstead + "\"");
    }
}
