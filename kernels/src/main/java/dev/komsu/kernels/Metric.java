package dev.komsu.kernels;

/**
 * How two vectors are compared. faiss's two dense metrics: squared L2 (smaller is closer) and
 * inner product (larger is closer). Cosine similarity is inner product over L2-normalised vectors.
 */
public enum Metric {
    /** Squared Euclidean distance, as faiss returns it (no square root). */
    L2,
    /** Dot product; larger is more similar. */
    INNER_PRODUCT;

    /**
     * The distance faiss reports for an empty result slot (label -1): FLT_MAX (3.4028235e38) for
     * L2 and -FLT_MAX for inner product, as faiss 1.7.3 returns (its heaps start from
     * {@code std::numeric_limits<float>::max()}, not infinity; checked with Debian's faiss).
     */
    public float emptyDistance() {
        return this == L2 ? Float.MAX_VALUE : -Float.MAX_VALUE;
    }

    /** True when distance {@code a} ranks strictly before {@code b} under this metric. */
    public boolean isBetter(float a, float b) {
        return this == L2 ? a < b : a > b;
    }

    /**
     * Maps a distance to a key where smaller always ranks first, so one min-ordered top-k serves
     * both metrics. Negation is exact in floating point, so {@link #fromKey} restores the value.
     */
    public float toKey(float distance) {
        return this == L2 ? distance : -distance;
    }

    /** Inverse of {@link #toKey}. */
    public float fromKey(float key) {
        return this == L2 ? key : -key;
    }

    /** Parses the names users type: "l2", "ip", "inner_product" (any case). */
    public static Metric parse(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "l2" -> L2;
            case "ip", "inner_product", "innerproduct" -> INNER_PRODUCT;
            default -> throw new IllegalArgumentException(
                    "unknown metric '" + name + "': expected l2 or ip");
        };
    }
}
