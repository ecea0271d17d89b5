package dev.komsu.bench.harness;

import dev.komsu.SearchParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The search parameters one index string is run with: every nprobe for an IVF index, every
 * k_factor for a refined one (RFlat), every efSearch for an HNSW graph ({@code HNSW32},
 * {@code HNSW32,Flat}), their product where several apply, a single default setting otherwise (a
 * Flat index has none). Labels follow FAISS_REFERENCE.md ("nprobe=4 k_factor=4", "-") and
 * faiss's ParameterSpace names ("efSearch=64") so reference rows can be matched by text and
 * compare_faiss.py can set them.
 */
public record SearchGrid(List<Integer> nprobes, List<Double> kFactors, List<Integer> efSearches) {
    /** efSearch values when none are given: faiss's default 16 up to where HNSW32 recall flattens. */
    public static final List<Integer> DEFAULT_EF_SEARCH = List.of(16, 32, 64, 128, 256);

    public SearchGrid {
        nprobes = List.copyOf(nprobes);
        kFactors = List.copyOf(kFactors);
        efSearches = List.copyOf(efSearches);
        if (nprobes.isEmpty()) throw new IllegalArgumentException("--nprobe needs at least one value");
        if (kFactors.isEmpty()) throw new IllegalArgumentException("--k-factor needs at least one value");
        if (efSearches.isEmpty()) throw new IllegalArgumentException("--ef-search needs at least one value");
        for (int p : nprobes) if (p <= 0) throw new IllegalArgumentException("--nprobe values must be > 0, got " + p);
        for (double f : kFactors) {
            if (!(f >= 1) || Double.isInfinite(f)) throw new IllegalArgumentException("--k-factor values must be >= 1, got " + f);
        }
        for (int e : efSearches) if (e <= 0) throw new IllegalArgumentException("--ef-search values must be > 0, got " + e);
    }

    /** A grid with the default efSearch values. */
    public SearchGrid(List<Integer> nprobes, List<Double> kFactors) {
        this(nprobes, kFactors, DEFAULT_EF_SEARCH);
    }

    /** One point of the grid; 0 means the parameter does not apply to the index. */
    public record Setting(int nprobe, double kFactor, int efSearch) {
        public Setting(int nprobe, double kFactor) {
            this(nprobe, kFactor, 0);
        }

        public SearchParams toParams() {
            SearchParams.Builder b = SearchParams.builder();
            if (nprobe > 0) b.nprobe(nprobe);
            if (kFactor > 0) b.kFactor((float) kFactor);
            if (efSearch > 0) b.efSearch(efSearch);
            return b.build();
        }

        /** FAISS_REFERENCE.md's spelling: "nprobe=16 k_factor=4", "efSearch=64", or "-" when nothing applies. */
        public String label() {
            List<String> parts = new ArrayList<>();
            if (nprobe > 0) parts.add("nprobe=" + nprobe);
            if (efSearch > 0) parts.add("efSearch=" + efSearch);
            if (kFactor > 0) parts.add("k_factor=" + formatNumber(kFactor));
            return parts.isEmpty() ? "-" : String.join(" ", parts);
        }
    }

    /** The settings for {@code factory}, nprobe-major, then efSearch, then k_factor. */
    public List<Setting> settingsFor(String factory) {
        List<Integer> ps = usesNprobe(factory) ? nprobes : List.of(0);
        List<Integer> es = usesEfSearch(factory) ? efSearches : List.of(0);
        List<Double> fs = usesKFactor(factory) ? kFactors : List.of(0.0);
        List<Setting> out = new ArrayList<>();
        for (int p : ps) for (int e : es) for (double f : fs) out.add(new Setting(p, f, e));
        return out;
    }

    /**
     * A graph index searched by efSearch: a token "HNSW{M}" of its own ("HNSW32", "HNSW32,Flat").
     * Not "IVF1024_HNSW32,...": there the graph is only the coarse quantiser, which faiss tunes
     * as "quantizer_efSearch" and komsu's SearchParams does not reach.
     */
    static boolean usesEfSearch(String factory) {
        return tokens(factory).stream().anyMatch(t -> t.matches("HNSW\\d+"));
    }

    static boolean usesNprobe(String factory) {
        return tokens(factory).stream().anyMatch(t -> t.matches("IVF\\d+.*"));
    }

    static boolean usesKFactor(String factory) {
        return tokens(factory).stream().anyMatch(t -> t.equals("RFlat") || t.startsWith("Refine"));
    }

    private static List<String> tokens(String factory) {
        return List.of(factory.trim().split("\\s*,\\s*"));
    }

    /** "4" for 4.0, "2.5" for 2.5: integers without a decimal point, as faiss's tables print them. */
    public static String formatNumber(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
    }
}
