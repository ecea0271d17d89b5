package dev.komsu.index;

import dev.komsu.Index;
import dev.komsu.SearchParams;
import java.util.Locale;

/**
 * The memory one search call needs, estimated before anything is allocated, so a request too
 * large for the JVM (a huge k, a huge refine k_factor) is refused with a message naming the
 * size and what helps, instead of ending in an OutOfMemoryError halfway through.
 *
 * <p>The estimate counts what grows with the request: the result (nq * k slots of a float
 * distance and a long label), the refine stage's candidates (nq * kBase slots, kBase clamped to
 * ntotal as {@link RefineFlatIndex} does), and a fixed allowance for the tables that PQ, FastScan
 * and refine build per chunk of queries (their budgets in PqCodec and RefineFlatIndex bound them
 * whatever the batch size).
 */
public final class SearchBudget {
    /** One result slot: a float distance and a long label. */
    public static final int RESULT_BYTES = Float.BYTES + Long.BYTES;
    /** Per-chunk tables (LUTs, candidate ids), bounded by the chunk budgets, plus slack. */
    static final long TABLE_BYTES = 64L << 20;

    private SearchBudget() {
    }

    /**
     * The candidates a refine stage asks its base index for: faiss's {@code idx_t(k * k_factor)},
     * at least k, and at most ntotal, since a base index cannot return more vectors than it holds
     * (asking for more gives the same answer after a much larger allocation).
     */
    public static int refineCandidates(int k, float kFactor, long ntotal) {
        long kb = (long) (k * (double) kFactor);
        long clamped = Math.max(k, Math.min(kb, ntotal));
        return (int) Math.min(clamped, Integer.MAX_VALUE - 8);
    }

    /** Bytes one {@code index.search(nq queries, k, params)} allocates, saturating at Long.MAX_VALUE. */
    public static long bytes(Index index, long nq, int k, SearchParams params) {
        long total = slots(nq, k);
        Index part = index;
        while (true) {
            if (part instanceof IdMapIndex m) {
                total = add(total, slots(nq, k)); // the inner result before its ids are translated
                part = m.inner();
            } else if (part instanceof L2NormIndex n) {
                part = n.inner();
            } else if (part instanceof RefineFlatIndex r) {
                float factor = params.kFactorOr(r.kFactor());
                total = add(total, slots(nq, refineCandidates(k, factor, r.ntotal())));
                part = r.base();
            } else {
                break;
            }
        }
        return add(total, TABLE_BYTES);
    }

    /** Heap the JVM can still give: its maximum less what is in use now. */
    public static long availableHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }

    /**
     * Fails with an IllegalArgumentException when one search of {@code nq} queries cannot fit the
     * heap available now, or holds more result slots than a Java array ({@code nq * k} or
     * {@code nq * kBase} above 2^31); {@code lower} names what the caller can lower (CLI flags,
     * or "the batch size or k" for library callers).
     */
    public static void check(Index index, long nq, int k, SearchParams params, String lower) {
        check(index, nq, k, params, lower, availableHeap());
    }

    /** {@link #check(Index, long, int, SearchParams, String)} against {@code free} bytes of heap. */
    static void check(Index index, long nq, int k, SearchParams params, String lower, long free) {
        long slots = Math.max(nq * (long) k, 0);
        if (nq > 0 && (slots / nq != k || slots > Integer.MAX_VALUE - 8)) {
            throw new IllegalArgumentException("one search of " + nq + " queries with k=" + k + " has " + slots
                    + " result slots, more than a Java array holds (2^31); lower " + lower);
        }
        long need = bytes(index, nq, k, params);
        if (need > free) {
            Runtime rt = Runtime.getRuntime();
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "one search of %d queries with k=%d%s needs about %s, more than the %s of Java heap free (max %s);"
                            + " lower %s, or give the JVM more heap (JAVA_TOOL_OPTIONS=-Xmx...)",
                    nq, k, refineNote(index, k, params), size(need), size(free), size(rt.maxMemory()), lower));
        }
    }

    private static String refineNote(Index index, int k, SearchParams params) {
        Index part = index;
        while (true) {
            if (part instanceof IdMapIndex m) part = m.inner();
            else if (part instanceof L2NormIndex n) part = n.inner();
            else break;
        }
        if (!(part instanceof RefineFlatIndex r)) return "";
        float factor = params.kFactorOr(r.kFactor());
        return " (refine: " + refineCandidates(k, factor, r.ntotal()) + " candidates per query)";
    }

    private static long slots(long nq, long k) {
        try {
            return Math.multiplyExact(Math.multiplyExact(nq, k), (long) RESULT_BYTES);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static long add(long a, long b) {
        long s = a + b;
        return s < 0 ? Long.MAX_VALUE : s;
    }

    /** Bytes for people: "4.5 GiB". */
    public static String size(long bytes) {
        if (bytes == Long.MAX_VALUE) return "more than 8 EiB";
        String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " bytes" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
