package dev.komsu.tune;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The points measured while tuning and their Pareto front, as faiss's OperatingPoints: a point
 * is on the front when no other point is at least as accurate and faster. The front is kept
 * sorted by recall (and so by time), starting from faiss's sentinel "doing nothing gives recall
 * 0 in time 0", which {@link #front()} leaves out.
 */
public final class OperatingPoints {
    private static final OperatingPoint NOTHING = new OperatingPoint(null, -1, 0, 0, 1);

    private final List<OperatingPoint> all = new ArrayList<>();
    private final List<OperatingPoint> optimal = new ArrayList<>(List.of(NOTHING));
    private final int combinations;

    /** Points of a space of {@code combinations} settings. */
    public OperatingPoints(int combinations) {
        this.combinations = combinations;
    }

    /**
     * Adds a measured point; true if it joined the front (faiss's OperatingPoints::add: a point of
     * recall 0 never does, and points the newcomer beats leave it).
     */
    public boolean add(OperatingPoint op) {
        all.add(op);
        if (op.recall() == 0) return false;
        List<OperatingPoint> a = optimal;
        OperatingPoint last = a.getLast();
        if (op.recall() > last.recall()) {
            a.add(op);
        } else if (op.recall() == last.recall()) {
            if (!(op.seconds() < last.seconds())) return false;
            a.set(a.size() - 1, op);
        } else {
            int i = 0;
            while (a.get(i).recall() < op.recall()) i++;
            if (!(op.seconds() < a.get(i).seconds())) return false;
            if (a.get(i).recall() == op.recall()) a.set(i, op);
            else a.add(i, op);
        }
        for (int i = a.size() - 1; i > 0; i--) {
            if (a.get(i).seconds() < a.get(i - 1).seconds()) a.remove(i - 1);
        }
        return true;
    }

    /**
     * faiss's t_for_perf: the time of the fastest front point with at least {@code recall}, or
     * 1e50 when none reaches it.
     */
    public double secondsFor(double recall) {
        if (recall > optimal.getLast().recall()) return 1e50;
        for (OperatingPoint op : optimal) if (op.recall() >= recall) return op.seconds();
        throw new AssertionError("unreachable: the last front point reaches " + recall);
    }

    /** Every point measured, in the order measured. */
    public List<OperatingPoint> all() {
        return Collections.unmodifiableList(all);
    }

    /** The Pareto front, by increasing recall and time. */
    public List<OperatingPoint> front() {
        return Collections.unmodifiableList(optimal.subList(1, optimal.size()));
    }

    /** Settings in the space explored; {@code all().size()} of them were measured. */
    public int combinations() {
        return combinations;
    }

    /** The highest recall measured (0 when nothing was). */
    public double bestRecall() {
        return all.stream().mapToDouble(OperatingPoint::recall).max().orElse(0);
    }

    /** The fastest point with recall at least {@code target}, if one was measured. */
    public Optional<OperatingPoint> fastestWithRecall(double target) {
        return front().stream().filter(op -> op.recall() >= target).findFirst();
    }

    /**
     * The most accurate point whose QPS is at least {@code (1 - maxLoss)} times the best QPS
     * measured (the faster one on equal recall).
     */
    public Optional<OperatingPoint> mostAccurateWithin(double maxLoss) {
        double best = all.stream().mapToDouble(OperatingPoint::qps).max().orElse(0);
        return front().stream().filter(op -> op.qps() >= (1 - maxLoss) * best).reduce((a, b) -> b);
    }
}
