package dev.komsu.tune;

import dev.komsu.Index;
import dev.komsu.index.InputChecks;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Neighbors;
import java.util.Optional;

/**
 * Auto-tuning of search parameters, as faiss's ParameterSpace::explore with OperatingPoints:
 * searches the queries with the settings of the index's parameter space (nprobe, k_factor,
 * efSearch), each timed over the whole query set, and returns the measured points with their
 * recall@k / time Pareto front. Searches run on the index's own backend and threads; the index
 * is not changed (each search passes its parameters), so tuning is as thread-safe as search.
 */
public final class Tuner {
    /** A search that took this long is not repeated: its time varies little. */
    private static final double REPEAT_BELOW_SECONDS = 1.0;

    private Tuner() {
    }

    /** {@link #tune(Index, FloatMatrix, TuneOptions, Explorer.Listener)} without a listener. */
    public static OperatingPoints tune(Index index, FloatMatrix queries, TuneOptions options) {
        return tune(index, queries, options, Explorer.Listener.NONE);
    }

    /**
     * Explores the index's parameters over {@code queries}; {@code listener} hears of each
     * setting measured or skipped. Ground truth absent from the options is computed first
     * ({@link GroundTruth#exact}).
     */
    public static OperatingPoints tune(Index index, FloatMatrix queries, TuneOptions options, Explorer.Listener listener) {
        InputChecks.checkVectors("queries", queries, index.dim());
        if (queries.rows() == 0) throw new IllegalArgumentException("no queries to tune with");
        ParameterSpace space = options.space() != null ? options.space() : ParameterSpace.forIndex(index);
        GroundTruth gt = options.groundTruth() != null ? options.groundTruth() : GroundTruth.exact(index, queries, options.k());
        if (gt.nq() != queries.rows()) {
            throw new IllegalArgumentException("the ground truth has " + gt.nq() + " rows, the queries " + queries.rows());
        }
        int k = options.k();
        // the first searches run before the JIT has compiled the kernels: one untimed search
        index.search(queries, k, space.params(0));
        return Explorer.explore(space, options, queries.rows(), params -> {
            double best = Double.POSITIVE_INFINITY;
            double recall = 0;
            for (int run = 0; run < options.repeats(); run++) {
                long start = System.nanoTime();
                Neighbors r = index.search(queries, k, params);
                best = Math.min(best, (System.nanoTime() - start) / 1e9);
                if (run == 0) recall = gt.recall(r, k);
                if (best >= REPEAT_BELOW_SECONDS) break;
            }
            return new Explorer.Measurement(recall, Math.max(best, 1e-9));
        }, listener);
    }

    /** The setting {@code options} ask for among {@code points}: empty when no goal was set or none meets it. */
    public static Optional<OperatingPoint> choice(OperatingPoints points, TuneOptions options) {
        if (options.hasTarget()) return points.fastestWithRecall(options.targetRecall());
        if (options.hasMaxQpsLoss()) return points.mostAccurateWithin(options.maxQpsLoss());
        return Optional.empty();
    }
}
