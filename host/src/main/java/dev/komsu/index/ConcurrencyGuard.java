package dev.komsu.index;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Searches run concurrently; an add is refused while a search runs, and a search while an add
 * runs (DESIGN §3: search is thread-safe, adding is not concurrent with searching). Refusing
 * with an IllegalStateException makes the misuse visible at once instead of a search reading a
 * list while it is reallocated. One per index; wrappers (RFlat, IDMap, L2norm) hold their own,
 * so a wrapper's add is never half done.
 */
final class ConcurrencyGuard {
    /** Searches in flight (>= 0), or ADDING while an add runs. */
    private final AtomicInteger state = new AtomicInteger();
    private static final int ADDING = -1;

    /** Enters a search; pair with {@link #exitSearch()} in a finally block. */
    void enterSearch() {
        while (true) {
            int s = state.get();
            if (s == ADDING) {
                throw new IllegalStateException("search while vectors are being added: komsu's indexes do not support"
                        + " searching during add; search after add returns");
            }
            if (state.compareAndSet(s, s + 1)) return;
        }
    }

    void exitSearch() {
        state.decrementAndGet();
    }

    /** Enters an add; pair with {@link #exitAdd()} in a finally block. */
    void enterAdd() {
        if (!state.compareAndSet(0, ADDING)) {
            int s = state.get();
            throw new IllegalStateException(s == ADDING ? "add while another add runs: adds must not overlap"
                    : "add while " + s + " searches run: komsu's indexes do not support adding during search;"
                    + " add after the searches return");
        }
    }

    void exitAdd() {
        state.set(0);
    }
}
