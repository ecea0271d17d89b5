package dev.komsu;

import java.util.Objects;

/**
 * The result of {@link Index#rangeSearch}, laid out as faiss's {@code RangeSearchResult}: the
 * hits of query {@code q} are entries {@code lims[q] .. lims[q+1]-1} of {@code distances} and
 * {@code labels}. Within a query, hits come in the order the index scanned them (faiss's order:
 * by id for Flat, by probed list then list position for IVF), not sorted by distance.
 */
public record RangeSearchResult(long[] lims, float[] distances, long[] labels) {
    public RangeSearchResult {
        Objects.requireNonNull(lims, "lims");
        Objects.requireNonNull(distances, "distances");
        Objects.requireNonNull(labels, "labels");
        if (lims.length == 0 || lims[0] != 0 || lims[lims.length - 1] != labels.length || labels.length != distances.length) {
            throw new IllegalArgumentException("lims must run from 0 to the hit count (" + labels.length
                    + ") and distances and labels hold as many hits (" + distances.length + ")");
        }
    }

    /** Number of queries. */
    public int nq() {
        return lims.length - 1;
    }

    /** Hits of query {@code q}. */
    public int count(int q) {
        return (int) (lims[q + 1] - lims[q]);
    }

    /** Total hits over every query. */
    public long total() {
        return labels.length;
    }
}
