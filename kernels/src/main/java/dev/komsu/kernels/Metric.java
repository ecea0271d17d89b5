package dev.komsu.kernels;

/**
 * How two vectors are compared. faiss's two dense metrics, squared L2 (smaller is closer) and
 * inner product (larger is closer), and two of its other metrics, L1 and L-infinity (smaller is
 * closer), which faiss (and komsu) search with Flat and IVF-Flat only. Cosine similarity is inner
 * product over L2-normalised vectors.
 */
public enum Metric {
    /** Squared Euclidean distance, as faiss returns it (no square root). */
    L2,
    /** Dot product; larger is more similar. */
    INNER_PRODUCT,
    /** faiss's METRIC_L1: the sum of absolute differences (Manhattan distance). */
    L1,
    /** faiss's METRIC_Linf: the largest absolute difference (Chebyshev distance). */
    LINF;

    /** True for the metrics where a larger value is closer (inner product), as faiss's is_similarity_metric. */
    public boolean isSimilarity() {
        return this == INNER_PRODUCT;
    }

    /**
     * True for L1 and L-infinity: distances computed element by element, with no dot-product
     * expansion, which faiss searches with Flat and IVF-Flat only.
     */
    public boolean isElementwise() {
        return this == L1 || this == LINF;
    }

    /**
     * The distance faiss reports for an empty result slot (label -1): FLT_MAX (3.4028235e38) for
     * L2, L1 and L-infinity and -FLT_MAX for inner product, as faiss 1.7.3 returns (its heaps start from
     * {@code std::numeric_limits<float>::max()}, not infinity; checked with Debian's faiss).
     */
    public float emptyDistance() {
        return isSimilarity() ? -Float.MAX_VALUE : Float.MAX_VALUE;
    }

    /** True when distance {@code a} ranks strictly before {@code b} under this metric. */
    public boolean isBetter(float a, float b) {
        return isSimilarity() ? a > b : a < b;
    }

    /**
     * Maps a distance to a key where smaller always ranks first, so one min-ordered top-k serves
     * every metric. Negation is exact in floating point, so {@link #fromKey} restores the value.
     */
    public float toKey(float distance) {
        return isSimilarity() ? -distance : distance;
    }

    /** Inverse of {@link #toKey}. */
    public float fromKey(float key) {
        return isSimilarity() ? -key : key;
    }

    /** Parses the names users type: "l2", "ip", "inner_product", "l1", "linf" (any case). */
    public static Metric parse(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "l2" -> L2;
            case "ip", "inner_product", "innerproduct" -> INNER_PRODUCT;
            case "l1" -> L1;
            case "linf" -> LINF;
            default -> throw new IllegalArgumentException(
                    "unknown metric '" + name + "': expected l2, ip, l1 or linf");
        };
    }
}
