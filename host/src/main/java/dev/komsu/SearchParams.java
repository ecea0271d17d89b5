package dev.komsu;

/**
 * Per-search parameters, faiss's names: {@code nprobe} (IVF lists visited per query; clamped
 * to nlist as faiss does), {@code kFactor} (refine: the base index returns k*kFactor
 * candidates that are re-ranked exactly) and {@code efSearch} (HNSW: the search's candidate
 * list). Immutable.
 *
 * <p>A parameter left unset (0, the builder's default) means the index's own value, as in faiss,
 * where a search without SearchParameters uses the fields stored in the index (and its file):
 * IVF's nprobe (faiss's default 1), RFlat's k_factor (default 1), HNSW's efSearch (default 16).
 * {@link #DEFAULTS} sets nothing, so {@code index.search(q, k)} searches with what the index
 * stores; a value set here overrides it for this search only.
 */
public final class SearchParams {
    /** Nothing set: every parameter is the index's own (faiss's defaults unless a file stored others). */
    public static final SearchParams DEFAULTS = builder().build();

    private final int nprobe;
    private final float kFactor;
    private final int efSearch;

    private SearchParams(Builder b) {
        this.nprobe = b.nprobe;
        this.kFactor = b.kFactor;
        this.efSearch = b.efSearch;
    }

    /** IVF nprobe, or 0 for the index's own. */
    public int nprobe() {
        return nprobe;
    }

    /** Refine k_factor, or 0 for the index's own. */
    public float kFactor() {
        return kFactor;
    }

    /** HNSW efSearch, or 0 for the index's own. */
    public int efSearch() {
        return efSearch;
    }

    /** This search's nprobe: the one set here, else {@code stored} (the index's own). */
    public int nprobeOr(int stored) {
        return nprobe > 0 ? nprobe : stored;
    }

    /** This search's k_factor: the one set here, else {@code stored} (the index's own). */
    public float kFactorOr(float stored) {
        return kFactor > 0 ? kFactor : stored;
    }

    /** This search's efSearch: the one set here, else {@code stored} (the index's own). */
    public int efSearchOr(int stored) {
        return efSearch > 0 ? efSearch : stored;
    }

    /** These parameters where set, else those of {@code fallback}. */
    public SearchParams orElse(SearchParams fallback) {
        return new Builder().nprobe0(nprobeOr(fallback.nprobe)).kFactor0(kFactorOr(fallback.kFactor))
                .efSearch(efSearchOr(fallback.efSearch)).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().nprobe0(nprobe).kFactor0(kFactor).efSearch(efSearch);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SearchParams p && p.nprobe == nprobe && Float.compare(p.kFactor, kFactor) == 0
                && p.efSearch == efSearch;
    }

    @Override
    public int hashCode() {
        return (nprobe * 31 + Float.hashCode(kFactor)) * 31 + efSearch;
    }

    /** The parameters set, faiss's spelling ("nprobe=16 k_factor=4"), or "index defaults" when none is. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        if (nprobe > 0) s.append("nprobe=").append(nprobe);
        if (kFactor > 0) s.append(s.isEmpty() ? "" : " ").append("k_factor=").append(formatFactor(kFactor));
        if (efSearch > 0) s.append(s.isEmpty() ? "" : " ").append("efSearch=").append(efSearch);
        return s.isEmpty() ? "index defaults" : s.toString();
    }

    /** "4" for 4.0, "2.5" for 2.5, as faiss's tables print k_factor. */
    static String formatFactor(float f) {
        return f == Math.rint(f) ? Long.toString((long) f) : Float.toString(f);
    }

    public static final class Builder {
        private int nprobe;
        private float kFactor;
        private int efSearch;

        public Builder nprobe(int nprobe) {
            if (nprobe <= 0) throw new IllegalArgumentException("nprobe must be > 0, got " + nprobe);
            this.nprobe = nprobe;
            return this;
        }

        public Builder kFactor(float kFactor) {
            if (!(kFactor >= 1f) || Float.isInfinite(kFactor)) {
                throw new IllegalArgumentException("kFactor must be a finite number >= 1, got " + kFactor);
            }
            this.kFactor = kFactor;
            return this;
        }

        /** HNSW efSearch; 0 (the default) keeps the index's own. */
        public Builder efSearch(int efSearch) {
            if (efSearch < 0) throw new IllegalArgumentException("efSearch must be >= 0 (0: the index's own), got " + efSearch);
            this.efSearch = efSearch;
            return this;
        }

        /** nprobe where {@code 0} means unset (copying). */
        private Builder nprobe0(int v) {
            return v == 0 ? this : nprobe(v);
        }

        private Builder kFactor0(float v) {
            return v == 0 ? this : kFactor(v);
        }

        public SearchParams build() {
            return new SearchParams(this);
        }
    }
}
