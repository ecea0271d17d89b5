package dev.komsu.tune;

import dev.komsu.SearchParams;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * faiss's ParameterSpace::explore: measures the settings of a space one by one and skips those
 * that cannot reach the Pareto front, assuming (as faiss does) that a setting whose every value
 * is at least another's is neither faster nor less accurate.
 *
 * <p>faiss's skip rule, followed exactly: for a setting c, the lower bound on its time is the
 * slowest measured setting below it (every value of c at least that setting's), the upper bound
 * on its recall the least accurate measured setting above it (1 when none); c is skipped when
 * the front already has a setting with that recall in no more than that time. With a target
 * recall R, komsu also skips what cannot meet R (its recall bound is below R) and what cannot be
 * faster than the fastest setting already meeting R; with a max QPS loss X, what is bound to be
 * more than 1/(1-X) times slower than the fastest setting measured.
 *
 * <p>Order: faiss measures the fastest and the slowest setting first, then the rest in a random
 * order. komsu measures the rest by increasing total step (the sum of the value indices, the
 * first parameter first on ties), so lower bounds exist when a setting's turn comes; with a
 * target or a QPS loss it starts from the fastest setting upwards and does not measure the
 * slowest first (it would be the most expensive search, and rarely the answer).
 */
public final class Explorer {
    /** What measuring one setting gives: its recall and the seconds its search took. */
    public record Measurement(double recall, double seconds) {
    }

    /** Measures one setting. */
    @FunctionalInterface
    public interface Measure {
        Measurement run(SearchParams params);
    }

    /** Called after each setting: the point measured, or null with {@code skipped} true. */
    @FunctionalInterface
    public interface Listener {
        void onSetting(SearchParams params, OperatingPoint measured, boolean skipped);

        Listener NONE = (p, m, s) -> {
        };
    }

    private Explorer() {
    }

    /** Explores {@code space} as {@code options} say, measuring with {@code measure} ({@code nq} queries a search). */
    public static OperatingPoints explore(ParameterSpace space, TuneOptions options, long nq, Measure measure, Listener listener) {
        OperatingPoints points = new OperatingPoints(space.combinations());
        for (int cno : order(space, options)) {
            SearchParams params = space.params(cno);
            if (!options.exhaustive() && skip(space, options, points, cno)) {
                listener.onSetting(params, null, true);
                continue;
            }
            Measurement m = measure.run(params);
            OperatingPoint op = new OperatingPoint(params, cno, m.recall(), m.seconds(), nq);
            points.add(op);
            listener.onSetting(params, op, false);
        }
        return points;
    }

    /** The settings in the order they are measured. */
    static List<Integer> order(ParameterSpace space, TuneOptions options) {
        int n = space.combinations();
        List<Integer> rest = new ArrayList<>();
        for (int c = 0; c < n; c++) rest.add(c);
        rest.sort(Comparator.comparingInt((Integer c) -> sum(space.indices(c))).thenComparingInt(c -> c));
        boolean goal = options.hasTarget() || options.hasMaxQpsLoss();
        if (goal || options.exhaustive() || n <= 2) return rest;
        List<Integer> out = new ArrayList<>(List.of(0, n - 1)); // faiss: make sure the fastest and slowest are run
        for (int c : rest) if (c != 0 && c != n - 1) out.add(c);
        return out;
    }

    private static int sum(int[] indices) {
        int s = 0;
        for (int i : indices) s += i;
        return s;
    }

    /** True when setting {@code cno} cannot improve what {@code points} already hold. */
    static boolean skip(ParameterSpace space, TuneOptions options, OperatingPoints points, int cno) {
        double lowerBoundSeconds = 0;
        double upperBoundRecall = 1;
        double fastest = Double.POSITIVE_INFINITY;
        for (OperatingPoint op : points.all()) {
            if (space.ge(cno, op.cno())) lowerBoundSeconds = Math.max(lowerBoundSeconds, op.seconds());
            if (space.ge(op.cno(), cno)) upperBoundRecall = Math.min(upperBoundRecall, op.recall());
            fastest = Math.min(fastest, op.seconds());
        }
        if (points.secondsFor(upperBoundRecall) <= lowerBoundSeconds) return true; // faiss's rule
        if (options.hasTarget()) {
            if (upperBoundRecall < options.targetRecall()) return true;
            if (points.secondsFor(options.targetRecall()) <= lowerBoundSeconds) return true;
        }
        return options.hasMaxQpsLoss() && lowerBoundSeconds > fastest / (1 - options.maxQpsLoss());
    }
}
