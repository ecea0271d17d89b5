package dev.komsu.index;

import dev.komsu.Index;
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
