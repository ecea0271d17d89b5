package dev.komsu.bench.harness;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * The markdown table of one run: for every index string, parameter setting and thread count,
 * komsu's rows (per backend), Debian's faiss measured in the same run, and the FAISS_REFERENCE.md
 * (AVX2) row, with komsu's QPS ratios. A legend names every build and says how ratios are made.
 */
public final class MarkdownReport {
    private MarkdownReport() {
    }

    public static String render(String title, List<String> notes, List<ResultRow> measured, Comparison comparison) {
        List<ResultRow> reference = comparison.relevantReference();
        StringBuilder sb = new StringBuilder();
        sb.append("### ").append(title).append("\n\n");
        Map<String, String> builds = new LinkedHashMap<>();
        for (ResultRow r : concat(measured, reference)) builds.putIfAbsent(r.curveName(), r.build());
        for (Map.Entry<String, String> b : builds.entrySet()) {
            sb.append("- `").append(b.getKey()).append("`: ").append(b.getValue()).append('\n');
        }
        for (String note : notes) sb.append("- ").append(note).append('\n');
        sb.append("- ").append(MatchedRecall.METHOD).append('\n');
        sb.append("- QPS = all queries in one search call, median of the timed runs after a warm-up; k = 10; "
                + "R1@1 = 1-recall@1, R10@10 = recall@10 against exact ground truth; MB = serialised index size (MiB); "
                + "`*` = marked noisy in FAISS_REFERENCE.md.\n\n");
        sb.append("| system | index | params | T | train s | add s | QPS | R1@1 | R1@10 | R10@10 | MB "
                + "| komsu/faiss same params | komsu/faiss @R10 | komsu/faiss-ref @R10 |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (ResultRow r : ordered(measured, reference)) {
            sb.append(row(r, comparison)).append('\n');
        }
        return sb.toString();
    }

    /** Index string (first appearance), then params as measured, threads, then komsu, faiss, jvector, faiss-ref. */
    private static List<ResultRow> ordered(List<ResultRow> measured, List<ResultRow> reference) {
        Set<String> measuredKeys = new LinkedHashSet<>();
        for (ResultRow r : measured) measuredKeys.add(r.factory() + "|" + r.params() + "|" + r.threads());
        List<ResultRow> all = new ArrayList<>(measured);
        for (ResultRow ref : reference) {
            if (measuredKeys.contains(ref.factory().replace(" ", "") + "|" + ref.params() + "|" + ref.threads())) all.add(ref);
        }
        List<String> factoryOrder = all.stream().map(ResultRow::factory).distinct().toList();
        List<String> paramOrder = all.stream().map(ResultRow::params).distinct().toList();
        List<String> systemOrder = List.of("komsu", "faiss", "jvector", "faiss-ref");
        all.sort(Comparator.<ResultRow>comparingInt(r -> factoryOrder.indexOf(r.factory()))
                .thenComparingInt(r -> paramOrder.indexOf(r.params()))
                .thenComparingInt(ResultRow::threads)
                .thenComparingInt(r -> systemOrder.indexOf(r.system())));
        return all;
    }

    private static String row(ResultRow r, Comparison comparison) {
        if (!r.ok()) {
            return "| " + r.curveName() + " | " + r.factory() + " | " + r.params() + " | " + r.threads()
                    + " | error: " + r.error().replace("|", "\\|").replace("\n", " ") + " | | | | | | | | | |";
        }
        Comparison.Ratios ratios = r.system().equals("komsu") ? comparison.ratiosFor(r) : null;
        List<String> c = new ArrayList<>(List.of(r.curveName(), r.factory(), r.params(), Integer.toString(r.threads()),
                fixed(r.trainSeconds(), 1), fixed(r.addSeconds(), 1), qps(r.qps()) + (r.noisy() ? "*" : ""),
                recall(r, Recall::r1At1), recall(r, Recall::r1At10), recall(r, Recall::r10At10),
                r.indexBytes() < 0 ? "-" : fixed(r.indexBytes() / (1024.0 * 1024.0), 1)));
        c.add(ratios == null ? "" : ratio(ratios.vsFaissSameParams()));
        c.add(ratios == null ? "" : ratio(ratios.vsFaissMatched()));
        c.add(ratios == null ? "" : ratio(ratios.vsReferenceMatched()));
        return "| " + String.join(" | ", c) + " |";
    }

    private static String recall(ResultRow r, java.util.function.ToDoubleFunction<Recall> f) {
        return r.recall() == null ? "-" : fixed(f.applyAsDouble(r.recall()), 3);
    }

    private static String fixed(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "-";
    }

    private static String qps(double v) {
        if (!Double.isFinite(v)) return "-";
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String ratio(OptionalDouble v) {
        return v.isPresent() ? String.format(Locale.ROOT, "%.2fx", v.getAsDouble()) : "n/a";
    }

    private static List<ResultRow> concat(List<ResultRow> a, List<ResultRow> b) {
        List<ResultRow> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
