package dev.komsu.tune;

/**
 * What {@link Tuner#tune} measures and looks for.
 *
 * @param k            neighbours per query; recall is recall@k ({@link GroundTruth#recall})
 * @param groundTruth  the exact neighbours of the queries, or null to compute them from the
 *                     index's exact vectors ({@link GroundTruth#exact})
 * @param targetRecall find the fastest setting with at least this recall (and skip what cannot
 *                     beat it), or NaN
 * @param maxQpsLoss   find the most accurate setting at most this fraction slower than the
 *                     fastest (0.2: at least 80% of the best QPS), or NaN; not with a target
 * @param space        the settings to try, or null for faiss's defaults for the index
 *                     ({@link ParameterSpace#forIndex})
 * @param exhaustive   measure every setting, skipping none (to check the explorer's skips)
 * @param repeats      searches per setting, the best time kept; repeats stop once one search
 *                     took a second, since long runs vary less
 */
public record TuneOptions(int k, GroundTruth groundTruth, double targetRecall, double maxQpsLoss, ParameterSpace space,
                          boolean exhaustive, int repeats) {
    public TuneOptions {
        if (k <= 0) throw new IllegalArgumentException("k must be > 0, got " + k);
        if (!Double.isNaN(targetRecall) && !(targetRecall > 0 && targetRecall <= 1)) {
            throw new IllegalArgumentException("target recall must be in (0, 1], got " + targetRecall);
        }
        if (!Double.isNaN(maxQpsLoss) && !(maxQpsLoss >= 0 && maxQpsLoss < 1)) {
            throw new IllegalArgumentException("max QPS loss must be in [0, 1), got " + maxQpsLoss);
        }
        if (!Double.isNaN(targetRecall) && !Double.isNaN(maxQpsLoss)) {
            throw new IllegalArgumentException("give a target recall or a max QPS loss, not both");
        }
        if (repeats <= 0) throw new IllegalArgumentException("repeats must be > 0, got " + repeats);
        if (groundTruth != null && groundTruth.k() < k) {
            throw new IllegalArgumentException("the ground truth has " + groundTruth.k() + " neighbours per query, recall@" + k
                    + " needs at least " + k);
        }
    }

    /** recall@k against exact neighbours computed from the index, faiss's default space, no goal, best of 3. */
    public static TuneOptions defaults(int k) {
        return new TuneOptions(k, null, Double.NaN, Double.NaN, null, false, 3);
    }

    public TuneOptions withGroundTruth(GroundTruth gt) {
        return new TuneOptions(k, gt, targetRecall, maxQpsLoss, space, exhaustive, repeats);
    }

    public TuneOptions withTargetRecall(double r) {
        return new TuneOptions(k, groundTruth, r, maxQpsLoss, space, exhaustive, repeats);
    }

    public TuneOptions withMaxQpsLoss(double loss) {
        return new TuneOptions(k, groundTruth, targetRecall, loss, space, exhaustive, repeats);
    }

    public TuneOptions withSpace(ParameterSpace s) {
        return new TuneOptions(k, groundTruth, targetRecall, maxQpsLoss, s, exhaustive, repeats);
    }

    public TuneOptions withExhaustive(boolean e) {
        return new TuneOptions(k, groundTruth, targetRecall, maxQpsLoss, space, e, repeats);
    }

    public TuneOptions withRepeats(int n) {
        return new TuneOptions(k, groundTruth, targetRecall, maxQpsLoss, space, exhaustive, n);
    }

    boolean hasTarget() {
        return !Double.isNaN(targetRecall);
    }

    boolean hasMaxQpsLoss() {
        return !Double.isNaN(maxQpsLoss);
    }
}
