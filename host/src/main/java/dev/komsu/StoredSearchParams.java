package dev.komsu;

import dev.komsu.index.HnswIndex;
import dev.komsu.index.IdMapIndex;
import dev.komsu.index.IvfIndex;
import dev.komsu.index.L2NormIndex;
import dev.komsu.index.RefineFlatIndex;

/**
 * The search parameters an index keeps, as faiss keeps them in its fields and files: an IVF
 * index's nprobe, a refine wrapper's k_factor, an HNSW graph's efSearch. A search whose
 * {@link SearchParams} leave one unset uses the stored value. Finding them walks the wrappers as
 * faiss's ParameterSpace::set_index_parameter does: IDMap and L2norm pass through, RFlat keeps
 * k_factor and passes the rest to its base.
 */
public final class StoredSearchParams {
    private StoredSearchParams() {
    }

    /** The outermost part of {@code index} of type {@code type} (the index itself, or inside its wrappers), or null. */
    public static <T extends Index> T part(Index index, Class<T> type) {
        Index p = index;
        while (p != null) {
            if (type.isInstance(p)) return type.cast(p);
            p = switch (p) {
                case IdMapIndex m -> m.inner();
                case L2NormIndex n -> n.inner();
                case RefineFlatIndex r -> r.base();
                default -> null;
            };
        }
        return null;
    }

    /** The stored values of the parameters that apply to {@code index}; the others stay unset. */
    public static SearchParams of(Index index) {
        SearchParams.Builder b = SearchParams.builder();
        IvfIndex ivf = part(index, IvfIndex.class);
        if (ivf != null) b.nprobe(ivf.nprobe());
        RefineFlatIndex refine = part(index, RefineFlatIndex.class);
        if (refine != null) b.kFactor(refine.kFactor());
        HnswIndex hnsw = part(index, HnswIndex.class);
        if (hnsw != null) b.efSearch(hnsw.graph().efSearch());
        return b.build();
    }

    /**
     * Stores the parameters set in {@code params} in {@code index} (written to its file, used by
     * searches that set none), as faiss's {@code index.nprobe = P}. Throws
     * IllegalArgumentException, changing nothing, when a set parameter has no part to apply to.
     */
    public static void store(Index index, SearchParams params) {
        IvfIndex ivf = part(index, IvfIndex.class);
        RefineFlatIndex refine = part(index, RefineFlatIndex.class);
        HnswIndex hnsw = part(index, HnswIndex.class);
        check("nprobe", params.nprobe() > 0, ivf, "an IVF index");
        check("k_factor", params.kFactor() > 0, refine, "a refine index (RFlat)");
        check("efSearch", params.efSearch() > 0, hnsw, "an HNSW index");
        if (params.nprobe() > 0) ivf.setNprobe(params.nprobe());
        if (params.kFactor() > 0) refine.setKFactor(params.kFactor());
        if (params.efSearch() > 0) hnsw.graph().setEfSearch(params.efSearch());
    }

    private static void check(String name, boolean set, Index part, String kind) {
        if (set && part == null) throw new IllegalArgumentException(name + " applies to " + kind + ", and this index has none");
    }
}
