package dev.komsu;

/**
 * Per-search parameters, faiss's names: {@code nprobe} (IVF lists visited per query; clamped
 * to nlist as faiss does), {@code kFactor} (refine: the base index returns k*kFactor
 * candidates that are re-ranked exactly; faiss's default 1) and {@code efSearch} (HNSW: the
 * search's candidate list; 0, the default, means the index's own value, which faiss stores in
 * the file). Immutable.
 */
public final class SearchParams {
    /** nprobe 1, kFactor 1: faiss's defaults. */
    public static final SearchParams DEFAULTS = builder().build();

    private final int nprobe;
    private final float kFactor;
    private final int efSearch;

    private SearchParams(Builder b) {
        this.nprobe = b.nprobe;
        this.kFactor = b.kFactor;
        this.efSearch = b.efSearch;
    }

    public int nprobe() {
        return nprobe;
    }

    public float kFactor() {
        return kFactor;
    }

    /** HNSW efSearch, or 0 for the index's own. */
    public int efSearch() {
        return efSearch;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().nprobe(nprobe).kFactor(kFactor).efSearch(efSearch);
    }

    @Override
    public String toString() {
        return "SearchParams[nprobe=" + nprobe + ", kFactor=" + kFactor + ", efSearch=" + efSearch + "]";
    }

    public static final class Builder {
        private int nprobe = 1;
        private float kFactor = 1f;
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

        public SearchParams build() {
            return new SearchParams(this);
        }
    }
}
