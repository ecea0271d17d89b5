package dev.komsu.tune;

import dev.komsu.Index;
import dev.komsu.SearchParams;
import dev.komsu.index.HnswIndex;
import dev.komsu.index.IvfIndex;
import dev.komsu.index.RefineFlatIndex;
import dev.komsu.StoredSearchParams;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The search parameters of one index and the values to try for each, as faiss's
 * ParameterSpace: a grid whose points ("combinations") are numbered in mixed radix, the first
 * parameter varying fastest. Values are sorted ascending, so a combination whose every value is
 * at least another's ({@link #ge}) searches at least as much: faiss's assumption that it is no
 * faster and no less accurate.
 */
public final class ParameterSpace {
    /** A parameter komsu can tune, faiss's names. */
    public enum Parameter {
        K_FACTOR("k_factor"), NPROBE("nprobe"), EF_SEARCH("efSearch");

        private final String faissName;

        Parameter(String faissName) {
            this.faissName = faissName;
        }

        public String faissName() {
            return faissName;
        }

        void set(SearchParams.Builder b, double value) {
            switch (this) {
                case K_FACTOR -> b.kFactor((float) value);
                case NPROBE -> b.nprobe((int) value);
                case EF_SEARCH -> b.efSearch((int) value);
            }
        }
    }

    /** One parameter and its values, ascending and distinct. */
    public record Range(Parameter parameter, double[] values) {
        public Range {
            values = values.clone();
            if (values.length == 0) throw new IllegalArgumentException(parameter.faissName() + ": no values to try");
            for (double v : values) {
                boolean ok = parameter == Parameter.K_FACTOR ? v >= 1 && v <= 1 << 20 : v >= 1 && v <= Integer.MAX_VALUE && v == Math.rint(v);
                if (!ok) {
                    throw new IllegalArgumentException(parameter.faissName() + " value " + v + " is not valid: expected "
                            + (parameter == Parameter.K_FACTOR ? "a number >= 1" : "an integer >= 1"));
                }
            }
            values = Arrays.stream(values).sorted().distinct().toArray();
        }
    }

    private final List<Range> ranges;

    public ParameterSpace(List<Range> ranges) {
        this.ranges = List.copyOf(ranges);
        long n = 1;
        for (Range r : this.ranges) n *= r.values().length;
        if (n > 1 << 20) throw new IllegalArgumentException("the grid has " + n + " combinations, more than 2^20");
    }

    /**
     * faiss's ParameterSpace::initialize for the parameters komsu has: k_factor 1..64 (powers of
     * 2) for RFlat, nprobe 1, 2, 4, ... below nlist (at most 4096) for IVF, efSearch 4..512 for
     * HNSW. An index with none of them (Flat) has one combination: its defaults.
     */
    public static ParameterSpace forIndex(Index index) {
        List<Range> out = new ArrayList<>();
        if (StoredSearchParams.part(index, RefineFlatIndex.class) != null) out.add(new Range(Parameter.K_FACTOR, powersOfTwo(0, 6)));
        IvfIndex ivf = StoredSearchParams.part(index, IvfIndex.class);
        if (ivf != null) {
            List<Double> ps = new ArrayList<>();
            for (int i = 0; i < 13 && (1 << i) < ivf.nlist(); i++) ps.add((double) (1 << i));
            if (ps.isEmpty()) ps.add(1.0); // nlist 1: faiss's range would be empty
            out.add(new Range(Parameter.NPROBE, ps.stream().mapToDouble(Double::doubleValue).toArray()));
        }
        if (StoredSearchParams.part(index, HnswIndex.class) != null) out.add(new Range(Parameter.EF_SEARCH, powersOfTwo(2, 9)));
        return new ParameterSpace(out);
    }

    private static double[] powersOfTwo(int from, int to) {
        double[] v = new double[to - from + 1];
        for (int i = from; i <= to; i++) v[i - from] = 1 << i;
        return v;
    }

    /** This space with {@code parameter}'s values replaced; refused when the index has no such parameter. */
    public ParameterSpace with(Parameter parameter, double[] values) {
        List<Range> out = new ArrayList<>(ranges);
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i).parameter() == parameter) {
                out.set(i, new Range(parameter, values));
                return new ParameterSpace(out);
            }
        }
        throw new IllegalArgumentException(parameter.faissName() + " values were given, but this index has no "
                + parameter.faissName() + " to tune (tunable: " + (ranges.isEmpty() ? "none" : names()) + ")");
    }

    private String names() {
        return String.join(", ", ranges.stream().map(r -> r.parameter().faissName()).toList());
    }

    public List<Range> ranges() {
        return ranges;
    }

    /** Number of combinations: the product of the ranges' sizes. */
    public int combinations() {
        int n = 1;
        for (Range r : ranges) n *= r.values().length;
        return n;
    }

    /** The value index of each parameter in combination {@code cno}. */
    int[] indices(int cno) {
        int[] out = new int[ranges.size()];
        for (int i = 0; i < out.length; i++) {
            int n = ranges.get(i).values().length;
            out[i] = cno % n;
            cno /= n;
        }
        return out;
    }

    /** The search parameters of combination {@code cno}. */
    public SearchParams params(int cno) {
        SearchParams.Builder b = SearchParams.builder();
        int[] j = indices(cno);
        for (int i = 0; i < j.length; i++) ranges.get(i).parameter().set(b, ranges.get(i).values()[j[i]]);
        return b.build();
    }

    /** faiss's combination_ge: every parameter of {@code c1} is at least that of {@code c2}. */
    public boolean ge(int c1, int c2) {
        int[] a = indices(c1);
        int[] b = indices(c2);
        for (int i = 0; i < a.length; i++) if (a[i] < b[i]) return false;
        return true;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (Range r : ranges) {
            if (!s.isEmpty()) s.append(", ");
            s.append(r.parameter().faissName()).append(' ').append(Arrays.toString(r.values()));
        }
        return s.isEmpty() ? "no parameters" : s.toString();
    }
}
