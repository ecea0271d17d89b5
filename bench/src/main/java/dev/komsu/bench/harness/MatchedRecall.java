package dev.komsu.bench.harness;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The QPS another system reaches at the same recall, so a komsu row can be compared with a
 * faiss curve whose points sit at other recalls. The faiss points (same dataset, index string
 * and threads, all search parameters) are first reduced to their Pareto frontier (no point with
 * both higher recall and higher QPS); between the two frontier points that bracket the recall,
 * log(QPS) is interpolated linearly in recall. QPS falls roughly exponentially as recall
 * rises, so this is closer than linear QPS. Outside the curve's recall range there is no
 * answer, except within {@link #ENDPOINT_TOLERANCE} of an end point, whose QPS is then used.
 */
public final class MatchedRecall {
    /** Recall distance within which the curve's end point stands in for a value just outside it. */
    public static final double ENDPOINT_TOLERANCE = 0.005;

    /** How ratios are computed, printed under every table. */
    public static final String METHOD = "ratio = komsu QPS / faiss QPS at komsu's recall@10 on faiss's curve "
            + "for the same index string and threads (Pareto frontier over its search parameters; log-QPS "
            + "interpolated linearly in recall between the two nearest faiss points; an end point is used "
            + "if within " + ENDPOINT_TOLERANCE + " recall of it; otherwise n/a)";

    private MatchedRecall() {
    }

    /** A measured point of a recall-vs-QPS curve. */
    public record Point(double recall, double qps) {
        public Point {
            if (!(qps > 0) || Double.isInfinite(qps)) throw new IllegalArgumentException("qps must be > 0 and finite, got " + qps);
            if (!(recall >= 0 && recall <= 1)) throw new IllegalArgumentException("recall must be in [0, 1], got " + recall);
        }
    }

    /** The points no other point beats on both axes, by recall ascending (QPS then strictly descending). */
    public static List<Point> paretoFrontier(List<Point> points) {
        List<Point> byRecallDesc = new ArrayList<>(points);
        byRecallDesc.sort(Comparator.comparingDouble(Point::recall).reversed()
                .thenComparing(Comparator.comparingDouble(Point::qps).reversed()));
        List<Point> frontier = new ArrayList<>();
        double bestQps = 0;
        for (Point p : byRecallDesc) {
            if (p.qps() > bestQps) {
                frontier.add(p);
                bestQps = p.qps();
            }
        }
        return frontier.reversed();
    }

    /** The curve's QPS at {@code recall}, or empty when the recall lies outside the curve. */
    public static OptionalDouble qpsAt(List<Point> points, double recall) {
        List<Point> curve = paretoFrontier(points);
        if (curve.isEmpty()) return OptionalDouble.empty();
        Point first = curve.getFirst();
        Point last = curve.getLast();
        if (recall <= first.recall()) {
            return first.recall() - recall <= ENDPOINT_TOLERANCE ? OptionalDouble.of(first.qps()) : OptionalDouble.empty();
        }
        if (recall >= last.recall()) {
            return recall - last.recall() <= ENDPOINT_TOLERANCE ? OptionalDouble.of(last.qps()) : OptionalDouble.empty();
        }
        for (int i = 1; i < curve.size(); i++) {
            Point hi = curve.get(i);
            if (recall <= hi.recall()) {
                Point lo = curve.get(i - 1);
                double t = (recall - lo.recall()) / (hi.recall() - lo.recall());
                return OptionalDouble.of(Math.exp(Math.log(lo.qps()) + t * (Math.log(hi.qps()) - Math.log(lo.qps()))));
            }
        }
        throw new AssertionError("recall " + recall + " inside [" + first.recall() + ", " + last.recall() + "] but not bracketed");
    }

    /** {@code qps / (curve's QPS at recall)}, or empty when the curve does not reach that recall. */
    public static OptionalDouble ratio(double qps, double recall, List<Point> curve) {
        OptionalDouble other = qpsAt(curve, recall);
        return other.isPresent() ? OptionalDouble.of(qps / other.getAsDouble()) : OptionalDouble.empty();
    }
}
