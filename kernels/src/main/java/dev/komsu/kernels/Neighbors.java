package dev.komsu.kernels;

import java.util.Arrays;
import java.util.Objects;

/**
 * The result of a k-nearest-neighbour search: for each of {@code nq} queries, {@code k} slots
 * of (distance, label), best first. Empty slots follow faiss: label -1 and distance +inf for
 * L2 or -inf for inner product.
 */
public final class Neighbors {
    private final int nq;
    private final int k;
    private final float[] distances;
    private final long[] labels;

    /** Wraps row-major arrays of {@code nq * k} entries (not copied). */
    public Neighbors(int nq, int k, float[] distances, long[] labels) {
        if (nq < 0 || k <= 0) throw new IllegalArgumentException("need nq >= 0 and k > 0, got nq=" + nq + ", k=" + k);
        long n = (long) nq * k;
        Objects.requireNonNull(distances, "distances");
        Objects.requireNonNull(labels, "labels");
        if (distances.length != n || labels.length != n) {
            throw new IllegalArgumentException("expected " + n + " entries, got distances=" + distances.length
                    + ", labels=" + labels.length);
        }
        this.nq = nq;
        this.k = k;
        this.distances = distances;
        this.labels = labels;
    }

    /** A result with every slot empty for {@code metric}. */
    public static Neighbors empty(int nq, int k, Metric metric) {
        long n = (long) nq * k;
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("nq * k = " + nq + " * " + k + " = " + n
                    + " result slots, more than a Java array holds (2^31); search fewer queries at once or ask for a smaller k");
        }
        float[] d = new float[(int) n];
        long[] l = new long[(int) n];
        Arrays.fill(d, metric.emptyDistance());
        Arrays.fill(l, -1L);
        return new Neighbors(nq, k, d, l);
    }

    public int nq() {
        return nq;
    }

    public int k() {
        return k;
    }

    public float distance(int query, int rank) {
        return distances[query * k + rank];
    }

    public long label(int query, int rank) {
        return labels[query * k + rank];
    }

    /** The row-major distance array, shared, not copied. */
    public float[] distances() {
        return distances;
    }

    /** The row-major label array, shared, not copied. */
    public long[] labels() {
        return labels;
    }

    /** Copies the rows of {@code part} into rows {@code [fromQuery, fromQuery + part.nq())} of this. */
    public void copyRowsFrom(Neighbors part, int fromQuery) {
        if (part.k != k) throw new IllegalArgumentException("k differs: " + part.k + " vs " + k);
        System.arraycopy(part.distances, 0, distances, fromQuery * k, part.nq * k);
        System.arraycopy(part.labels, 0, labels, fromQuery * k, part.nq * k);
    }

    @Override
    public String toString() {
        return "Neighbors[nq=" + nq + ", k=" + k + "]";
    }
}
