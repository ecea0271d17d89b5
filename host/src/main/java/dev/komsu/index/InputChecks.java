package dev.komsu.index;

import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;

/** Checks that every index applies to what users hand it, with messages that name the problem. */
public final class InputChecks {
    private InputChecks() {
    }

    /** Rejects a matrix whose width differs from the index's, or that holds NaN or infinity. */
    public static void checkVectors(String what, FloatMatrix xs, int dim) {
        if (xs.cols() != dim) {
            throw new IllegalArgumentException(what + " have dimension " + xs.cols() + ", the index has " + dim);
        }
        long[] bad = xs.firstNonFinite();
        if (bad != null) {
            throw new IllegalArgumentException(what + " row " + bad[0] + " column " + bad[1]
                    + " is " + xs.get(bad[0], (int) bad[1]) + ": vectors must be finite (no NaN or infinity)");
        }
    }

    /**
     * {@code metric}, unless it is L1 or L-infinity, which only exact vectors (Flat, IVF-Flat)
     * compute: every code, graph and refine step here computes L2 or inner product.
     */
    public static Metric checkComputable(Metric metric, String indexKind) {
        if (metric.isElementwise()) {
            throw new IllegalArgumentException("metric " + metric + " is supported by Flat and IVF{n},Flat indexes only, not by "
                    + indexKind + " (its codec or graph computes L2 or inner product)");
        }
        return metric;
    }

    public static void checkK(int k) {
        if (k <= 0) throw new IllegalArgumentException("k must be > 0, got " + k);
    }

    public static void checkIds(FloatMatrix xs, long[] ids) {
        if (ids.length != xs.rows()) {
            throw new IllegalArgumentException("got " + ids.length + " ids for " + xs.rows() + " vectors");
        }
    }

    public static void checkRange(long from, long n, long ntotal) {
        if (from < 0 || n < 0 || from + n > ntotal) {
            throw new IllegalArgumentException("rows [" + from + ", " + (from + n) + ") out of range: the index holds " + ntotal);
        }
    }
}
