package dev.komsu.bench.harness;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * komsu's rows against faiss's: per komsu row, the QPS ratio to Debian's faiss measured in this
 * run with the same parameters, and at matched recall@10 (see {@link MatchedRecall}) to Debian's
 * faiss and to the FAISS_REFERENCE.md (AVX2) figures for the same dataset, index string and
 * thread count.
 */
public final class Comparison {
    private final List<ResultRow> measured;
    private final List<ResultRow> reference;

    /**
     * @param measured  komsu and faiss rows of this run
     * @param reference faiss-ref rows (every dataset; filtered here)
     */
    public Comparison(List<ResultRow> measured, List<ResultRow> reference) {
        this.measured = List.copyOf(measured);
        this.reference = List.copyOf(reference);
    }

    /** The ratios of one komsu row; each empty when there is nothing to compare with. */
    public record Ratios(OptionalDouble vsFaissSameParams, OptionalDouble vsFaissMatched, OptionalDouble vsReferenceMatched) {
        public Map<String, Object> toFields() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ratio_vs_faiss_same_params", orNull(vsFaissSameParams));
            m.put("ratio_vs_faiss_matched_recall10", orNull(vsFaissMatched));
            m.put("ratio_vs_faiss_ref_avx2_matched_recall10", orNull(vsReferenceMatched));
            return m;
        }

        private static Double orNull(OptionalDouble v) {
            return v.isPresent() ? v.getAsDouble() : null;
        }
    }

    public Ratios ratiosFor(ResultRow komsu) {
        if (!komsu.ok() || komsu.recall() == null) {
            return new Ratios(OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty());
        }
        OptionalDouble same = measured.stream()
                .filter(r -> r.system().equals("faiss") && r.ok() && sameConfig(r, komsu) && r.params().equals(komsu.params()))
                .mapToDouble(ResultRow::qps).findFirst();
        OptionalDouble sameRatio = same.isPresent() ? OptionalDouble.of(komsu.qps() / same.getAsDouble()) : OptionalDouble.empty();
        double recall = komsu.recall().r10At10();
        return new Ratios(sameRatio,
                MatchedRecall.ratio(komsu.qps(), recall, curve(measured, "faiss", komsu)),
                MatchedRecall.ratio(komsu.qps(), recall, curve(reference, "faiss-ref", komsu)));
    }

    /** Reference rows for this run's datasets, index strings and thread counts (all their parameters). */
    public List<ResultRow> relevantReference() {
        return reference.stream().filter(ref -> measured.stream()
                .anyMatch(m -> m.system().equals("komsu") && sameConfig(ref, m))).toList();
    }

    private static List<MatchedRecall.Point> curve(List<ResultRow> rows, String system, ResultRow like) {
        List<MatchedRecall.Point> points = new ArrayList<>();
        for (ResultRow r : rows) {
            if (!r.system().equals(system) || !r.ok() || !sameConfig(r, like) || r.recall() == null) continue;
            if (r.qps() > 0 && Double.isFinite(r.qps()) && Double.isFinite(r.recall().r10At10())) {
                points.add(new MatchedRecall.Point(r.recall().r10At10(), r.qps()));
            }
        }
        return points;
    }

    private static boolean sameConfig(ResultRow a, ResultRow b) {
        return a.dataset().equals(b.dataset()) && normalise(a.factory()).equals(normalise(b.factory()))
                && a.threads() == b.threads();
    }

    private static String normalise(String factory) {
        return Objects.requireNonNull(factory).replace(" ", "");
    }
}
